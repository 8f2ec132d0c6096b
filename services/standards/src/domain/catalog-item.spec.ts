import type { Caller } from '@creditbank/kernel';
import {
  assertCatalogEditor,
  currentVersion,
  findVersion,
  parseCatalogCode,
  parseCatalogInput,
  publicHead,
  publishDraft,
  retirePublished,
  upsertDraft,
  visibleVersions,
  type CatalogFacts,
} from './catalog-item';

const t = (n: number) => new Date(Date.UTC(2026, 0, n));
const facts = (over: Partial<CatalogFacts> = {}): CatalogFacts => ({
  name: '电工（四级/中级工）职业技能等级证书',
  type: 'VOCATIONAL',
  subtype: 'SKILL_CERTIFICATE',
  level: 2,
  track: 'VSC-ELEC',
  field: '装备制造大类',
  hours: 150,
  standardCredits: 6,
  validityYears: null,
  evidenceRequired: ['证书编号'],
  description: null,
  ...over,
});
const LEVELS = [1, 2, 3, 4, 5, 6, 7];

describe('catalogue versioning', () => {
  it('a new item is a draft at version 1; drafts are edited in place', () => {
    const a = upsertDraft(null, 'VSC-ELEC-G4', facts(), t(1), 'p1');
    expect(a.version).toMatchObject({ version: 1, status: 'DRAFT', scope: 'NATIONAL', province: null });
    const b = upsertDraft(a.entry, 'VSC-ELEC-G4', facts({ hours: 160 }), t(2), 'p1');
    expect(b.entry.versions).toHaveLength(1);
    expect(b.version).toMatchObject({ version: 1, hours: 160, status: 'DRAFT' });
    expect(upsertDraft(b.entry, 'VSC-ELEC-G4', facts({ hours: 160 }), t(3), 'p1').changed).toBe(false);
  });

  it('publishing a new version leaves the earlier published version’s facts untouched and retrievable', () => {
    const v1 = publishDraft(upsertDraft(null, 'VSC-ELEC-G4', facts(), t(1), 'p1').entry, t(2), 'p1');
    const snapshot = JSON.parse(JSON.stringify(v1.published)) as Record<string, unknown>;
    expect(v1.supersedes).toBeNull();

    // An edit after publication creates version 2 as a draft; version 1 is still the public one.
    const edit = upsertDraft(v1.entry, 'VSC-ELEC-G4', facts({ standardCredits: 7, hours: 180 }), t(3), 'p1');
    expect(edit.version).toMatchObject({ version: 2, status: 'DRAFT', standardCredits: 7 });
    expect(publicHead(edit.entry)?.version).toBe(1);
    expect(currentVersion(edit.entry, false)?.standardCredits).toBe(6);

    const v2 = publishDraft(edit.entry, t(4), 'p1');
    expect(v2.supersedes).toBe(1);
    expect(v2.published).toMatchObject({ version: 2, status: 'PUBLISHED', standardCredits: 7 });
    const old = findVersion(v2.entry, 1, false)!;
    // Facts of version 1 are exactly as published; only its lifecycle moved on.
    const { status, retiredAt, retiredBy, retireReason, supersededBy, ...oldFacts } = old;
    const { status: _s, retiredAt: _a, retiredBy: _b, retireReason: _r, supersededBy: _x, ...snapFacts } = snapshot;
    expect(JSON.parse(JSON.stringify(oldFacts))).toEqual(snapFacts);
    expect({ status, supersededBy, retiredBy }).toEqual({ status: 'RETIRED', supersededBy: 2, retiredBy: 'p1' });
    expect(retiredAt).toEqual(t(4));
    expect(retireReason).toMatch(/Superseded by version 2/);
    expect(visibleVersions(v2.entry, false).map((v) => v.version)).toEqual([2, 1]);
  });

  it('an unchanged upsert of a published item creates no version', () => {
    const v1 = publishDraft(
      upsertDraft(null, 'SF-FIRE', facts({ type: 'NON_ACADEMIC', subtype: 'SAFETY', level: 1 }), t(1), 'p').entry,
      t(2),
      'p',
    );
    const again = upsertDraft(v1.entry, 'SF-FIRE', facts({ type: 'NON_ACADEMIC', subtype: 'SAFETY', level: 1 }), t(3), 'p');
    expect(again).toMatchObject({ changed: false, version: { version: 1, status: 'PUBLISHED' } });
  });

  it('refuses to change the outcome type of a published item', () => {
    const v1 = publishDraft(upsertDraft(null, 'VSC-ELEC-G4', facts(), t(1), 'p1').entry, t(2), 'p1');
    expect(() => upsertDraft(v1.entry, 'VSC-ELEC-G4', facts({ type: 'NON_ACADEMIC', subtype: null }), t(3), 'p1')).toThrow(/type/);
  });

  it('publishing needs a draft; retiring needs a published version', () => {
    const v1 = publishDraft(upsertDraft(null, 'VSC-ELEC-G4', facts(), t(1), 'p1').entry, t(2), 'p1');
    expect(() => publishDraft(v1.entry, t(3), 'p1')).toThrow(expect.objectContaining({ code: 'CONFLICT' }) as Error);
    const retired = retirePublished(v1.entry, '标准修订', t(3), 'p1');
    expect(retired.retired).toMatchObject({ status: 'RETIRED', retireReason: '标准修订', standardCredits: 6 });
    expect(() => retirePublished(retired.entry, null, t(4), 'p1')).toThrow(expect.objectContaining({ code: 'CONFLICT' }) as Error);
    // A retired item still shows (as retired); a new draft can bring it back.
    expect(publicHead(retired.entry)?.status).toBe('RETIRED');
    const back = publishDraft(upsertDraft(retired.entry, 'VSC-ELEC-G4', facts(), t(5), 'p1').entry, t(6), 'p1');
    expect(back.published.version).toBe(2);
    expect(back.supersedes).toBeNull();
  });

  it('drafts are only visible to editors', () => {
    const draft = upsertDraft(null, '33-TEA-ART', facts({ type: 'NON_ACADEMIC', subtype: 'CULTURAL_ACTIVITY', level: 1 }), t(1), 'a').entry;
    expect(currentVersion(draft, false)).toBeNull();
    expect(currentVersion(draft, true)?.status).toBe('DRAFT');
    expect(findVersion(draft, 1, false)).toBeNull();
  });
});

