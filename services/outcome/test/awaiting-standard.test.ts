import { OutcomeRecognized } from '@creditbank/contracts';
import { eventually, tokens } from '@creditbank/testing';
import {
  IMPORT,
  INSTITUTION,
  accountOpened,
  accredited,
  institution,
  item,
  standard,
  outcomesOf,
  people,
  startOutcome,
  type OutcomeHarness,
} from './harness';

/**
 * Outcomes deposited (or claimed) before their province's credit standard has arrived wait for it in
 * PENDING_REVIEW; when the standard is published they are recognised on their own — once, with their
 * `outcome.recognized` event — unless a reviewer decided them first.
 */
let h: OutcomeHarness;
const person = people(1971, 300);
const REVIEW = `mutation($id: ID!, $d: ReviewDecision!, $note: String) { reviewOutcome(id: $id, decision: $d, note: $note) { status } }`;
beforeAll(async () => {
  // Catalogue, institution and accreditation, but no credit standard for province 33 yet.
  h = await startOutcome({ AWAITING_STANDARD_SWEEP_MS: '600000' });
  await h.feed([item('VSC-ELEC-G4'), institution(), accredited()]);
});

afterAll(async () => {
  await h?.stop();
});

it('outcomes deposited or claimed before the credit standard are recognised when it is published; a reviewed one is left alone', async () => {
  const [a, b, c] = [person(), person(), person()];
  const openedA = accountOpened(h.hashOf(a));
  const openedC = accountOpened(h.hashOf(c));
  await h.feed([openedA, openedC]);
  const row = (idNumber: string, ref: string) => ({
    externalRef: ref,
    idNumber,
    name: '陈建华',
    type: 'VOCATIONAL',
    catalogItemCode: 'VSC-ELEC-G4',
    title: '电工（四级）',
    achievedAt: '2026-05-20',
  });
  const imported = await h.gql<{ importOutcomes: { accepted: number } }>(
    IMPORT,
    { ref: 'aw-1', rows: [row(a, 'aw-a'), row(b, 'aw-b'), row(c, 'aw-c')] },
    tokens.institutionAdmin(INSTITUTION, '33'),
  );
  expect(imported.data?.importOutcomes.accepted).toBe(3);
  const [outcomeA] = await outcomesOf(h, openedA.event.data.accountNo);
  expect(outcomeA).toMatchObject({ status: 'PENDING_REVIEW', recognizedCredits: null });
  // b's account opens after the import, still before the standard: claimed, and waiting too.
  const openedB = accountOpened(h.hashOf(b));
  await h.feed([openedB]);
  await eventually(async () =>
    expect((await outcomesOf(h, openedB.event.data.accountNo)).map((o) => o.status)).toEqual(['PENDING_REVIEW']),
  );
  // A reviewer decides c's outcome first.
  const [outcomeC] = await outcomesOf(h, openedC.event.data.accountNo);
  const rejected = await h.gql(REVIEW, { id: outcomeC!.id, d: 'REJECT', note: '证书编号无法核实' }, tokens.expert('33'));
  expect(rejected.errors).toBeUndefined();
  const waiting = await h.db.collection('outcomes').countDocuments({ awaiting: 'CREDIT_STANDARD' });
  expect(waiting).toBe(2);

  const published = standard(1);
  await h.feed([published]);
  for (const opened of [openedA, openedB])
    await eventually(async () =>
      expect(await outcomesOf(h, opened.event.data.accountNo)).toEqual([
        expect.objectContaining({ status: 'RECOGNIZED', recognizedCredits: 6, creditStandardVersion: 1 }),
      ]),
    );
  expect((await outcomesOf(h, openedC.event.data.accountNo)).map((o) => o.status)).toEqual(['REJECTED']);
  expect(await h.db.collection('outcomes').countDocuments({ awaiting: 'CREDIT_STANDARD' })).toBe(0);
  // Each is recognised once: its event, and its entry in the learner's credit tally.
  const recognisedEvents = () => h.tap.events(OutcomeRecognized.type).map((e) => (e.data as { accountNo: string }).accountNo);
  await eventually(() => expect(recognisedEvents().sort()).toEqual([openedA.event.data.accountNo, openedB.event.data.accountNo].sort()));
  const tallies = await h.db
    .collection<{ _id: string; entries: Record<string, unknown> }>('credit_tallies')
    .find({ _id: { $in: [openedA.event.data.accountNo, openedB.event.data.accountNo] } })
    .toArray();
  expect(tallies.map((t) => Object.keys(t.entries).length)).toEqual([1, 1]);

  // The same standard announced again (another event for the same version): nothing more is recognised.
  await h.feed([standard(1)]);
  await new Promise((r) => setTimeout(r, 1_000));
  expect(recognisedEvents()).toHaveLength(2);
});
