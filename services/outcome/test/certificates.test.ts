import { createPublicKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { CertificateIssued } from '@creditbank/contracts';
import { generateSigningKey } from '@creditbank/auth';
import { makeResidentId } from '@creditbank/identity';
import { eventually, tokens } from '@creditbank/testing';
import {
  IMPORT,
  INSTITUTION,
  OUTCOMES_OF,
  accountOpened,
  accredited,
  institution,
  item,
  standard,
  startOutcome,
  type OutcomeHarness,
} from './harness';
import { createCertificateSigner } from '../src/infrastructure/certificate-signer';

let h: OutcomeHarness;
let accountNo: string;
let outcomeIds: string[];

const ISSUE = `mutation($n: ID!, $ids: [ID!]) { issueCertificate(accountNo: $n, outcomeIds: $ids) { id code token issuedAt revoked outcomeIds pdfUrl } }`;
const VERIFY = `query($code: String, $token: String) { verifyCertificate(code: $code, token: $token) { status valid revoked revokedReason code issuedAt learnerNameMasked outcomes { title recognizedCredits revoked } } }`;
type Cert = { id: string; code: string; token: string; outcomeIds: string[]; pdfUrl: string };
type Verification = {
  status: string;
  valid: boolean;
  revoked: boolean;
  learnerNameMasked: string;
  outcomes: Array<{ title: string; recognizedCredits: number; revoked: boolean }>;
};

beforeAll(async () => {
  h = await startOutcome({ PUBLIC_URL: 'https://api.creditbank.test' });
  const id = makeResidentId('330109', '1958-11-11', 321);
  const opened = accountOpened(h.hashOf(id), { nameMasked: '诸*明' });
  await h.feed([item('VSC-ELEC-G4'), item('VSC-COOK-G5', { level: 1 }), standard(1), institution(), accredited(), opened]);
  accountNo = opened.event.data.accountNo;
  const rows = [
    {
      externalRef: 'c-1',
      idNumber: id,
      name: '诸葛明',
      type: 'VOCATIONAL',
      catalogItemCode: 'VSC-ELEC-G4',
      title: '电工（四级）',
      achievedAt: '2025-06-01',
    },
    {
      externalRef: 'c-2',
      idNumber: id,
      name: '诸葛明',
      type: 'VOCATIONAL',
      catalogItemCode: 'VSC-COOK-G5',
      title: '中式烹调师（五级）',
      achievedAt: '2026-01-15',
    },
  ];
  await h.gql(IMPORT, { ref: 'cert-rows', rows }, tokens.institutionAdmin(INSTITUTION, '33'));
  const r = await h.gql<{ _entities: Array<{ outcomes: { edges: Array<{ node: { id: string } }> } }> }>(
    OUTCOMES_OF,
    { r: [{ __typename: 'Learner', accountNo }] },
    tokens.learner(accountNo),
  );
  outcomeIds = r.data!._entities[0]!.outcomes.edges.map((e) => e.node.id);
});

afterAll(async () => {
  await h?.stop();
});

async function issue(ids?: string[]): Promise<Cert> {
  const r = await h.gql<{ issueCertificate: Cert }>(ISSUE, { n: accountNo, ids }, tokens.learner(accountNo));
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!.issueCertificate;
}

const verify = async (vars: { code?: string; token?: string }) =>
  (await h.gql<{ verifyCertificate: Verification }>(VERIFY, vars)).data!.verifyCertificate;

it('issues a signed certificate of all recognised outcomes, verifiable by code and by token', async () => {
  const cert = await issue();
  expect(cert.outcomeIds.sort()).toEqual([...outcomeIds].sort());
  expect(cert.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  expect(cert.pdfUrl).toBe(`https://api.creditbank.test/certificates/${cert.code}.pdf`);
  const byCode = await verify({ code: cert.code.toLowerCase().replace(/-/g, ' ') });
  expect(byCode).toMatchObject({ status: 'VALID', valid: true, revoked: false, learnerNameMasked: '诸*明' });
  expect(byCode.outcomes.map((o) => [o.title, o.recognizedCredits])).toEqual([
    ['电工（四级）', 6],
    ['中式烹调师（五级）', 4],
  ]);
  expect((await verify({ token: cert.token })).status).toBe('VALID');
  await eventually(() =>
    expect(h.tap.events(CertificateIssued.type).some((e) => (e.data as { certificateId: string }).certificateId === cert.id)).toBe(true),
  );
});

it('is a W3C Verifiable Credential (Open Badges 3.0 shape) that verifies offline with the published key', async () => {
  const cert = await issue([outcomeIds[0]!]);
  const jwks = (await (await fetch(`${h.baseUrl}/.well-known/certificate-keys.json`)).json()) as { keys: Array<{ kid: string }> };
  const header = jwt.decode(cert.token, { complete: true })!.header;
  expect(header).toMatchObject({ alg: 'ES256', typ: 'vc+jwt' });
  const key = createPublicKey({ key: jwks.keys.find((k) => k.kid === header.kid) as never, format: 'jwk' });
  const vc = jwt.verify(cert.token, key, { algorithms: ['ES256'] }) as Record<string, unknown>;
  expect(vc['@context']).toEqual(expect.arrayContaining(['https://www.w3.org/ns/credentials/v2']));
  expect(vc['type']).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
  expect(vc).toMatchObject({ credentialSubject: { type: ['AchievementSubject'], name: '诸*明' } });
  expect(JSON.stringify(vc)).not.toMatch(/诸葛明|330109195811113/);
});

it('reports a changed byte as TAMPERED, another key as TAMPERED, and an unknown code as UNKNOWN', async () => {
  const cert = await issue();
  const [head, body, sig] = cert.token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as {
    creditbank: { outcomes: Array<{ recognizedCredits: number }> };
  };
  claims.creditbank.outcomes[0]!.recognizedCredits = 60;
  const changed = `${head}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
  expect((await verify({ token: changed })).status).toBe('TAMPERED');
  const flipped = cert.token.slice(0, -3) + (cert.token.at(-3) === 'A' ? 'B' : 'A') + cert.token.slice(-2);
  expect((await verify({ token: flipped })).status).toBe('TAMPERED');
  // Signed with a foreign key under the platform's kid.
  const foreign = generateSigningKey('test-cert-1');
  const forger = createCertificateSigner({
    privateKeyPem: foreign.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    kid: 'test-cert-1',
    jwks: JSON.stringify({ keys: [foreign.publicJwk] }),
    issuerId: 'https://creditbank.example.gov.cn',
  });
  const forged = forger.sign({
    certificateId: cert.id,
    code: cert.code,
    accountNo,
    learnerNameMasked: '诸*明',
    outcomes: [],
    issuedAt: new Date(),
    issuerName: 'x',
  });
  expect((await verify({ token: forged })).status).toBe('TAMPERED');
  expect((await verify({ code: 'ZZZZ-ZZZZ-ZZZZ' })).status).toBe('UNKNOWN');
  expect((await verify({ token: 'not.a.jwt' })).status).toBe('UNKNOWN');
});

it('reports revoked certificates, and certificates listing a revoked outcome', async () => {
  const mine = await issue([outcomeIds[1]!]);
  const REVOKE_CERT = `mutation($id: ID!, $r: String!) { revokeCertificate(id: $id, reason: $r) { revoked revokedReason } }`;
  expect(
    (await h.gql(REVOKE_CERT, { id: mine.id, r: 'x' }, tokens.learner('330000000100'.slice(0, 11) + '0'))).errors?.[0]?.extensions?.[
      'code'
    ],
  ).toBe('NOT_FOUND');
  const r = await h.gql<{ revokeCertificate: { revoked: boolean } }>(
    REVOKE_CERT,
    { id: mine.id, r: '证书遗失，申请作废' },
    tokens.learner(accountNo),
  );
  expect(r.data?.revokeCertificate.revoked).toBe(true);
  expect(await verify({ code: mine.code })).toMatchObject({
    status: 'REVOKED',
    valid: false,
    revoked: true,
    revokedReason: '证书遗失，申请作废',
  });

  const listing = await issue([outcomeIds[0]!]);
  await h.gql(
    `mutation($id: ID!) { revokeOutcome(id: $id, reason: "证书编号错误") { status } }`,
    { id: outcomeIds[0] },
    tokens.centerAdmin('33'),
  );
  const v = await verify({ code: listing.code });
  expect(v).toMatchObject({ status: 'REVOKED', revoked: true });
  expect(v.outcomes[0]!.revoked).toBe(true);
});

it('refuses to certify outcomes that are not recognised or not the learner’s', async () => {
  const r = await h.gql(ISSUE, { n: accountNo, ids: ['oc-00000000-0000-0000-0000-000000000000'] }, tokens.learner(accountNo));
  expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'outcomeIds.0' });
  const other = await h.gql(ISSUE, { n: accountNo }, tokens.centerAdmin('44'));
  expect(other.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
});

it('prints the certificate as a PDF with Chinese text and a QR code', async () => {
  const cert = await issue([outcomeIds[1]!]);
  const res = await fetch(`${h.baseUrl}/certificates/${cert.code}.pdf`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/pdf');
  const pdf = Buffer.from(await res.arrayBuffer());
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  expect(pdf.length).toBeGreaterThan(5_000);
  const text = pdf.toString('latin1');
  expect(text).toMatch(/WenQuanYiMicroHei/); // the CJK font is embedded
  expect(text).toMatch(/\/Subtype \/Image/); // the QR code
  expect((await fetch(`${h.baseUrl}/certificates/AAAA-BBBB-CCCC.pdf`)).status).toBe(404);
});
