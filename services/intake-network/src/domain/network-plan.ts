import type { Division } from './division';
import {
  DEFAULT_SERVICES,
  type GeoPoint,
  type NodeContact,
  type NodeService,
  type OpeningHours,
  type ServiceNodeKind,
} from './service-node';

/**
 * The demo network of a province, planned from its real divisions: one centre, a branch per city, a
 * sub-centre per county and an intake point at every township (受理点), plus second points at some
 * townships until the target is reached (Zhejiang had 1,629 points by 2019 on 1,387 townships in the
 * 2023 division data). Everything is deterministic (hashes of division codes), so the same plan comes
 * out every time and seeding is idempotent by id.
 *
 * Ids: centre `sn-<2-digit province>`, branch `sn-<4-digit city>`, sub-centre `sn-<6-digit county>`,
 * intake point `sn-<9-digit township>` and `sn-<township>-2` for a second point. The lengths differ,
 * so a city and a county sharing a code (东莞市 441900) never collide.
 *
 * Coordinates are plausible, not surveyed: each city sits at its real centre (Zhejiang's 11 are
 * listed; elsewhere cities are spread around the provincial capital), counties are scattered around
 * their city (districts close in), townships around their county, second points near the first.
 */
export interface PlannedNode {
  id: string;
  kind: ServiceNodeKind;
  name: string;
  division: Division;
  parentId: string | null;
  hostOrganization: string;
  address: string;
  location: GeoPoint;
  contact: NodeContact | null;
  openingHours: OpeningHours[];
  services: NodeService[];
}

export interface ProvinceDivisions {
  province: Division;
  cities: Division[];
  countiesOf(city: Division): Division[];
  townshipsOf(county: Division): Division[];
}

/** Approximate provincial capitals (lat, lng). */
export const PROVINCE_CAPITALS: Readonly<Record<string, GeoPoint>> = {
  '11': { lat: 39.9042, lng: 116.4074 },
  '12': { lat: 39.3434, lng: 117.3616 },
  '13': { lat: 38.0428, lng: 114.5149 },
  '14': { lat: 37.8706, lng: 112.5489 },
  '15': { lat: 40.8426, lng: 111.749 },
  '21': { lat: 41.8057, lng: 123.4315 },
  '22': { lat: 43.8171, lng: 125.3235 },
  '23': { lat: 45.8038, lng: 126.535 },
  '31': { lat: 31.2304, lng: 121.4737 },
  '32': { lat: 32.0603, lng: 118.7969 },
  '33': { lat: 30.2741, lng: 120.1551 },
  '34': { lat: 31.8206, lng: 117.2272 },
  '35': { lat: 26.0745, lng: 119.2965 },
  '36': { lat: 28.682, lng: 115.8579 },
  '37': { lat: 36.6512, lng: 117.1201 },
  '41': { lat: 34.7466, lng: 113.6254 },
  '42': { lat: 30.5928, lng: 114.3055 },
  '43': { lat: 28.2282, lng: 112.9388 },
  '44': { lat: 23.1291, lng: 113.2644 },
  '45': { lat: 22.817, lng: 108.3665 },
  '46': { lat: 20.044, lng: 110.1999 },
  '50': { lat: 29.563, lng: 106.5516 },
  '51': { lat: 30.5728, lng: 104.0668 },
  '52': { lat: 26.647, lng: 106.6302 },
  '53': { lat: 25.0389, lng: 102.7183 },
  '54': { lat: 29.652, lng: 91.1721 },
  '61': { lat: 34.3416, lng: 108.9398 },
  '62': { lat: 36.0611, lng: 103.8343 },
  '63': { lat: 36.6171, lng: 101.7782 },
  '64': { lat: 38.4872, lng: 106.2309 },
  '65': { lat: 43.8256, lng: 87.6168 },
};

