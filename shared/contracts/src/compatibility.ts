/**
 * Consumer compatibility of event schemas. A change to a released `.vN` event schema is compatible
 * when every event valid under the old schema is still valid under the new one, and no field a
 * consumer may read disappears: no removed or renamed field, no narrowed type, range, length, enum
 * or pattern, no newly required field. Adding optional fields, widening enums and relaxing limits is
 * fine. Anything else needs a new `.vN+1` event type.
 */
type Schema = Record<string, unknown>;

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const isObject = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

function types(s: Schema): string[] | null {
  if (typeof s['type'] === 'string') return [s['type']];
  if (Array.isArray(s['type'])) return s['type'] as string[];
  return null;
}

/** The literal values a schema allows, if it is a const or a union of consts. */
function literals(s: Schema): unknown[] | null {
  if ('const' in s) return [s['const']];
  if (Array.isArray(s['enum'])) return s['enum'] as unknown[];
  const branches = asArray(s['anyOf'] ?? s['oneOf']);
  if (branches.length && branches.every((b) => isObject(b) && 'const' in b)) return branches.map((b) => (b as Schema)['const']);
  return null;
}

function accepts(newer: Schema, older: Schema, path: string): string[] {
  const problems: string[] = [];
  const oldLit = literals(older);
  const newLit = literals(newer);
  if (oldLit && newLit) {
    const lost = oldLit.filter((v) => !newLit.some((n) => JSON.stringify(n) === JSON.stringify(v)));
    if (lost.length) problems.push(`${path}: no longer allows ${lost.map((v) => JSON.stringify(v)).join(', ')}`);
    return problems;
  }
  const oldBranches = asArray(older['anyOf'] ?? older['oneOf']);
  const newBranches = asArray(newer['anyOf'] ?? newer['oneOf']);
  if (oldBranches.length) {
    for (const [i, branch] of oldBranches.entries()) {
      const candidates = newBranches.length ? newBranches : [newer];
      const fits = candidates.some((c) => isObject(c) && isObject(branch) && accepts(c, branch, path).length === 0);
      if (!fits) problems.push(`${path}: alternative ${i + 1} (${JSON.stringify(branch).slice(0, 80)}) is no longer accepted`);
    }
    return problems;
  }
  if (newBranches.length) {
    if (!newBranches.some((c) => isObject(c) && accepts(c, older, path).length === 0))
      problems.push(`${path}: no alternative accepts the old values`);
    return problems;
  }
  if (newLit && !oldLit) {
    problems.push(`${path}: narrowed to ${newLit.map((v) => JSON.stringify(v)).join(', ')}`);
    return problems;
  }

  const ot = types(older);
  const nt = types(newer);
  if (nt && ot) {
    for (const t of ot) {
      if (!(nt.includes(t) || (t === 'integer' && nt.includes('number'))))
        problems.push(`${path}: type ${t} is no longer accepted (now ${nt.join('|')})`);
    }
  } else if (nt && !ot) {
    problems.push(`${path}: narrowed to type ${nt.join('|')}`);
  }

  const tighter = (key: string, cmp: (n: number, o: number) => boolean) => {
    const n = newer[key];
    if (typeof n !== 'number') return;
    const o = older[key];
    if (typeof o !== 'number' || cmp(n, o)) problems.push(`${path}: ${key} tightened to ${n}${typeof o === 'number' ? ` (was ${o})` : ''}`);
  };
  tighter('minLength', (n, o) => n > o);
  tighter('maxLength', (n, o) => n < o);
  tighter('minimum', (n, o) => n > o);
  tighter('maximum', (n, o) => n < o);
  tighter('exclusiveMinimum', (n, o) => n > o);
  tighter('exclusiveMaximum', (n, o) => n < o);
  tighter('minItems', (n, o) => n > o);
  tighter('maxItems', (n, o) => n < o);
  for (const key of ['pattern', 'format']) {
    if (newer[key] !== undefined && newer[key] !== older[key]) problems.push(`${path}: ${key} changed to ${JSON.stringify(newer[key])}`);
  }

  if (isObject(older['properties']) || isObject(newer['properties'])) {
    const oldProps = (older['properties'] ?? {}) as Record<string, Schema>;
    const newProps = (newer['properties'] ?? {}) as Record<string, Schema>;
    for (const [name, schema] of Object.entries(oldProps)) {
      const next = newProps[name];
      if (!next) problems.push(`${path}.${name}: removed (or renamed)`);
      else problems.push(...accepts(next, schema, `${path}.${name}`));
    }
    const oldRequired = new Set(asArray(older['required']) as string[]);
    for (const name of asArray(newer['required']) as string[]) {
      if (!oldRequired.has(name)) problems.push(`${path}.${name}: newly required`);
    }
    if (newer['additionalProperties'] === false && older['additionalProperties'] !== false)
      problems.push(`${path}: no longer allows additional properties`);
  }
  if (isObject(older['items']) && isObject(newer['items'])) problems.push(...accepts(newer['items'], older['items'], `${path}[]`));
  return problems;
}

/** Breaking differences between a released schema and the current one (empty: compatible). */
export function breakingChanges(released: unknown, current: unknown): string[] {
  if (!isObject(released) || !isObject(current)) return ['schema is not an object'];
  return accepts(current, released, 'data');
}
