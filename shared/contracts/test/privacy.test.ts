import { EVENT_CATALOG } from '../src';

/**
 * Privacy gate, static half: no event schema has a field that would carry personal data (resident ID
 * numbers, names of people, phone numbers, addresses, e-mail, exact birth dates, passwords). A `name`
 * of an organisation, a node or a catalogue item is not personal; such fields are listed here with
 * the reason. The dynamic half (tests/e2e/event-privacy.test.ts) scans real published bytes.
 */
const PERSONAL =
  /(^|_)(name|fullName|realName|idNumber|idCard|citizenId|phone|mobile|tel|telephone|address|email|birthDate|birthday|password|secret)$/i;

/** `event type` → fields that look personal but are not, with why. */
const NOT_PERSONAL: Record<string, Record<string, string>> = {
  'creditbank.institution.registered.v1': { name: 'an institution’s registered name is public' },
  'creditbank.institution.updated.v1': { name: 'an institution’s registered name is public' },
};

function fieldsOf(schema: unknown, path = ''): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const s = schema as Record<string, unknown>;
  const out: string[] = [];
  for (const [k, v] of Object.entries((s['properties'] as Record<string, unknown>) ?? {})) {
    out.push(path ? `${path}.${k}` : k, ...fieldsOf(v, path ? `${path}.${k}` : k));
  }
  for (const key of ['items', 'anyOf', 'oneOf', 'allOf']) {
    const v = s[key];
    for (const child of Array.isArray(v) ? v : v ? [v] : []) out.push(...fieldsOf(child, path));
  }
  return out;
}

it.each(EVENT_CATALOG.map((d) => [d.type, d] as const))('%s carries no personal-data field', (type, def) => {
  const allowed = NOT_PERSONAL[type] ?? {};
  const suspicious = fieldsOf(JSON.parse(JSON.stringify(def.data))).filter((f) => PERSONAL.test(f.split('.').pop()!) && !(f in allowed));
  expect(suspicious).toEqual([]);
});
