import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_CATALOG, breakingChanges, eventDefinition } from '../src';

/**
 * The compatibility gate: every released event schema (shared/contracts/released) must still be
 * accepted by the current schema of its type. A breaking change needs a new `.vN+1` type; new types
 * are released with `npm run events:release`.
 */
const dir = join(__dirname, '../released');
const released = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { type: string; topic: string; data: unknown });

it('every event type is released', () => {
  const missing = EVENT_CATALOG.map((d) => d.type).filter((t) => !released.some((r) => r.type === t));
  expect({ unreleased: missing }).toEqual({ unreleased: [] });
});

it.each(released.map((r) => [r.type, r] as const))('%s stays compatible with its released schema', (type, snapshot) => {
  const current = eventDefinition(type);
  expect({ type, stillDefined: !!current }).toEqual({ type, stillDefined: true });
  expect(current!.topic).toBe(snapshot.topic);
  expect(breakingChanges(snapshot.data, JSON.parse(JSON.stringify(current!.data)))).toEqual([]);
});
