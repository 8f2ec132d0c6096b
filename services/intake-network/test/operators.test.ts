import { OperatorAssigned, OperatorUnassigned, StaffUserCreated } from '@creditbank/contracts';
import { eventually, tokens } from '@creditbank/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { OPEN, startNetwork, type NetworkHarness } from './harness';

/**
 * Operators: staff users learned from the account service's staff.user-created (idempotently, also
 * when redelivered), auto-assigned to the node they were created for, assigned, moved and
 * unassigned by the centre with events the account service turns into the operator's token.
 */
let h: NetworkHarness;
const admin = () => tokens.centerAdmin('33');
const node: Record<string, string> = {};
const ASSIGN = `mutation($n: ID!, $u: ID!) { assignOperator(nodeId: $n, userId: $u) { id operators { userId assignedBy } } }`;
const UNASSIGN = `mutation($n: ID!, $u: ID!) { unassignOperator(nodeId: $n, userId: $u) { id operators { userId } } }`;
const errorOf = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => r.errors?.[0]?.extensions;

async function openNode(alias: string, kind: string, adminDivision: string, token = admin()) {
  const r = await h.gql<{ openServiceNode: { id: string } }>(OPEN, { i: { kind, name: `${alias}节点`, adminDivision } }, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  node[alias] = r.data!.openServiceNode.id;
}

const staffCreated = (userId: string, role: string, province: string, requestedNodeId: string | null) =>
  h.publishEvent(
    StaffUserCreated,
    { userId, role: role as 'INTAKE_OPERATOR', province, requestedNodeId, institutionCode: null, createdAt: new Date().toISOString() },
    { province },
  );

/** Wait until the consumer has applied an event (its inbox record), i.e. everything before it on its partition too. */
async function applied(rawEvent: string) {
  const id = (JSON.parse(rawEvent) as { id: string }).id;
  await eventually(async () => expect(await h.db.collection('inbox').countDocuments({ _id: { $regex: `/${id}$` } as never })).toBe(1));
}

const eventsFor = (type: string, userId: string) => h.tap.events(type).filter((e) => (e.data as { userId: string }).userId === userId);

beforeAll(async () => {
  h = await startNetwork();
  await openNode('centre', 'CENTER', '330000');
  await openNode('wenxin', 'INTAKE_POINT', '330106013');
  await openNode('beishan', 'INTAKE_POINT', '330106002');
  await openNode('cuiyuan', 'INTAKE_POINT', '330106005');
  await openNode('gd', 'CENTER', '440000', tokens.platformAdmin());
});

afterAll(async () => {
  await h?.stop();
});

describe('staff users from the account service', () => {
  it('keeps one projection per user, however often the event is delivered', async () => {
    const raw = await staffCreated('su-op-1', 'INTAKE_OPERATOR', '33', null);
    await h.publishRawAccount(raw, 'su-op-1'); // the same bytes again
    const again = await staffCreated('su-op-1', 'INTAKE_OPERATOR', '33', null); // same fact, new event id (crash before the inbox write)
    await applied(again);
    expect(await h.db.collection('staff_members').countDocuments({ _id: 'su-op-1' as never })).toBe(1);
    expect(eventsFor(OperatorAssigned.type, 'su-op-1')).toHaveLength(0);
  });

  it('assigns an operator created for an existing node of its province at once, exactly once', async () => {
    const raw = await staffCreated('su-op-auto', 'INTAKE_OPERATOR', '33', node['wenxin']!);
    await eventually(() => expect(eventsFor(OperatorAssigned.type, 'su-op-auto')).toHaveLength(1));
    expect(eventsFor(OperatorAssigned.type, 'su-op-auto')[0]).toMatchObject({
      province: '33',
      data: { nodeId: node['wenxin'], province: '33', assignedBy: 'system' },
    });
    await h.publishRawAccount(raw, 'su-op-auto');
    await applied(await staffCreated('su-op-auto', 'INTAKE_OPERATOR', '33', node['beishan']!));
    await sleep(1_000); // anything wrongly emitted would be relayed by now
    expect(eventsFor(OperatorAssigned.type, 'su-op-auto')).toHaveLength(1);
    const doc = await h.db.collection('staff_members').findOne({ _id: 'su-op-auto' as never });
    expect(doc).toMatchObject({ nodeId: node['wenxin'], assignedBy: 'system', requestedNodeId: node['wenxin'] });
  });

  it('does not assign non-operators, nodes of another province, or nodes that do not exist', async () => {
    const last = [
      await staffCreated('su-expert', 'EXPERT', '33', null),
      await staffCreated('su-op-foreign-node', 'INTAKE_OPERATOR', '33', node['gd']!),
      await staffCreated('su-op-no-node', 'INTAKE_OPERATOR', '33', 'sn-does-not-exist'),
      await staffCreated('su-op-44', 'INTAKE_OPERATOR', '44', null),
    ];
    for (const raw of last) await applied(raw);
    const docs = await h.db
      .collection('staff_members')
      .find({ _id: { $in: ['su-expert', 'su-op-foreign-node', 'su-op-no-node', 'su-op-44'] as never[] } })
      .toArray();
    expect(docs.map((d) => d['nodeId'])).toEqual([null, null, null, null]);
  });
});

describe('assignOperator / unassignOperator', () => {
  it('assigns, moves and unassigns with events the account service keeps in order', async () => {
    const first = await h.gql<{ assignOperator: { operators: Array<{ userId: string }> } }>(
      ASSIGN,
      { n: node['beishan'], u: 'su-op-1' },
      admin(),
    );
    expect(first.errors).toBeUndefined();
    expect(first.data!.assignOperator.operators).toEqual([{ userId: 'su-op-1', assignedBy: 'test-center_admin' }]);
    await h.gql(ASSIGN, { n: node['beishan'], u: 'su-op-1' }, admin()); // again: nothing changes
    const moved = await h.gql(ASSIGN, { n: node['cuiyuan'], u: 'su-op-1' }, admin());
    expect(moved.errors).toBeUndefined();
    const left = await h.gql<{ unassignOperator: { operators: unknown[] } }>(UNASSIGN, { n: node['cuiyuan'], u: 'su-op-1' }, admin());
    expect(left.data!.unassignOperator.operators).toEqual([]);
    await h.gql(UNASSIGN, { n: node['cuiyuan'], u: 'su-op-1' }, admin()); // again: nothing changes

    await eventually(() => {
      expect(eventsFor(OperatorAssigned.type, 'su-op-1').map((e) => (e.data as { nodeId: string }).nodeId)).toEqual([
        node['beishan'],
        node['cuiyuan'],
      ]);
      expect(eventsFor(OperatorUnassigned.type, 'su-op-1').map((e) => (e.data as { nodeId: string }).nodeId)).toEqual([
        node['beishan'],
        node['cuiyuan'],
      ]);
    });
    // The move: unassigned from the old node, then assigned to the new one 1 ms later (newest wins downstream).
    const unassignedAt = Date.parse((eventsFor(OperatorUnassigned.type, 'su-op-1')[0]!.data as { unassignedAt: string }).unassignedAt);
    const assignedAt = Date.parse((eventsFor(OperatorAssigned.type, 'su-op-1')[1]!.data as { assignedAt: string }).assignedAt);
    expect(assignedAt - unassignedAt).toBe(1);
    const keys = h.tap.messages.filter((m) => m.event?.subject === 'operator/su-op-1').map((m) => m.key);
    expect(new Set(keys)).toEqual(new Set(['su-op-1'])); // one partition: the account service sees them in order
  });

  it.each([
    ['a user who is not an intake operator', () => ({ n: node['wenxin'], u: 'su-expert' }), admin, 'BAD_USER_INPUT'],
    ['a user of another province', () => ({ n: node['wenxin'], u: 'su-op-44' }), admin, 'NOT_FOUND'],
    ['a user the network has not heard of', () => ({ n: node['wenxin'], u: 'su-nobody' }), admin, 'NOT_FOUND'],
    ['a node of another province', () => ({ n: node['gd'], u: 'su-op-1' }), admin, 'NOT_FOUND'],
    ['another province’s centre admin', () => ({ n: node['wenxin'], u: 'su-op-1' }), () => tokens.centerAdmin('44'), 'NOT_FOUND'],
    ['an operator', () => ({ n: node['wenxin'], u: 'su-op-1' }), () => tokens.operator(node['wenxin']!), 'FORBIDDEN'],
    ['an analyst', () => ({ n: node['wenxin'], u: 'su-op-1' }), () => tokens.analyst(), 'FORBIDDEN'],
  ])('refuses %s', async (_what, vars, token, code) => {
    const r = await h.gql(ASSIGN, vars(), token());
    expect(errorOf(r)?.['code']).toBe(code);
  });

  it('unassigns everyone when a node closes, and takes no operators at a closed node', async () => {
    await staffCreated('su-op-2', 'INTAKE_OPERATOR', '33', null);
    await eventually(async () => expect(await h.db.collection('staff_members').countDocuments({ _id: 'su-op-2' as never })).toBe(1));
    expect((await h.gql(ASSIGN, { n: node['cuiyuan'], u: 'su-op-2' }, admin())).errors).toBeUndefined();
    const closed = await h.gql(
      `mutation($id: ID!) { closeServiceNode(id: $id, reason: "撤并") { status operators { userId } } }`,
      { id: node['cuiyuan'] },
      admin(),
    );
    expect(closed.data).toEqual({ closeServiceNode: { status: 'CLOSED', operators: [] } });
    await eventually(() =>
      expect(eventsFor(OperatorUnassigned.type, 'su-op-2').map((e) => (e.data as { nodeId: string }).nodeId)).toEqual([node['cuiyuan']]),
    );
    expect(errorOf(await h.gql(ASSIGN, { n: node['cuiyuan'], u: 'su-op-2' }, admin()))?.['code']).toBe('CONFLICT');
  });

  it('shows a node’s operators to the province’s staff only', async () => {
    const Q = `query($id: ID!) { serviceNode(id: $id) { operators { userId } } }`;
    expect(
      (await h.gql<{ serviceNode: { operators: unknown[] } }>(Q, { id: node['wenxin'] }, admin())).data!.serviceNode.operators,
    ).toEqual([{ userId: 'su-op-auto' }]);
    for (const token of [tokens.centerAdmin('44'), tokens.learner('330000000177'), undefined]) {
      expect(
        (await h.gql<{ serviceNode: { operators: unknown[] } }>(Q, { id: node['wenxin'] }, token)).data!.serviceNode.operators,
      ).toEqual([]);
    }
  });
});
