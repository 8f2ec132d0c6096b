import { createHmac, createPublicKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { OperatorAssigned, OperatorUnassigned, StaffUserCreated, InstitutionRegistered, TOPICS, createEvent } from '@creditbank/contracts';
import { makeResidentId, makeUscc } from '@creditbank/identity';
import { eventually, graphql, publishRaw, tokens } from '@creditbank/testing';
import { LOGIN, ME, OPEN, startAccount, type AccountHarness } from './harness';
import { runBootstrap } from '../src/bootstrap';

let h: AccountHarness;

beforeAll(async () => {
  h = await startAccount({ LOGIN_FREE_ATTEMPTS: '3', LOGIN_LOCK_BASE_SECONDS: '60' });
});

afterAll(async () => {
  await h?.stop();
});

const REGISTER_INST = `mutation($i: RegisterInstitutionInput!) { registerInstitution(input: $i) { code name category province status } }`;
const CREATE_STAFF = `mutation($i: CreateStaffUserInput!) { createStaffUser(input: $i) { id username role province nodeId institutionCode } }`;
const admin33 = () => tokens.centerAdmin('33');

async function login(username: string, password: string) {
  return h.gql<{ login: { token: string; expiresAt: string; role: string } }>(LOGIN, { u: username, p: password });
}

describe('institutions', () => {
  it('registers an institution with a valid unified social credit code and publishes it', async () => {
    const code = makeUscc('330106', 1001);
    const r = await h.gql<{ registerInstitution: { code: string } }>(
      REGISTER_INST,
      { i: { code: code.toLowerCase(), name: '杭州市西湖区社区学院', category: 'NON_ACADEMIC', province: '33', adminDivision: '330106' } },
      admin33(),
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.registerInstitution.code).toBe(code);
    await eventually(() => expect(h.tap.events(InstitutionRegistered.type).map((e) => (e.data as { code: string }).code)).toContain(code));
    const dup = await h.gql(
      REGISTER_INST,
      { i: { code, name: '重复', category: 'NON_ACADEMIC', province: '33', adminDivision: '330106' } },
      admin33(),
    );
    expect(dup.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
  });

  it.each([
    ['a bad check character', { code: `${makeUscc('330106', 5).slice(0, 17)}0` }, 'input.code'],
    ['a letter outside the alphabet', { code: 'O' + makeUscc('330106', 5).slice(1) }, 'input.code'],
    ['a division of another province', { adminDivision: '440106' }, 'input.adminDivision'],
    ['an empty name', { name: ' ' }, 'input.name'],
  ])('refuses %s', async (_n, patch, field) => {
    const r = await h.gql(
      REGISTER_INST,
      { i: { code: makeUscc('330106', 2002), name: '某学校', category: 'ACADEMIC', province: '33', adminDivision: '330106', ...patch } },
      admin33(),
    );
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('lets only centre admins of the province register, and updates status', async () => {
    const code = makeUscc('330106', 3003);
    const input = { code, name: '浙江某职业技能鉴定站', category: 'VOCATIONAL_CERT_ISSUER', province: '33', adminDivision: '330106' };
    expect((await h.gql(REGISTER_INST, { i: input }, tokens.centerAdmin('44'))).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await h.gql(REGISTER_INST, { i: input }, tokens.operator('n1'))).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await h.gql(REGISTER_INST, { i: input }, admin33())).errors).toBeUndefined();
    const upd = await h.gql<{ updateInstitution: { status: string } }>(
      `mutation($c: ID!) { updateInstitution(code: $c, input: { status: SUSPENDED }) { status } }`,
      { c: code },
      admin33(),
    );
    expect(upd.data?.updateInstitution.status).toBe('SUSPENDED');
    const list = await h.gql<{ institutions: { totalCount: number } }>(
      `{ institutions(filter: { search: "鉴定站" }) { totalCount } }`,
      {},
      admin33(),
    );
    expect(list.data?.institutions.totalCount).toBe(1);
  });
});

describe('staff users and login', () => {
  const inst = makeUscc('330106', 4004);

  beforeAll(async () => {
    await h.gql(
      REGISTER_INST,
      { i: { code: inst, name: '浙江开放大学', category: 'UNIVERSITY', province: '33', adminDivision: '330106' } },
      admin33(),
    );
  });

  it('creates staff of every working role, bound where the role needs it, and publishes it', async () => {
    for (const [role, extra] of [
      ['INTAKE_OPERATOR', { nodeId: 'sn-1' }],
      ['INSTITUTION_ADMIN', { institutionCode: inst }],
      ['UNIVERSITY_PARTNER', { institutionCode: inst }],
      ['EXPERT', {}],
      ['ANALYST', {}],
    ] as const) {
      const r = await h.gql<{ createStaffUser: { id: string; role: string } }>(
        CREATE_STAFF,
        { i: { username: `u-${role.toLowerCase()}`, password: 'Secure-pass-2026', role, province: '33', ...extra } },
        admin33(),
      );
      expect(r.errors).toBeUndefined();
      expect(r.data?.createStaffUser.role).toBe(role);
    }
    await eventually(() => expect(h.tap.events(StaffUserCreated.type).length).toBeGreaterThanOrEqual(5));
    expect(JSON.stringify(h.tap.events(StaffUserCreated.type))).not.toContain('Secure-pass-2026');
  });

  it.each([
    ['a centre admin creating a platform admin', { role: 'PLATFORM_ADMIN' }, 'FORBIDDEN'],
    ['another province', { province: '44' }, 'FORBIDDEN'],
    ['a weak password', { password: 'password' }, 'BAD_USER_INPUT'],
    ['a password containing the username', { username: 'wangwu', password: 'wangwu12345678' }, 'BAD_USER_INPUT'],
    ['a username that looks like a phone', { username: '13800138000' }, 'BAD_USER_INPUT'],
    ['an institution admin without institution', { role: 'INSTITUTION_ADMIN' }, 'BAD_USER_INPUT'],
    ['an institution of another province', { role: 'INSTITUTION_ADMIN', institutionCode: makeUscc('440106', 1) }, 'BAD_USER_INPUT'],
    ['a learner', { role: 'LEARNER' }, 'BAD_USER_INPUT'],
  ])('refuses %s', async (_n, patch, code) => {
    const r = await h.gql(
      CREATE_STAFF,
      { i: { username: 'someone', password: 'Secure-pass-2026', role: 'EXPERT', province: '33', ...patch } },
      admin33(),
    );
    expect(r.errors?.[0]?.extensions?.['code']).toBe(code);
  });

  it('logs staff in with a verifiable token; `me` says who and what the token is bound to', async () => {
    const r = await login('u-institution_admin', 'Secure-pass-2026');
    expect(r.errors).toBeUndefined();
    const { token, role, expiresAt } = r.data!.login;
    expect(role).toBe('INSTITUTION_ADMIN');
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    // Verifiable with the published JWKS, as every service and partner does.
    const jwks = (await (await fetch(h.url.replace('/graphql', '/.well-known/jwks.json'))).json()) as { keys: Array<{ kid: string }> };
    const header = jwt.decode(token, { complete: true })!.header;
    const key = createPublicKey({ key: jwks.keys.find((k) => k.kid === header.kid) as never, format: 'jwk' });
    expect(jwt.verify(token, key, { algorithms: ['ES256'], audience: 'creditbank-api', issuer: 'creditbank' })).toMatchObject({
      role: 'INSTITUTION_ADMIN',
      prov: '33',
      inst,
    });
    const me = await h.gql<{ me: { role: string; institutionCode: string; staffUser: { username: string } } }>(ME, {}, token);
    expect(me.data?.me).toMatchObject({ role: 'INSTITUTION_ADMIN', institutionCode: inst, staffUser: { username: 'u-institution_admin' } });
  });

  it('puts the node the intake network assigned into an operator’s token', async () => {
    const created = await h.gql<{ createStaffUser: { id: string } }>(
      CREATE_STAFF,
      { i: { username: 'op-xihu', password: 'Secure-pass-2026', role: 'INTAKE_OPERATOR', province: '33' } },
      admin33(),
    );
    const userId = created.data!.createStaffUser.id;
    const nodeOf = async () => (jwt.decode((await login('op-xihu', 'Secure-pass-2026')).data!.login.token) as { node?: string }).node;
    expect(await nodeOf()).toBeUndefined();
    const assigned = createEvent(
      OperatorAssigned,
      { userId, nodeId: 'sn-xihu', province: '33', assignedBy: 'a', assignedAt: '2026-11-27T01:00:00.000Z' },
      { province: '33', source: '/creditbank/intake-network' },
    );
    await publishRaw(h.ns.topicPrefix + TOPICS.network, [{ key: userId, value: JSON.stringify(assigned.event) }]);
    await eventually(async () => expect(await nodeOf()).toBe('sn-xihu'));
    // An older assignment redelivered later changes nothing; an unassignment clears it.
    const stale = createEvent(
      OperatorAssigned,
      { userId, nodeId: 'sn-old', province: '33', assignedBy: 'a', assignedAt: '2026-11-20T01:00:00.000Z' },
      { province: '33', source: '/creditbank/intake-network' },
    );
    const unassigned = createEvent(
      OperatorUnassigned,
      { userId, nodeId: 'sn-xihu', province: '33', unassignedBy: 'a', unassignedAt: '2026-11-27T02:00:00.000Z' },
      { province: '33', source: '/creditbank/intake-network' },
    );
    await publishRaw(h.ns.topicPrefix + TOPICS.network, [{ key: userId, value: JSON.stringify(stale.event) }]);
    expect(await nodeOf()).toBe('sn-xihu');
    await publishRaw(h.ns.topicPrefix + TOPICS.network, [{ key: userId, value: JSON.stringify(unassigned.event) }]);
    await eventually(async () => expect(await nodeOf()).toBeUndefined());
  });

  it('locks out after repeated failures with one message for every failure (no user enumeration)', async () => {
    await h.gql(CREATE_STAFF, { i: { username: 'victim', password: 'Secure-pass-2026', role: 'EXPERT', province: '33' } }, admin33());
    const messages = new Set<string>();
    for (let i = 0; i < 3; i++) messages.add((await login('victim', 'wrong-password-1')).errors![0]!.message);
    const locked = await login('victim', 'Secure-pass-2026'); // right password, but locked now
    expect(locked.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    messages.add(locked.errors![0]!.message);
    messages.add((await login('no-such-user', 'whatever-123')).errors![0]!.message);
    expect(messages.size).toBe(1);
    const doc = await h.db.collection('staff_users').findOne({ username: 'victim' });
    expect(doc?.['failedLogins']).toBe(3);
    expect((doc?.['lockedUntil'] as Date).getTime()).toBeGreaterThan(Date.now() + 30_000);
  });

  it('logs learners in by account number or phone; frozen accounts are told why', async () => {
    const opened = await h.gql<{ openLearnerAccount: { initialPassword: string; learner: { accountNo: string } } }>(
      OPEN,
      {
        i: {
          idNumber: makeResidentId('330106', '1988-08-08', 5),
          name: '孙丽',
          phone: '13511112222',
          adminDivision: '330106',
          agreementVersion: '2026-01',
        },
      },
      tokens.operator('sn-1'),
    );
    const { accountNo } = opened.data!.openLearnerAccount.learner;
    const pw = opened.data!.openLearnerAccount.initialPassword;
    const byNo = await login(accountNo, pw);
    expect(jwt.decode(byNo.data!.login.token)).toMatchObject({ sub: accountNo, role: 'LEARNER', prov: '33', acct: accountNo });
    expect((await login('13511112222', pw)).data?.login.role).toBe('LEARNER');
    const me = await h.gql<{ me: { learner: { accountNo: string; name: string } } }>(ME, {}, byNo.data!.login.token);
    expect(me.data?.me.learner).toEqual({ accountNo, name: '孙丽' });
    await h.gql(`mutation($n: ID!) { freezeLearnerAccount(accountNo: $n, reason: "核查") { status } }`, { n: accountNo }, admin33());
    const frozen = await login(accountNo, pw);
    expect(frozen.errors?.[0]).toMatchObject({ message: expect.stringMatching(/frozen/) as string, extensions: { code: 'FORBIDDEN' } });
  });

  it('refuses forged and foreign tokens at the subgraph', async () => {
    const good = (await login('u-expert', 'Secure-pass-2026')).data!.login.token;
    const [h64, p64] = good.split('.');
    const payload = JSON.parse(Buffer.from(p64!, 'base64url').toString()) as Record<string, unknown>;
    const forgedPayload = Buffer.from(JSON.stringify({ ...payload, role: 'PLATFORM_ADMIN' })).toString('base64url');
    const jwksText = await (await fetch(h.url.replace('/graphql', '/.well-known/jwks.json'))).text();
    const pub = createPublicKey({ key: (JSON.parse(jwksText) as { keys: object[] }).keys[0] as never, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    const hs = Buffer.from(
      JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: JSON.parse(Buffer.from(h64!, 'base64url').toString()).kid }),
    ).toString('base64url');
    const attacks = [
      `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${forgedPayload}.`,
      `${h64}.${forgedPayload}.${good.split('.')[2]}`,
      `${hs}.${forgedPayload}.${createHmac('sha256', pub).update(`${hs}.${forgedPayload}`).digest('base64url')}`,
    ];
    for (const token of attacks) {
      const r = await graphql(h.url, ME, {}, { token });
      expect(r.status).toBe(401);
      expect(r.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    }
  });

  it('bootstraps the first admins idempotently', async () => {
    const admins = JSON.stringify([
      { username: 'root', password: 'Platform-secret-2026', role: 'PLATFORM_ADMIN', province: '11' },
      { username: 'zj-admin', password: 'Zhejiang-admin-2026', role: 'CENTER_ADMIN', province: '33' },
    ]);
    expect(await runBootstrap({ ...h.env, BOOTSTRAP_ADMINS: admins })).toEqual([
      { username: 'root', created: true },
      { username: 'zj-admin', created: true },
    ]);
    expect(await runBootstrap({ ...h.env, BOOTSTRAP_ADMINS: admins })).toEqual([
      { username: 'root', created: false },
      { username: 'zj-admin', created: false },
    ]);
    expect((await login('zj-admin', 'Zhejiang-admin-2026')).data?.login.role).toBe('CENTER_ADMIN');
    await eventually(() =>
      expect(h.tap.events(StaffUserCreated.type).filter((e) => (e.data as { role: string }).role === 'PLATFORM_ADMIN')).toHaveLength(1),
    );
  });
});
