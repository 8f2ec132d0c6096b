import { readFileSync } from 'node:fs';
import { loadEnv } from '@creditbank/config';
import {
  allReady,
  createBackgroundLoop,
  createServiceKit,
  createSubgraphServer,
  loadSchemaFile,
  mergeResolvers,
  runMain,
  startComponents,
  type StartedService,
} from '@creditbank/server';
import { outcomeEnvSchema } from './env';
import { buildOutcomeContext } from './graphql/context';
import { outcomePolicy } from './graphql/policy';
import { outcomeResolvers } from './graphql/outcome.resolver';
import { certificateResolvers } from './graphql/certificate.resolver';
import { OUTCOMES_COLLECTION, createOutcomeRepository } from './persistence/outcome.repository';
import { createProjectionRepository } from './persistence/projection.repository';
import {
  BATCHES_COLLECTION,
  CERTIFICATES_COLLECTION,
  createCertificateRepository,
  createImportBatchRepository,
} from './persistence/batch-and-certificate.repository';
import { createCertificateSigner } from './infrastructure/certificate-signer';
import { renderCertificatePdf } from './infrastructure/certificate-pdf';
import { accountEventHandlers } from './events/account-events.handler';
import { standardsEventHandlers } from './events/standards-events.handler';
import { recogniseAwaitingStandard } from './use-cases/recognise-awaiting.use-case';
import { systemContext } from './use-cases/access';
import { normaliseVerificationCode } from './domain/certificate';

export const typeDefs = loadSchemaFile(__dirname);

/** The only wiring point of the outcome service: env → mongo → kafka → server → probes. */
export async function main(source: Record<string, string | undefined> = process.env): Promise<StartedService> {
  const env = loadEnv(outcomeEnvSchema, source);
  const kit = createServiceKit('outcome', env);
  const certJwks = env.CERT_JWKS ?? readFileSync(env.CERT_JWKS_FILE as string, 'utf8');
  const issuerNames = JSON.parse(env.CERT_ISSUER_NAMES) as Record<string, string>;
  const issuerName = (province: string) => issuerNames[province] ?? '终身学习学分银行';

  const outcomes = createOutcomeRepository(kit.mongo.connection, kit.outboxSignal, kit.bulkOutbox);
  const projections = createProjectionRepository(kit.mongo.connection);
  const batches = createImportBatchRepository(kit.mongo.connection, kit.outboxSignal);
  const certificates = createCertificateRepository(kit.mongo.connection, kit.outboxSignal);
  const signer = createCertificateSigner({
    privateKeyPem: env.CERT_SIGNING_KEY ?? readFileSync(env.CERT_SIGNING_KEY_FILE as string, 'utf8'),
    kid: env.CERT_SIGNING_KID as string,
    jwks: certJwks,
    issuerId: env.CERT_ISSUER_ID,
  });

  const relay = kit.outboxRelay([OUTCOMES_COLLECTION, BATCHES_COLLECTION, CERTIFICATES_COLLECTION]);
  const accountEvents = kit.consumer('account-events', accountEventHandlers({ outcomes, projections }));
  /** Provinces whose credit standard was just published: their waiting outcomes are decided again. */
  const standardArrived = new Set<string>();
  const awaitingSweep = createBackgroundLoop(
    'awaiting-standard-sweep',
    env.AWAITING_STANDARD_SWEEP_MS,
    async () => {
      const due = standardArrived.size ? [...standardArrived] : await projections.standardProvinces();
      standardArrived.clear();
      for (const province of due) {
        const ctx = systemContext(province, `awaiting-standard-${province}-${Date.now()}`);
        const r = await recogniseAwaitingStandard({ outcomes, projections }, province, ctx);
        if (r.decided) kit.logger.info({ province, ...r }, 'outcomes waiting for the credit standard decided');
      }
    },
    kit.logger,
  );
  const standardsEvents = kit.consumer(
    'standards-events',
    standardsEventHandlers(projections, {
      onCreditStandard: (province) => {
        standardArrived.add(province);
        awaitingSweep.kick();
      },
    }),
  );

  const components = [kit.mongo, kit.topics, kit.publisher, relay, accountEvents, standardsEvents, awaitingSweep];
  const deps = { outcomes, projections, batches, certificates, signer, issuerName, idHashKey: env.ID_HASH_KEY, publicUrl: env.PUBLIC_URL };
  const server = createSubgraphServer({
    service: 'outcome',
    typeDefs,
    resolvers: mergeResolvers(outcomeResolvers, certificateResolvers),
    policy: outcomePolicy,
    host: env.HOST,
    port: env.PORT,
    logger: kit.logger,
    verifier: kit.verifier,
    production: kit.production,
    metrics: kit.metrics,
    readiness: allReady(components),
    routes: (app) => {
      // Anyone verifying a certificate offline needs these public keys.
      app.get('/.well-known/certificate-keys.json', (_req, res) => {
        res.setHeader('cache-control', 'public, max-age=300');
        res.type('application/jwk-set+json').send(certJwks);
      });
      // The printable certificate, by its (unguessable) verification code.
      app.get('/certificates/:code.pdf', async (req, res) => {
        const code = normaliseVerificationCode(String(req.params['code'] ?? ''));
        const cert = code ? await certificates.findByCode(code) : null;
        if (!cert) {
          res.status(404).json({ errors: [{ message: 'Certificate not found', extensions: { code: 'NOT_FOUND' } }] });
          return;
        }
        try {
          const institutionNames = new Map(
            (await projections.institutions([...new Set(cert.outcomes.map((o) => o.institutionCode).filter((c): c is string => !!c))])).map(
              (i) => [i.code, i.name],
            ),
          );
          const pdf = await renderCertificatePdf(cert, {
            fontFile: env.CERT_FONT_FILE,
            fontFace: env.CERT_FONT_FACE,
            verifyUrl: env.VERIFY_URL,
            issuerName: issuerName(cert.province),
            institutionNames,
          });
          res.type('application/pdf').setHeader('content-disposition', `inline; filename="certificate-${cert.code}.pdf"`);
          res.send(pdf);
        } catch (error) {
          kit.logger.error({ err: error }, 'certificate PDF failed');
          res.status(503).json({
            errors: [{ message: 'The printable certificate is unavailable right now', extensions: { code: 'SERVICE_UNAVAILABLE' } }],
          });
        }
      });
    },
    buildContext: buildOutcomeContext(deps),
  });

  const runtime = await startComponents([...components, server], kit.logger);
  return { runtime, url: server.url(), logger: kit.logger, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS };
}

if (require.main === module) runMain(() => main());