/** Zhejiang's eleven cities: approximate centre, spread of their counties (km), telephone area code. */
const ZHEJIANG_CITIES: Readonly<Record<string, { at: GeoPoint; spreadKm: number; areaCode: string }>> = {
  '330100': { at: { lat: 30.2741, lng: 120.1551 }, spreadKm: 60, areaCode: '0571' },
  '330200': { at: { lat: 29.8683, lng: 121.544 }, spreadKm: 45, areaCode: '0574' },
  '330300': { at: { lat: 27.9938, lng: 120.6994 }, spreadKm: 55, areaCode: '0577' },
  '330400': { at: { lat: 30.7469, lng: 120.7555 }, spreadKm: 30, areaCode: '0573' },
  '330500': { at: { lat: 30.8941, lng: 120.0868 }, spreadKm: 35, areaCode: '0572' },
  '330600': { at: { lat: 29.9958, lng: 120.5861 }, spreadKm: 40, areaCode: '0575' },
  '330700': { at: { lat: 29.0791, lng: 119.6474 }, spreadKm: 50, areaCode: '0579' },
  '330800': { at: { lat: 28.9701, lng: 118.8593 }, spreadKm: 45, areaCode: '0570' },
  '330900': { at: { lat: 29.9853, lng: 122.2072 }, spreadKm: 25, areaCode: '0580' },
  '331000': { at: { lat: 28.6564, lng: 121.4208 }, spreadKm: 45, areaCode: '0576' },
  '331100': { at: { lat: 28.4676, lng: 119.9229 }, spreadKm: 60, areaCode: '0578' },
};

/** Intake points of the real network, where known (Zhejiang, end of 2019). */
export const KNOWN_INTAKE_POINT_COUNTS: Readonly<Record<string, number>> = { '33': 1629 };

/** FNV-1a, as a number in [0, 1). */
export function unit(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 0x100000000;
}

/** A point within `radiusKm` of `from`, uniformly over the disc, chosen by `key`. */
export function scatter(from: GeoPoint, radiusKm: number, key: string): GeoPoint {
  const r = radiusKm * Math.sqrt(unit(`${key}:r`));
  const theta = 2 * Math.PI * unit(`${key}:t`);
  const lat = from.lat + (r * Math.cos(theta)) / 111.2;
  const lng = from.lng + (r * Math.sin(theta)) / (111.32 * Math.cos((from.lat * Math.PI) / 180));
  return { lat: Math.round(lat * 1e6) / 1e6, lng: Math.round(lng * 1e6) / 1e6 };
}

const PLACEHOLDER = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);
const short = (provinceName: string) => provinceName.replace(/(壮族自治区|回族自治区|维吾尔自治区|自治区|省|市)$/, '');
const isUrban = (d: Division) => /(区|街道)$/.test(d.name);
const WEEKDAYS: OpeningHours = { days: ['MON', 'TUE', 'WED', 'THU', 'FRI'], opens: '08:30', closes: '17:00' };
const SATURDAY: OpeningHours = { days: ['SAT'], opens: '09:00', closes: '11:30' };

