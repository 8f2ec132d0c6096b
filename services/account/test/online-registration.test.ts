import nock from 'nock';
import { LearnerAccountClosed, LearnerAccountOpened, LearnerIdentityVerified } from '@creditbank/contracts';
import { makeResidentId } from '@creditbank/identity';
import { eventually } from '@creditbank/testing';
import { REGISTER, startAccount, type AccountHarness } from './harness';

/**
 * Online self-registration against the external real-name verification API (nock stands in for the
 * external HTTP service only; Kafka and the database are real).
 */
const IDV = 'https://idv.test.invalid';
let h: AccountHarness;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  h = await startAccount({
    IDV_BASE_URL: IDV,
    IDV_API_KEY: 'k-123',
    IDV_TIMEOUT_MS: '300',
    IDV_RETRY_BASE_MS: '100',
    IDV_RETRY_MAX_MS: '400',
    IDV_WORKER_INTERVAL_MS: '50',
  });
});

afterAll(async () => {
  await h?.stop();
  nock.cleanAll();
  nock.enableNetConnect();
});

afterEach(() => nock.cleanAll());

let seq = 100;
const person = (birth = '1985-04-0' + ((seq % 9) + 1)) => ({
  idNumber: makeResidentId('330782', birth, seq++),
  name: '陈美玲',
  phone: `139${String(10000000 + seq).slice(-8)}`,
  password: 'tea-garden-2026',
  adminDivision: '330782',
});

const idvReply = (result: 'MATCH' | 'MISMATCH') =>
  nock(IDV, { reqheaders: { authorization: 'Bearer k-123' } })
    .post(
      '/v1/identity/verify',
      (body: { idNumber: string; name: string }) => /^[0-9]{17}[0-9X]$/.test(body.idNumber) && body.name === '陈美玲',
    )
    .reply(200, { result });

async function learnerDoc(accountNo: string) {
  return h.db.collection('learners').findOne({ _id: accountNo as never });
}

it('a match opens an ACTIVE account and publishes account-opened', async () => {
  const scope = idvReply('MATCH');
  const r = await h.gql<{ registerLearnerOnline: { accountNo: string; status: string; openingChannel: string; province: string } }>(
    REGISTER,
    { i: person() },
  );
  expect(r.errors).toBeUndefined();
  expect(scope.isDone()).toBe(true);
  const l = r.data!.registerLearnerOnline;
  expect(l).toMatchObject({ status: 'ACTIVE', openingChannel: 'ONLINE', province: '33' });
  await eventually(() =>
    expect(
      h.tap.events(LearnerAccountOpened.type).find((e) => (e.data as { accountNo: string }).accountNo === l.accountNo)?.data,
    ).toMatchObject({ status: 'ACTIVE', channel: 'ONLINE', nodeId: null }),
  );
});

it('a mismatch is BAD_USER_INPUT and stores nothing', async () => {
  idvReply('MISMATCH');
  const before = await h.db.collection('learners').countDocuments();
  const p = person();
  const r = await h.gql(REGISTER, { i: p });
  expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.idNumber', reason: 'identity-mismatch' });
  expect(JSON.stringify(r.errors)).not.toContain(p.idNumber);
  expect(await h.db.collection('learners').countDocuments()).toBe(before);
});

it.each([
  ['the service is down', () => nock(IDV).post('/v1/identity/verify').replyWithError({ code: 'ECONNREFUSED' })],
  ['the service is slow (timeout)', () => nock(IDV).post('/v1/identity/verify').delay(2_000).reply(200, { result: 'MATCH' })],
  ['the service fails (500)', () => nock(IDV).post('/v1/identity/verify').reply(500, 'oops')],
  ['the service answers nonsense', () => nock(IDV).post('/v1/identity/verify').reply(200, { result: 'MAYBE' })],
])('when %s the account waits as PENDING_VERIFICATION, then a later match activates it', async (_case, fail) => {
  fail();
  // Until the retry succeeds, the service keeps failing.
  const failing = nock(IDV).post('/v1/identity/verify').times(2).reply(503);
  const r = await h.gql<{ registerLearnerOnline: { accountNo: string; status: string } }>(REGISTER, { i: person() });
  expect(r.errors).toBeUndefined();
  const accountNo = r.data!.registerLearnerOnline.accountNo;
  expect(r.data!.registerLearnerOnline.status).toBe('PENDING_VERIFICATION');
  await eventually(() => expect(failing.isDone()).toBe(true), { timeoutMs: 10_000 });
  await eventually(async () => expect((await learnerDoc(accountNo))?.['verification']?.attempts).toBeGreaterThanOrEqual(2));
  idvReply('MATCH');
  await eventually(async () => expect((await learnerDoc(accountNo))?.['status']).toBe('ACTIVE'), { timeoutMs: 10_000 });
  await eventually(() =>
    expect(h.tap.events(LearnerIdentityVerified.type).map((e) => (e.data as { accountNo: string }).accountNo)).toContain(accountNo),
  );
  const history = (await learnerDoc(accountNo))?.['history'] as Array<{ action: string; by: string }>;
  expect(history.map((x) => x.action)).toEqual(['OPENED', 'VERIFIED']);
  expect(history[1]?.by).toBe('system');
});

it('a pending account whose later check is a mismatch is closed, and the person may register again', async () => {
  nock(IDV).post('/v1/identity/verify').reply(503);
  const p = person('1990-09-19');
  const r = await h.gql<{ registerLearnerOnline: { accountNo: string; status: string } }>(REGISTER, { i: p });
  const accountNo = r.data!.registerLearnerOnline.accountNo;
  expect(r.data!.registerLearnerOnline.status).toBe('PENDING_VERIFICATION');
  nock(IDV).post('/v1/identity/verify').reply(200, { result: 'MISMATCH' });
  await eventually(async () => expect((await learnerDoc(accountNo))?.['status']).toBe('CLOSED'), { timeoutMs: 10_000 });
  await eventually(() =>
    expect(
      h.tap.events(LearnerAccountClosed.type).find((e) => (e.data as { accountNo: string }).accountNo === accountNo)?.data,
    ).toMatchObject({ reason: 'IDENTITY_MISMATCH', previousStatus: 'PENDING_VERIFICATION' }),
  );
  idvReply('MATCH');
  const again = await h.gql<{ registerLearnerOnline: { accountNo: string; status: string } }>(REGISTER, { i: p });
  expect(again.errors).toBeUndefined();
  expect(again.data!.registerLearnerOnline.accountNo).not.toBe(accountNo); // numbers are never reused
  expect(again.data!.registerLearnerOnline.status).toBe('ACTIVE');
});

it('validates input before calling anyone', async () => {
  const scope = nock(IDV).post('/v1/identity/verify').reply(200, { result: 'MATCH' });
  for (const [input, field] of [
    [{ ...person(), idNumber: '330782198504011234' }, 'input.idNumber'],
    [{ ...person(), phone: '12345' }, 'input.phone'],
    [{ ...person(), password: 'short1' }, 'input.password'],
    [{ ...person(), password: 'onlyletters' }, 'input.password'],
    [{ ...person(), adminDivision: '33' }, 'input.adminDivision'],
    [{ ...person(), name: '' }, 'input.name'],
  ] as const) {
    const r = await h.gql(REGISTER, { i: input });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  }
  expect(scope.isDone()).toBe(false);
});
