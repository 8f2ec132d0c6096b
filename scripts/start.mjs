#!/usr/bin/env node
// `npm start`: install if needed → build → local infrastructure up → the six subgraphs and the
// gateway as processes → demo data → print where to look. Ctrl-C stops everything cleanly.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureInstalled } from './lib/ensure-install.mjs';
import { build } from './lib/build.mjs';
import { ensureDevKeys } from './lib/dev-keys.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const localDir = process.env.CREDITBANK_LOCAL_DIR ?? join(root, '.local');
const SERVICES = [
  ['account', 4101],
  ['outcome', 4102],
  ['standards', 4103],
  ['conversion', 4104],
  ['intake-network', 4105],
  ['analytics', 4106],
];
const GATEWAY_PORT = Number(process.env.GATEWAY_PORT ?? 4000);
const RECEIVER_PORT = Number(process.env.WEBHOOK_RECEIVER_PORT ?? 4180);
const children = [];
let stopping = false;

function startProcess(name, script, env) {
  const logFile = join(localDir, 'logs', `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [script], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited unexpectedly (${signal ?? `code ${code}`}); see ${logFile}`);
      void shutdown(1);
    }
  });
  children.push({ name, child, logFile });
  return child;
}

async function waitReady(name, url, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`${name} did not become ready at ${url}; see ${join(localDir, 'logs', `${name}.log`)}`);
}

async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping the platform…');
  const gw = children.find((c) => c.name === 'gateway');
  const order = gw ? [gw, ...children.filter((c) => c !== gw)] : children;
  for (const { child } of order) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null) return resolve();
          const t = setTimeout(() => child.kill('SIGKILL'), 25_000);
          child.on('exit', () => {
            clearTimeout(t);
            resolve();
          });
        }),
    ),
  );
  if (startedInfra) {
    const infra = await import(join(root, 'deploy', 'local', 'infra.mjs'));
    await infra.down();
  } else {
    console.log('local Kafka and FerretDB were already running before `npm start`; left running (npm run infra -- down stops them)');
  }
  console.log('stopped');
  process.exit(code);
}

let startedInfra = false;

/** Demo administrators (local development only; the passwords are printed below). */
const DEMO_ADMINS = [
  { username: 'platform-admin', password: 'Platform-demo-2026', role: 'PLATFORM_ADMIN', province: '11', displayName: '平台管理员' },
  { username: 'zj-admin', password: 'Zhejiang-demo-2026', role: 'CENTER_ADMIN', province: '33', displayName: '浙江省学分银行管理中心' },
  { username: 'gd-admin', password: 'Guangdong-demo-2026', role: 'CENTER_ADMIN', province: '44', displayName: '广东省学分银行管理中心' },
];

