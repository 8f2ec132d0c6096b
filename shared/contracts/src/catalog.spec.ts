import { EVENT_CATALOG } from './catalog';
import { createEvent } from './create-event';
import { parseEvent } from './validation';
import { LearnerAccountOpened } from './events/account.events';
import { ALL_TOPICS } from './topics';

describe('event catalogue', () => {
  it.each(EVENT_CATALOG.map((d) => [d.type, d] as const))('%s: example is valid, topic is known, key and subject derive', (_t, def) => {
    const out = createEvent(def, def.example, { province: '33', source: `/creditbank/${def.producer}` });
    expect(ALL_TOPICS).toContain(out.topic);
    expect(out.key.length).toBeGreaterThan(0);
    expect(parseEvent(JSON.stringify(out.event))).toEqual({ ok: true, event: out.event });
  });

  it('refuses invalid data at publish time', () => {
    expect(() =>
      createEvent(
        LearnerAccountOpened,
        { ...LearnerAccountOpened.example, birthYear: 1800 },
        { province: '33', source: '/creditbank/account' },
      ),
    ).toThrow(/birthYear/);
    expect(() =>
      createEvent(LearnerAccountOpened, { ...LearnerAccountOpened.example, idNumber: '110101199003074514' } as never, {
        province: '33',
        source: '/creditbank/account',
      }),
    ).toThrow(/additional/);
  });

  it('classifies bad bytes on consume', () => {
    expect(parseEvent('{not json')).toMatchObject({ ok: false, reason: 'malformed' });
    expect(parseEvent(null)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(parseEvent(JSON.stringify({ specversion: '1.0' }))).toMatchObject({ ok: false, reason: 'invalid' });
    const good = createEvent(LearnerAccountOpened, LearnerAccountOpened.example, { province: '33', source: '/creditbank/account' }).event;
    expect(parseEvent(JSON.stringify({ ...good, type: 'creditbank.learner.unheard-of.v1' }))).toMatchObject({
      ok: false,
      reason: 'unknown-type',
    });
    expect(parseEvent(JSON.stringify({ ...good, data: { ...good.data, gender: 'X' } }))).toMatchObject({ ok: false, reason: 'invalid' });
  });
});