describe('catalogue editors', () => {
  const u = (role: string, province = '33'): Caller => ({ kind: 'user', sub: 's', role, province }) as Caller;
  it.each([
    ['platform admin, national', u('PLATFORM_ADMIN'), 'VSC-ELEC-G4', null],
    ['platform admin, provincial', u('PLATFORM_ADMIN', '11'), '44-GDOU-MKT101', null],
    ['centre admin, own province', u('CENTER_ADMIN'), '33-ZJOU-AGEC101', null],
    ['centre admin, national', u('CENTER_ADMIN'), 'VSC-ELEC-G4', /National/],
    ['centre admin, other province', u('CENTER_ADMIN'), '44-GDOU-MKT101', /province/],
    ['expert', u('EXPERT'), '33-ZJOU-AGEC101', /role/],
  ] as const)('%s', (_n, caller, code, error) => {
    const run = () => assertCatalogEditor(caller, parseCatalogCode(code, 'code'));
    if (error) expect(run).toThrow(error);
    else expect(run).not.toThrow();
  });
});

describe('catalogue input', () => {
  const input = {
    code: ' vsc-elec-g4 ',
    name: '电工（四级）',
    type: 'VOCATIONAL' as const,
    subtype: 'skill_certificate',
    level: 2,
    track: 'vsc-elec',
  };
  it('normalises codes, subtypes and tracks', () => {
    expect(parseCatalogInput(input, LEVELS)).toMatchObject({
      code: 'VSC-ELEC-G4',
      facts: { subtype: 'SKILL_CERTIFICATE', track: 'VSC-ELEC', evidenceRequired: [], hours: null },
    });
  });

  it.each([
    [{ code: 'x' }, 'input.code'],
    [{ name: 'x' }, 'input.name'],
    [{ subtype: 'ELDERLY_EDUCATION' }, 'input.subtype'],
    [{ subtype: 'NOPE' }, 'input.subtype'],
    [{ level: 9 }, 'input.level'],
    [{ hours: 0 }, 'input.hours'],
    [{ standardCredits: 301 }, 'input.standardCredits'],
    [{ validityYears: 0 }, 'input.validityYears'],
    [{ track: 'a b' }, 'input.track'],
    [{ evidenceRequired: Array.from({ length: 11 }, (_, i) => `e${i}`) }, 'input.evidenceRequired'],
    [{ description: 'x'.repeat(2001) }, 'input.description'],
  ])('%j is refused on %s', (over, field) => {
    expect(() => parseCatalogInput({ ...input, ...over }, LEVELS)).toThrow(expect.objectContaining({ details: { field } }) as Error);
  });
});
