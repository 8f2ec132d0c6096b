/**
 * Administrative divisions (GB/T 2260, 行政区划代码) as the intake network uses them. The codes come
 * from a real dataset behind the `DivisionDirectory` port; this file only knows their shape.
 *
 * - PROVINCE: `XX0000` (the two-digit province code followed by 0000)
 * - CITY: `XXYY00` (prefecture level; municipalities use their 市辖区 entry, e.g. 110100)
 * - COUNTY: 6 digits (county level: districts, counties, county-level cities)
 * - TOWNSHIP: 9 digits (township level: towns, townships, streets)
 *
 * A 6-digit code can name a city and a county at once (东莞市 441900), so a code is looked up at a level.
 */
export type DivisionLevel = 'PROVINCE' | 'CITY' | 'COUNTY' | 'TOWNSHIP';

export const DIVISION_LEVELS: readonly DivisionLevel[] = ['PROVINCE', 'CITY', 'COUNTY', 'TOWNSHIP'];

export interface Division {
  code: string;
  level: DivisionLevel;
  name: string;
  /** From the province down, e.g. `浙江省 杭州市 西湖区 文新街道`. */
  fullName: string;
  /** Two-digit province code. */
  province: string;
  /** 6-digit code of the enclosing city (null for a province). */
  cityCode: string | null;
  /** 6-digit code of the enclosing county (townships only). */
  countyCode: string | null;
}

export const DIVISION_CODE = /^[1-9][0-9]{5}([0-9]{3})?$/;

/** The codes of a division's ancestors and itself, province first. */
export function divisionChain(d: Division): string[] {
  const chain = [`${d.province}0000`];
  if (d.level === 'PROVINCE') return chain;
  chain.push(d.cityCode as string);
  if (d.level === 'CITY') return chain;
  if (d.level === 'COUNTY') return [...chain, d.code];
  return [...chain, d.countyCode as string, d.code];
}

/** Whether `inner` lies inside `outer` (strictly below it in the hierarchy). */
export function liesWithin(inner: Division, outer: Division): boolean {
  const rank = DIVISION_LEVELS.indexOf(outer.level);
  if (DIVISION_LEVELS.indexOf(inner.level) <= rank) return false;
  return divisionChain(inner)[rank] === outer.code;
}
