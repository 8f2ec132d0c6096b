import { createChinaDivisionDirectory } from '../infrastructure/china-division.directory';
import { planNetwork, type ProvinceDivisions } from './network-plan';

const dir = createChinaDivisionDirectory();
const divisionsOf = (province: string): ProvinceDivisions => ({
  province: dir.find(`${province}0000`, 'PROVINCE')!,
  cities: dir.childrenOf(dir.find(`${province}0000`, 'PROVINCE')!),
  countiesOf: (c) => dir.childrenOf(c),
  townshipsOf: (c) => dir.childrenOf(c),
});

describe('demo network plan', () => {
  const plan = planNetwork(divisionsOf('33'));

  it('plans Zhejiang as the real network: 1 centre, 11 branches, 90 sub-centres, 1,629 intake points', () => {
    const count = (kind: string) => plan.filter((n) => n.kind === kind).length;
    expect([count('CENTER'), count('BRANCH'), count('SUBCENTER'), count('INTAKE_POINT')]).toEqual([1, 11, 90, 1629]);
    expect(new Set(plan.map((n) => n.id)).size).toBe(plan.length);
    const townships = new Set(plan.filter((n) => n.kind === 'INTAKE_POINT').map((n) => n.division.code));
    expect(townships.size).toBe(1387); // every township has a point; 242 have a second one
  });

  it('nests every node under the one above in its division, with plausible coordinates', () => {
    const byId = new Map(plan.map((n) => [n.id, n]));
    for (const n of plan) {
      if (n.kind === 'CENTER') continue;
      const parent = byId.get(n.parentId!)!;
      expect(
        n.division.code.startsWith(parent.division.code.slice(0, { CENTER: 2, BRANCH: 4, SUBCENTER: 6 }[parent.kind as 'CENTER'])),
      ).toBe(true);
      // Zhejiang spans about 27.0–31.2 N, 118.0–123.2 E (with the Zhoushan islands).
      expect(n.location.lat).toBeGreaterThan(26.6);
      expect(n.location.lat).toBeLessThan(31.6);
      expect(n.location.lng).toBeGreaterThan(117.7);
      expect(n.location.lng).toBeLessThan(123.3);
    }
  });

  it('is deterministic, and covers any province (one point per township by default)', () => {
    expect(planNetwork(divisionsOf('33'))).toEqual(plan);
    const gd = planNetwork(divisionsOf('44'));
    const gdTownships = dir
      .childrenOf(dir.find('440000', 'PROVINCE')!)
      .flatMap((c) => dir.childrenOf(c))
      .flatMap((c) => dir.childrenOf(c));
    expect(gd.filter((n) => n.kind === 'INTAKE_POINT')).toHaveLength(gdTownships.length);
    expect(new Set(gd.map((n) => n.id)).size).toBe(gd.length); // 东莞 city sn-4419 vs county sn-441900
    expect(planNetwork(divisionsOf('33'), { intakePoints: 100 }).filter((n) => n.kind === 'INTAKE_POINT')).toHaveLength(100);
  });
});
