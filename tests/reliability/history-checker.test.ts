import { checkHistory, classify, type CallOutcome, type CallRecord, type Observation } from '../support/history-checker';

/** The checker itself, on hand-made histories: it must catch every kind of loss it claims to. */
const call = (key: string, outcome: CallOutcome, code?: string): CallRecord => ({
  op: 'open',
  key,
  input: {},
  outcome,
  ...(code ? { code } : {}),
  startedAt: 0,
  ms: 1,
});

async function problems(calls: CallRecord[], observed: Record<string, Observation>): Promise<string[]> {
  const report = await checkHistory(calls, (_op, key) => observed[key] ?? { effects: 0, events: 0 });
  return report.violations.map((v) => `${v.key}: ${v.problem}`);
}

it('classifies answers the way a careful client must', () => {
  expect(classify(undefined)).toBe('ok');
  expect(classify('BAD_USER_INPUT')).toBe('rejected');
  expect(classify('CONFLICT')).toBe('rejected');
  expect(['SERVICE_UNAVAILABLE', 'SERVICE_TIMEOUT', 'INTERNAL_SERVER_ERROR', 'TIMEOUT', 'NETWORK'].map(classify)).toEqual(
    Array(5).fill('in-doubt'),
  );
});

it('accepts a clean history: acknowledged once, in doubt whole either way, refused absent, CONFLICT present', async () => {
  const report = await checkHistory(
    [
      call('a', 'ok'),
      call('b', 'in-doubt', 'TIMEOUT'),
      call('c', 'in-doubt', 'SERVICE_UNAVAILABLE'),
      call('d', 'rejected', 'BAD_USER_INPUT'),
      call('e', 'in-doubt', 'TIMEOUT'),
      call('e', 'rejected', 'CONFLICT'),
    ],
    (_op, key) =>
      ({ a: { effects: 1, events: 1 }, b: { effects: 1, events: 1 }, e: { effects: 1, events: 1 } })[key] ?? { effects: 0, events: 0 },
  );
  expect(report).toMatchObject({ keys: 5, acknowledged: 1, violations: [] });
  expect([report.inDoubtPresent, report.inDoubtAbsent]).toEqual([1, 1]); // b present, c absent; e is confirmed by its CONFLICT
});

it('catches lost, duplicated, half-applied and refused-but-applied writes', async () => {
  expect(
    await problems(
      [
        call('lost', 'ok'),
        call('twice', 'ok'),
        call('twoEvents', 'ok'),
        call('noEvent', 'in-doubt', 'TIMEOUT'),
        call('orphanEvent', 'in-doubt', 'TIMEOUT'),
        call('refused', 'rejected', 'BAD_USER_INPUT'),
        call('conflict', 'rejected', 'CONFLICT'),
      ],
      {
        twice: { effects: 2, events: 2 },
        twoEvents: { effects: 1, events: 2 },
        noEvent: { effects: 1, events: 0 },
        orphanEvent: { effects: 0, events: 1 },
        refused: { effects: 1, events: 1 },
      },
    ),
  ).toEqual([
    'lost: acknowledged but lost',
    'twice: 2 effects for one key (duplicate)',
    'twice: 2 distinct events for one key (duplicate)',
    'twoEvents: 2 distinct events for one key (duplicate)',
    'twoEvents: half-applied: 1 effect(s) but 2 event(s)',
    'noEvent: half-applied: 1 effect(s) but 0 event(s)',
    'orphanEvent: half-applied: 0 effect(s) but 1 event(s)',
    'refused: refused, yet it took effect',
    'conflict: CONFLICT claimed it exists, but it does not',
  ]);
});
