import { makeUscc } from '@creditbank/identity';
import { eventually, graphql, graphqlOk, tokens } from '@creditbank/testing';
import { startPlatform, type Platform } from '../support/platform';

/**
 * The standards subgraph through the gateway: an institution registered in the account service is
 * learned from its events, accredited by the centre, and read as one federated Institution; the
 * public catalogue, credit standard and import data standard need no token.
 */
let platform: Platform;
const code = makeUscc('330106', 4242);

beforeAll(async () => {
  platform = await startPlatform();
});

afterAll(async () => {
  await platform?.stop();
});

const gw = () => platform.gatewayUrl;
const admin = () => tokens.centerAdmin('33');

it('accredits an institution learned from the account service and serves it as one Institution', async () => {
  await graphqlOk(
    gw(),
    `mutation($i: RegisterInstitutionInput!) { registerInstitution(input: $i) { code } }`,
    { i: { code, name: '西湖区职业技能培训学校', category: 'VOCATIONAL_TRAINING', province: '33', adminDivision: '330106' } },
    { token: admin() },
  );
  // The standards service knows the institution once the account event arrived.
  const accredited = await eventually(
    async () =>
      graphqlOk<{ accreditInstitution: { status: string } }>(
        gw(),
        `mutation($i: AccreditInput!) { accreditInstitution(input: $i) { status } }`,
        { i: { institutionCode: code, outcomeTypes: ['VOCATIONAL', 'NON_ACADEMIC'], bulkDeposit: true, validUntil: '2029-12-31' } },
        { token: admin() },
      ),
    { timeoutMs: 30_000, intervalMs: 300 },
  );
  expect(accredited.accreditInstitution.status).toBe('ACTIVE');

  const INSTITUTION = `query($c: ID!) { institution(code: $c) { name category accreditation { status outcomeTypes bulkDeposit validUntil } } }`;
  const own = await graphqlOk<{ institution: unknown }>(gw(), INSTITUTION, { c: code }, { token: admin() });
  expect(own.institution).toEqual({
    name: '西湖区职业技能培训学校',
    category: 'VOCATIONAL_TRAINING',
    accreditation: {
      status: 'ACTIVE',
      outcomeTypes: ['VOCATIONAL', 'NON_ACADEMIC'],
      bulkDeposit: true,
      validUntil: '2029-12-31T15:59:59.999Z',
    },
  });
  const foreign = await graphql<{ institution: unknown }>(gw(), INSTITUTION, { c: code }, { token: tokens.centerAdmin('44') });
  expect(foreign.data?.institution).toBeNull();
});

it('serves the catalogue, the credit standard and the import data standard without a token', async () => {
  const platformAdmin = tokens.platformAdmin('11');
  await graphqlOk(
    gw(),
    `mutation($i: CatalogItemInput!) { upsertCatalogItem(input: $i) { code } }`,
    {
      i: {
        code: 'VSC-ECOM-G5',
        name: '电子商务师（五级/初级工）职业技能等级证书',
        type: 'VOCATIONAL',
        subtype: 'SKILL_CERTIFICATE',
        level: 1,
        track: 'VSC-ECOM',
      },
    },
    { token: platformAdmin },
  );
  await graphqlOk(gw(), `mutation { publishCatalogItem(code: "VSC-ECOM-G5") { status } }`, {}, { token: platformAdmin });
  await graphqlOk(
    gw(),
    `mutation($i: CreditStandardInput!) { publishCreditStandard(input: $i) { version } }`,
    {
      i: {
        province: '33',
        name: '浙江省学分认定标准',
        pointsPerCredit: 100,
        rules: [{ type: 'VOCATIONAL', subtype: 'SKILL_CERTIFICATE', method: 'LEVEL_TABLE', levelCredits: [{ level: 1, credits: 4 }] }],
      },
    },
    { token: admin() },
  );
  const data = await graphqlOk<{
    catalogItems: { edges: Array<{ node: { code: string; qualificationLevel: { vocationalEquivalent: string } } }> };
    creditStandard: { version: number; status: string };
    creditPreview: { credits: number; points: number };
    outcomeImportSchema: { required: string[] };
  }>(
    gw(),
    `{
      catalogItems(filter: { track: "VSC-ECOM" }) { edges { node { code qualificationLevel { vocationalEquivalent } } } }
      creditStandard(province: "33") { version status }
      creditPreview(input: { province: "33", catalogItemCode: "VSC-ECOM-G5" }) { credits points }
      outcomeImportSchema
    }`,
  );
  expect(data.catalogItems.edges.map((e) => e.node)).toEqual([
    { code: 'VSC-ECOM-G5', qualificationLevel: { vocationalEquivalent: '五级/初级工' } },
  ]);
  expect(data.creditStandard).toEqual({ version: 1, status: 'IN_FORCE' });
  expect(data.creditPreview).toEqual({ credits: 4, points: 400 });
  expect(data.outcomeImportSchema.required).toContain('idNumber');
});
