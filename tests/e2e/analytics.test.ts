import { makeResidentId } from '@creditbank/identity';
import { runSeed } from '@creditbank/standards-service/seed';
import { eventually, graphqlOk, serviceTestEnv, tokens } from '@creditbank/testing';
import { startPlatform, type Platform } from '../support/platform';

/**
 * Analytics through the gateway, fed only by the other services' events: an intake operator opens an
 * account, the learner deposits an outcome, a reviewer recognises it; the analyst's distribution and
 * rankings, and the learner's profile and recommendations, reflect it. An analyst of another
 * province sees none of it.
 */
let platform: Platform;
const idNumber = makeResidentId('330106', '1985-05-05', 55);
let accountNo: string;

beforeAll(async () => {
  platform = await startPlatform();
  await runSeed(serviceTestEnv(platform.ns, 'standards'));
  const opened = await graphqlOk<{ openLearnerAccount: { learner: { accountNo: string } } }>(
    platform.gatewayUrl,
    `mutation($i: OpenLearnerAccountInput!) { openLearnerAccount(input: $i) { learner { accountNo } } }`,
    { i: { idNumber, name: '孙学农', adminDivision: '330106001', agreementVersion: '2026-01', householdId: 'hh-e2e-1' } },
    { token: tokens.operator('sn-e2e-analytics') },
  );
  accountNo = opened.openLearnerAccount.learner.accountNo;
});

afterAll(async () => {
  await platform?.stop();
});

it('reflects an account opened and an outcome deposited and recognised through the real services', async () => {
  const gw = platform.gatewayUrl;
  // The outcome service learns of the account and the catalogue from events first.
  const deposited = await eventually(
    () =>
      graphqlOk<{ depositOutcome: { id: string; status: string } }>(
        gw,
        `mutation($i: DepositOutcomeInput!) { depositOutcome(input: $i) { id status } }`,
        {
          i: {
            accountNo,
            type: 'VOCATIONAL',
            catalogItemCode: 'VSC-ELEC-G5',
            title: '电工五级培训',
            hours: 40,
            achievedAt: '2026-05-01',
            evidence: ['证书照片'],
          },
        },
        { token: tokens.learner(accountNo) },
      ),
    { timeoutMs: 30_000 },
  );
  // The reviewer recognises it once the outcome service has the province's credit standard.
  if (deposited.depositOutcome.status !== 'RECOGNIZED')
    await eventually(
      () =>
        graphqlOk(
          gw,
          `mutation($id: ID!) { reviewOutcome(id: $id, decision: APPROVE) { status } }`,
          { id: deposited.depositOutcome.id },
          { token: tokens.centerAdmin('33') },
        ),
      { timeoutMs: 30_000 },
    );

  const analyst = tokens.analyst('33');
  const seen = await eventually(
    async () => {
      const r = await graphqlOk<{
        trainingDistribution: { key: string; count: number; learners: number }[];
        learningStars: { accountNo: string; credits: number; learner: { accountNo: string; adminDivision: string } }[];
        hotPrograms: { catalogItemCode: string; learners: number }[];
      }>(
        gw,
        `{ trainingDistribution(groupBy: TYPE) { key count learners }
           learningStars(limit: 5) { accountNo credits learner { accountNo adminDivision } }
           hotPrograms { catalogItemCode learners } }`,
        {},
        { token: analyst },
      );
      expect(r.trainingDistribution).toEqual([{ key: 'VOCATIONAL', count: 1, learners: 1 }]);
      return r;
    },
    { timeoutMs: 30_000 },
  );
  expect(seen.learningStars).toHaveLength(1);
  expect(seen.learningStars[0]!.accountNo).toBe(accountNo);
  expect(seen.learningStars[0]!.credits).toBeGreaterThan(0);
  expect(seen.learningStars[0]!.learner).toEqual({ accountNo, adminDivision: '330106001' }); // resolved by the account subgraph
  expect(seen.hotPrograms).toEqual([{ catalogItemCode: 'VSC-ELEC-G5', learners: 1 }]);

  const me = await graphqlOk<{
    learner: {
      profile: { outcomes: number; highestLevels: { track: string; level: number }[]; creditsByType: { type: string; outcomes: number }[] };
      recommendations: { kind: string; catalogItemCode: string | null }[];
    };
  }>(
    gw,
    `query($a: ID!) { learner(accountNo: $a) { profile { outcomes highestLevels { track level } creditsByType { type outcomes } } recommendations { kind catalogItemCode } } }`,
    { a: accountNo },
    { token: tokens.learner(accountNo) },
  );
  expect(me.learner.profile.outcomes).toBe(1);
  expect(me.learner.profile.creditsByType.find((t) => t.type === 'VOCATIONAL')!.outcomes).toBe(1);
  expect(me.learner.recommendations.map((r) => r.catalogItemCode)).not.toContain('VSC-ELEC-G5');

  const other = await graphqlOk<{ trainingDistribution: unknown[]; learningStars: unknown[] }>(
    gw,
    `{ trainingDistribution(groupBy: TYPE) { key } learningStars { accountNo } }`,
    {},
    { token: tokens.analyst('44') },
  );
  expect(other).toEqual({ trainingDistribution: [], learningStars: [] });
});
