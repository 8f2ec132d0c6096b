import { eventually } from './eventually';
import { graphqlOk } from './graphql-client';
import { tokens } from './tokens';

/**
 * A fluent builder for test worlds, driven through the public graph (the gateway or a subgraph), so
 * seeded data goes through the same validation, outbox and events as production data:
 *
 *   const world = await seed(gatewayUrl)
 *     .intakePoint('xihu', { adminDivision: '330106013' })
 *     .learner('wang', { at: 'xihu', idNumber, name: '王秀英' })
 *     .run();
 *   world.nodes.xihu.id; world.learners.wang.accountNo;
 *
 * Steps that cross services wait for the events they depend on (an institution is accredited by
 * the standards service once it has learned of it from the account service's event).
 */
export interface SeededNode {
  id: string;
  province: string;
}

export interface SeededLearner {
  accountNo: string;
  initialPassword: string;
}

export interface World {
  nodes: Record<string, SeededNode>;
  learners: Record<string, SeededLearner>;
  institutions: Record<string, { code: string }>;
}

type Step = (world: World) => Promise<void>;

export interface NodeOptions {
  adminDivision: string;
  name?: string;
  kind?: 'CENTER' | 'BRANCH' | 'SUBCENTER' | 'INTAKE_POINT';
  parent?: string;
  location?: { lat: number; lng: number };
}

export interface LearnerOptions {
  /** Alias of the intake point (from `.intakePoint`) whose operator opens the account. */
  at: string;
  idNumber: string;
  name: string;
  adminDivision?: string;
  phone?: string;
  householdId?: string;
}

export interface InstitutionOptions {
  /** The unified social credit code (`makeUscc`). */
  code: string;
  name: string;
  adminDivision: string;
  category?: string;
  /** Accreditation: the outcome types it may deposit; bulk import allowed unless `bulkDeposit: false`. */
  outcomeTypes: Array<'ACADEMIC' | 'VOCATIONAL' | 'NON_ACADEMIC'>;
  bulkDeposit?: boolean;
  validUntil?: string;
  /** How long to wait for the standards service to learn of the institution (default 60 s). */
  timeoutMs?: number;
}

export class SeedBuilder {
  private readonly steps: Step[] = [];

  constructor(private readonly url: string) {}

  intakePoint(alias: string, options: NodeOptions): this {
    return this.node(alias, { kind: 'INTAKE_POINT', ...options });
  }

  node(alias: string, options: NodeOptions): this {
    this.steps.push(async (world) => {
      const province = options.adminDivision.slice(0, 2);
      const data = await graphqlOk<{ openServiceNode: { id: string } }>(
        this.url,
        'mutation($input: OpenServiceNodeInput!) { openServiceNode(input: $input) { id } }',
        {
          input: {
            kind: options.kind ?? 'INTAKE_POINT',
            name: options.name ?? `${alias} 受理点`,
            adminDivision: options.adminDivision,
            ...(options.parent ? { parentId: world.nodes[options.parent]?.id } : {}),
            ...(options.location ? { location: options.location } : {}),
          },
        },
        { token: tokens.centerAdmin(province) },
      );
      world.nodes[alias] = { id: data.openServiceNode.id, province };
    });
    return this;
  }

  learner(alias: string, options: LearnerOptions): this {
    this.steps.push(async (world) => {
      const node = world.nodes[options.at];
      if (!node) throw new Error(`seed: unknown intake point ${options.at}`);
      const data = await graphqlOk<{ openLearnerAccount: { initialPassword: string; learner: { accountNo: string } } }>(
        this.url,
        'mutation($input: OpenLearnerAccountInput!) { openLearnerAccount(input: $input) { initialPassword learner { accountNo } } }',
        {
          input: {
            idNumber: options.idNumber,
            name: options.name,
            adminDivision: options.adminDivision ?? options.idNumber.slice(0, 6),
            agreementVersion: '2026-01',
            ...(options.phone ? { phone: options.phone } : {}),
            ...(options.householdId ? { householdId: options.householdId } : {}),
          },
        },
        { token: tokens.operator(node.id, node.province) },
      );
      world.learners[alias] = {
        accountNo: data.openLearnerAccount.learner.accountNo,
        initialPassword: data.openLearnerAccount.initialPassword,
      };
    });
    return this;
  }

  /** An institution registered by the province's centre admin (account) and accredited (standards). */
  accreditedInstitution(alias: string, options: InstitutionOptions): this {
    this.steps.push(async (world) => {
      const province = options.adminDivision.slice(0, 2);
      const admin = { token: tokens.centerAdmin(province) };
      await graphqlOk(
        this.url,
        'mutation($i: RegisterInstitutionInput!) { registerInstitution(input: $i) { code } }',
        {
          i: {
            code: options.code,
            name: options.name,
            category: options.category ?? 'VOCATIONAL_TRAINING',
            province,
            adminDivision: options.adminDivision,
          },
        },
        admin,
      );
      await eventually(
        () =>
          graphqlOk(
            this.url,
            'mutation($i: AccreditInput!) { accreditInstitution(input: $i) { status } }',
            {
              i: {
                institutionCode: options.code,
                outcomeTypes: options.outcomeTypes,
                bulkDeposit: options.bulkDeposit ?? true,
                validUntil: options.validUntil ?? '2030-12-31',
              },
            },
            admin,
          ),
        { timeoutMs: options.timeoutMs ?? 60_000, intervalMs: 300 },
      );
      world.institutions[alias] = { code: options.code };
    });
    return this;
  }

  /** Run the steps in order; each sees what the earlier ones created. */
  async run(): Promise<World> {
    const world: World = { nodes: {}, learners: {}, institutions: {} };
    for (const step of this.steps) await step(world);
    return world;
  }
}

export function seed(url: string): SeedBuilder {
  return new SeedBuilder(url);
}