export function planNetwork(p: ProvinceDivisions, options: { intakePoints?: number } = {}): PlannedNode[] {
  const province = p.province;
  const prov = province.province;
  const provinceShort = short(province.name);
  const capital = PROVINCE_CAPITALS[prov] ?? { lat: 35, lng: 105 };
  const plan: PlannedNode[] = [];
  const phone = (areaCode: string | undefined, key: string) =>
    areaCode ? { phone: `${areaCode}-8${String(Math.floor(unit(`${key}:tel`) * 1e7)).padStart(7, '0')}`, email: null } : null;
  const street = (key: string) => `文化路${1 + Math.floor(unit(`${key}:no`) * 198)}号`;
  const flat = (d: Division) => d.fullName.replace(/ /g, '');

  const centre: PlannedNode = {
    id: `sn-${prov}`,
    kind: 'CENTER',
    name: `${provinceShort}终身教育学分银行管理中心`,
    division: province,
    parentId: null,
    hostOrganization: `${provinceShort}开放大学`,
    address: `${province.name}${street(province.code)}`,
    location: capital,
    contact: phone(ZHEJIANG_CITIES[`${prov}0100`]?.areaCode, province.code),
    openingHours: [WEEKDAYS],
    services: [...DEFAULT_SERVICES.CENTER],
  };
  plan.push(centre);

  const townships: Array<{ township: Division; at: GeoPoint; parentId: string; areaCode: string | undefined }> = [];
  p.cities.forEach((city, i) => {
    const known = ZHEJIANG_CITIES[city.code];
    const cityAt = known?.at ?? (i === 0 ? capital : scatter(capital, 180, city.code));
    const spread = known?.spreadKm ?? 50;
    const cityName = PLACEHOLDER.has(city.name) ? provinceShort : city.name.replace(/市$/, '');
    const branch: PlannedNode = {
      id: `sn-${city.code.slice(0, 4)}`,
      kind: 'BRANCH',
      name: `${cityName}分部`,
      division: city,
      parentId: centre.id,
      hostOrganization: `${cityName}开放大学`,
      address: `${flat(city)}${street(city.code)}`,
      location: cityAt,
      contact: phone(known?.areaCode, city.code),
      openingHours: [WEEKDAYS],
      services: [...DEFAULT_SERVICES.BRANCH],
    };
    plan.push(branch);
    for (const county of p.countiesOf(city)) {
      const countyAt = scatter(cityAt, isUrban(county) ? spread * 0.3 : spread, county.code);
      plan.push({
        id: `sn-${county.code}`,
        kind: 'SUBCENTER',
        name: `${county.name}分中心`,
        division: county,
        parentId: branch.id,
        hostOrganization: `${county.name}社区学院`,
        address: `${flat(county)}${street(county.code)}`,
        location: countyAt,
        contact: phone(known?.areaCode, county.code),
        openingHours: [WEEKDAYS],
        services: [...DEFAULT_SERVICES.SUBCENTER],
      });
      for (const township of p.townshipsOf(county)) {
        townships.push({
          township,
          at: scatter(countyAt, isUrban(county) ? 6 : 14, township.code),
          parentId: `sn-${county.code}`,
          areaCode: known?.areaCode,
        });
      }
    }
  });

  // How many points each township gets: one each, then second (and third) points at towns and
  // townships first (the network serves rural residents), in a hashed order.
  const target = Math.max(0, Math.min(options.intakePoints ?? KNOWN_INTAKE_POINT_COUNTS[prov] ?? townships.length, townships.length * 3));
  const ranked = [...townships].sort(
    (a, b) => Number(isUrban(a.township)) - Number(isUrban(b.township)) || unit(a.township.code) - unit(b.township.code),
  );
  const points = new Map<string, number>();
  for (let i = 0; i < target; i++) {
    const t = ranked[i % ranked.length]!.township.code;
    points.set(t, (points.get(t) ?? 0) + 1);
  }
  for (const t of townships) {
    const n = points.get(t.township.code) ?? 0;
    for (let k = 1; k <= n; k++) {
      const key = k === 1 ? t.township.code : `${t.township.code}-${k}`;
      const town = t.township.name;
      plan.push({
        id: `sn-${key}`,
        kind: 'INTAKE_POINT',
        name: k === 1 ? `${town}受理点` : `${town}文化礼堂受理点${k > 2 ? k - 1 : ''}`,
        division: t.township,
        parentId: t.parentId,
        hostOrganization: k === 1 ? `${town}成人文化技术学校` : `${town}农村文化礼堂`,
        address: `${flat(t.township)}${street(key)}`,
        location: k === 1 ? t.at : scatter(t.at, 3, key),
        contact: phone(t.areaCode, key),
        openingHours: isUrban(t.township) ? [WEEKDAYS] : [WEEKDAYS, SATURDAY],
        services: [...DEFAULT_SERVICES.INTAKE_POINT],
      });
    }
  }
  return plan;
}