function runNode(script, env, args = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${script} failed (exit ${code})`))));
  });
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

/**
 * The demo intake point: 文新街道受理点 (西湖区), one of the 1,731 nodes of the Zhejiang network that
 * the intake-network seed builds on the real township divisions.
 */
const DEMO_NODE = { id: 'sn-330106013', name: '文新街道受理点' };

/** Demo reference data and network, written through each service's repositories (idempotent). */
async function seedReferenceData(common) {
  await Promise.all([
    runNode(join(root, 'services', 'standards', 'dist', 'seed-standards.js'), { ...common, LOG_LEVEL: 'warn' }),
    (async () => {
      for (const province of ['33', '44']) {
        await runNode(join(root, 'services', 'intake-network', 'dist', 'seed-network.js'), { ...common, LOG_LEVEL: 'warn' }, [
          '--province',
          province,
        ]);
      }
    })(),
  ]);
}

try {
  const t0 = performance.now();
  await ensureInstalled(root);
  await build(root);
  mkdirSync(join(localDir, 'logs'), { recursive: true });
  const infra = await import(join(root, 'deploy', 'local', 'infra.mjs'));
  const before =
    process.env.MONGODB_URI && process.env.KAFKA_BROKERS
      ? { ready: true }
      : await infra.status({ quiet: true }).catch(() => ({ ready: false }));
  const { mongodbUri, kafkaBrokers, cjkFont } = await infra.up();
  startedInfra = !before.ready;

  const keys = ensureDevKeys(localDir);
  const require = createRequire(join(root, 'package.json'));
  const { createTokenSigner } = require('@creditbank/auth');
  const signer = createTokenSigner({
    kid: keys.kid,
    privateKey: keys.privateKey,
    issuer: 'creditbank',
    audience: 'creditbank-api',
    ttlSec: 12 * 3600,
  });
  const mint = (claims) => signer.sign(claims).token;

  const common = {
    NODE_ENV: 'development',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    MONGODB_URI: mongodbUri,
    KAFKA_BROKERS: kafkaBrokers,
    JWT_JWKS_FILE: keys.jwksFile,
    APOLLO_TELEMETRY_DISABLED: '1',
    ...(cjkFont ? { CERT_FONT_FILE: cjkFont } : {}),
  };
  const accountEnv = { JWT_PRIVATE_KEY_FILE: keys.privateFile, JWT_SIGNING_KID: keys.kid };
  // Outcome certificates are signed with their own key (published at /.well-known/certificate-keys.json).
  const certKeys = ensureDevKeys(localDir, 'cert-dev-1');
  const outcomeEnv = { CERT_SIGNING_KEY_FILE: certKeys.privateFile, CERT_SIGNING_KID: certKeys.kid, CERT_JWKS_FILE: certKeys.jwksFile };
  // The demo partner university's webhook receiver runs locally (examples/partner-webhook-receiver),
  // so the conversion service may call it here: development settings, refused in production.
  const receiverUrl = `http://127.0.0.1:${RECEIVER_PORT}/webhook`;
  const conversionEnv = {
    WEBHOOK_ALLOW_HTTP: 'true',
    WEBHOOK_DEV_ALLOWED_ORIGINS: new URL(receiverUrl).origin,
    WEBHOOK_RETRY_BASE_MS: '2000',
    WEBHOOK_RETRY_MAX_MS: '60000',
  };
  // Catalogue, credit standards and the intake network; their events go out when the services start.
  await seedReferenceData(common);
  for (const [name, port] of SERVICES) {
    startProcess(name, join(root, 'services', name, 'dist', 'main.js'), {
      ...common,
      PORT: String(port),
      ...(name === 'account' ? accountEnv : {}),
      ...(name === 'outcome' ? outcomeEnv : {}),
      ...(name === 'conversion' ? conversionEnv : {}),
    });
  }
  await Promise.all(SERVICES.map(([name, port]) => waitReady(name, `http://127.0.0.1:${port}/readyz`)));
  startProcess('gateway', join(root, 'gateway', 'dist', 'main.js'), {
    ...common,
    PORT: String(GATEWAY_PORT),
    ...Object.fromEntries(
      SERVICES.map(([name, port]) => [`SUBGRAPH_${name.toUpperCase().replace(/-/g, '_')}_URL`, `http://127.0.0.1:${port}/graphql`]),
    ),
  });
  await waitReady('gateway', `http://127.0.0.1:${GATEWAY_PORT}/readyz`);
  // The first administrators, as a real deployment creates them (idempotent).
  await runNode(join(root, 'services', 'account', 'dist', 'bootstrap.js'), {
    ...common,
    ...accountEnv,
    LOG_LEVEL: 'warn',
    BOOTSTRAP_ADMINS: JSON.stringify(DEMO_ADMINS),
  });
  const demo = { nodeId: DEMO_NODE.id };
  const url = `http://localhost:${GATEWAY_PORT}/graphql`;

  // The demo world, through the gateway like any client (idempotent: a second start adds nothing).
  const scale = process.env.DEMO_SCALE ?? '1';
  console.log(`seeding the demo world (scale ${scale}; the first start takes a few minutes, later ones seconds)…`);
  const seedStarted = performance.now();
  const seedOut = await runNode(join(root, 'tools', 'cli', 'bin', 'creditbank.js'), { ...common, LOG_LEVEL: 'warn' }, [
    'seed',
    '--json',
    '--url',
    url,
    '--scale',
    scale,
    '--key-file',
    keys.privateFile,
    '--webhook-url',
    receiverUrl,
  ]);
  const world = JSON.parse(seedOut.trim().split('\n').pop());
  if (world.webhook) {
    // Deliveries made before it listens are retried (every few seconds here).
    startProcess('partner-webhooks', join(root, 'examples', 'partner-webhook-receiver', 'receiver.mjs'), {
      PORT: String(RECEIVER_PORT),
      CREDITBANK_WEBHOOK_SECRETS: world.webhook.secret,
    });
  }
  console.log(
    `demo world: ${world.learners.opened + world.learners.existing} learners, ${world.institutions.created + world.institutions.existing} institutions, ` +
      `${world.outcomes.accepted + world.outcomes.duplicates} outcomes (${((performance.now() - seedStarted) / 1000).toFixed(0)} s)`,
  );

  const operator = mint({ sub: 'demo-operator-1', role: 'INTAKE_OPERATOR', prov: '33', node: demo.nodeId });
  const analyst = mint({ sub: 'demo-analyst-33', role: 'ANALYST', prov: '33' });
  const centerAdmin = mint({ sub: 'demo-center-admin-33', role: 'CENTER_ADMIN', prov: '33' });
  const expert = mint({ sub: 'demo-expert-33', role: 'EXPERT', prov: '33' });
  const platformAdmin = mint({ sub: 'demo-platform-admin', role: 'PLATFORM_ADMIN', prov: '11' });
  const learner = world.sample.accountNo
    ? mint({ sub: world.sample.accountNo, role: 'LEARNER', prov: '33', acct: world.sample.accountNo })
    : null;
  const institutionAdmin = world.sample.institutionCode
    ? mint({ sub: 'demo-inst-admin', role: 'INSTITUTION_ADMIN', prov: '33', inst: world.sample.institutionCode })
    : null;
  const partner = world.partnerUniversity
    ? mint({ sub: 'demo-partner', role: 'UNIVERSITY_PARTNER', prov: '33', inst: world.partnerUniversity })
    : null;
  writeFileSync(
    join(localDir, 'demo.json'),
    `${JSON.stringify({ url, world, tokens: { operator, analyst, centerAdmin, expert, platformAdmin, learner, institutionAdmin, partner } }, null, 2)}\n`,
  );

  const q = (query, variables) => ({ query, variables });
  const audiences = [
    [
      "Front-end developers (a learner's dashboard; see docs/front-end.md)",
      [
        [
          'the learner, their archive and outcomes page, across three subgraphs',
          learner,
          q(
            'query($a: ID!) { learner(accountNo: $a) { name status openedAtNode { name } archive { year recognizedCredits } outcomes(first: 5) { totalCount edges { node { title status recognizedCredits catalogItem { name level } institution { name } } } } } }',
            { a: world.sample.accountNo },
          ),
        ],
        [
          'the nearest intake points (public, no token)',
          null,
          q('{ nearestIntakePoints(lat: 30.2741, lng: 120.1551, limit: 3) { id name address } }'),
        ],
        ['who am I', learner, q('{ me { role province learner { accountNo } } }')],
      ],
    ],
    [
      'Provincial IT and intake points (operators; see docs/operations.md)',
      [
        [
          'open a learner account at the demo intake point',
          operator,
          q(
            'mutation($i: OpenLearnerAccountInput!) { openLearnerAccount(input: $i) { initialPassword learner { accountNo idNumberMasked status } } }',
            {
              i: {
                idNumber: '330106197805121232',
                name: '王秀英',
                phone: '13800138000',
                adminDivision: '330106013',
                agreementVersion: '2026-01',
              },
            },
          ),
        ],
        [
          "the province's learners opened at intake points",
          centerAdmin,
          q('{ learners(filter: { channel: INTAKE_POINT }, first: 3) { totalCount edges { node { accountNo name status } } } }'),
        ],
        ['outcomes waiting for review', expert, q('{ outcomesForReview(first: 5) { totalCount edges { node { id title source } } } }')],
      ],
    ],
    [
      'Partner universities (see docs/partner-universities.md)',
      [
        [
          'published conversion rules (public)',
          null,
          q('{ conversionRules(first: 5) { totalCount edges { node { id name creditsRequired } } } }'),
        ],
        ['applications to decide', partner, q('{ conversionApplications(first: 5) { totalCount edges { node { id status } } } }')],
        ['webhook subscriptions', partner, q('{ webhookSubscriptions { id url events } }')],
      ],
    ],
    [
      'Data analysts (see docs/analytics.md and docs/data-teams.md)',
      [
        ['outcomes by type this year', analyst, q('{ trainingDistribution(filter: { from: "2026-01-01" }, groupBy: TYPE) { key count } }')],
        ['hot programmes', analyst, q('{ hotPrograms(limit: 5) { rank } }')],
        [
          "the demo intake point's evaluation",
          analyst,
          q('query($id: ID!) { serviceNode(id: $id) { name stats { accountsOpened } } }', { id: demo.nodeId }),
        ],
      ],
    ],
  ];
  const tokenLines = [
    ['LEARNER (' + (world.sample.accountNo ?? '-') + ')', learner],
    ['INTAKE_OPERATOR at ' + demo.nodeId, operator],
    ['INSTITUTION_ADMIN (' + (world.sample.institutionCode ?? '-') + ')', institutionAdmin],
    ['EXPERT', expert],
    ['UNIVERSITY_PARTNER (' + (world.partnerUniversity ?? '-') + ')', partner],
    ['CENTER_ADMIN', centerAdmin],
    ['ANALYST', analyst],
    ['PLATFORM_ADMIN', platformAdmin],
  ].filter(([, t]) => t);
  const example = ([title, token, body]) =>
    `  • ${title}:\n    curl -s ${url} -H 'content-type: application/json'${token ? ` -H "authorization: Bearer $TOKEN"` : ''} \\\n      -d '${JSON.stringify(body)}'`;

  console.log(`
Credit bank platform is up (${((performance.now() - t0) / 1000).toFixed(0)} s).

  Gateway (GraphQL):  ${url}
  Subgraphs:          ${SERVICES.map(([n, p]) => `${n} :${p}`).join(', ')}
  Probes:             /healthz /readyz /metrics on every port
  Logs:               ${join(localDir, 'logs')}/<service>.log
  Demo world:         ${world.intakePoints['33']} intake points in Zhejiang, ${world.intakePoints['44']} in Guangdong; demo intake point ${demo.nodeId} (${DEMO_NODE.name})
                      tokens and sample ids in ${join(localDir, 'demo.json')}
  Partner webhooks:   ${world.webhook ? `${receiverUrl} → tail -f ${join(localDir, 'logs', 'partner-webhooks.log')}` : 'not subscribed'}

Log in (mutation login) as: ${DEMO_ADMINS.map((a) => `${a.username} / ${a.password}`).join(', ')}

Tokens (valid 12 h; province 33). More: npx creditbank tokens --role <ROLE> [--province 44] [--node|--inst|--acct …]
${tokenLines.map(([label, token]) => `  ${label}:\n    ${token}`).join('\n')}

Try it (set TOKEN to the token of the role named in the example):
${audiences.map(([who, list]) => `\n${who}\n${list.map((e) => example(e)).join('\n')}`).join('\n')}

Ctrl-C stops everything.`);
} catch (error) {
  console.error(error.message);
  await shutdown(1);
}
