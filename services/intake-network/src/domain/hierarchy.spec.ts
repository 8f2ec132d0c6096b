import type { Division } from './division';
import { liesWithin } from './division';
import { placeNode, type NodeAbove } from './hierarchy';

const div = (code: string, level: Division['level']): Division => ({
  code,
  level,
  name: code,
  fullName: code,
  province: code.slice(0, 2),
  cityCode: level === 'PROVINCE' ? null : `${code.slice(0, 4)}00`,
  countyCode: level === 'TOWNSHIP' ? code.slice(0, 6) : level === 'COUNTY' ? code : null,
});
const node = (id: string, kind: NodeAbove['kind'], adminDivision: string, status: NodeAbove['status'] = 'ACTIVE'): NodeAbove => ({
  id,
  kind,
  name: id,
  adminDivision,
  status,
  ancestorIds: [],
});

const zj = div('330000', 'PROVINCE');
const hangzhou = div('330100', 'CITY');
const xihu = div('330106', 'COUNTY');
const wenxin = div('330106013', 'TOWNSHIP');
const centre = node('c', 'CENTER', '330000');
const branch = node('b', 'BRANCH', '330100');
const sub = node('s', 'SUBCENTER', '330106');
const field = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { code: string; details: { field?: string } }).details.field ?? (error as { code: string }).code;
  }
  return 'no error';
};

describe('hierarchy rules', () => {
  it('places each kind under the nearest node above by default', () => {
    expect(placeNode('CENTER', zj, undefined, [])).toBeNull();
    expect(placeNode('BRANCH', hangzhou, undefined, [centre])?.id).toBe('c');
    expect(placeNode('SUBCENTER', xihu, undefined, [centre, branch])?.id).toBe('b');
    expect(placeNode('INTAKE_POINT', wenxin, undefined, [centre, branch, sub])?.id).toBe('s');
    expect(placeNode('INTAKE_POINT', wenxin, undefined, [centre, branch])?.id).toBe('b');
    expect(placeNode('INTAKE_POINT', wenxin, undefined, [])).toBeNull(); // a pilot: nothing above yet
  });

  it('refuses a division of the wrong level for the kind', () => {
    expect(field(() => placeNode('BRANCH', xihu, undefined, []))).toBe('input.adminDivision');
    expect(field(() => placeNode('INTAKE_POINT', xihu, undefined, []))).toBe('input.adminDivision');
  });

  it('refuses wrong nesting: a parent of the same or a lower kind, or a parent for a centre', () => {
    expect(field(() => placeNode('BRANCH', hangzhou, node('b2', 'BRANCH', '330100'), []))).toBe('input.parentId');
    expect(field(() => placeNode('SUBCENTER', xihu, node('p', 'INTAKE_POINT', '330106013'), []))).toBe('input.parentId');
    expect(field(() => placeNode('CENTER', zj, centre, []))).toBe('input.parentId');
  });

  it('refuses a division outside the parent’s', () => {
    const ningbo = node('nb', 'BRANCH', '330200');
    expect(field(() => placeNode('SUBCENTER', xihu, ningbo, [centre, ningbo]))).toBe('input.adminDivision');
    const yuhang = node('yh', 'SUBCENTER', '330110');
    expect(field(() => placeNode('INTAKE_POINT', wenxin, yuhang, [yuhang]))).toBe('input.adminDivision');
    expect(field(() => placeNode('BRANCH', div('440100', 'CITY'), centre, [centre]))).toBe('input.adminDivision');
  });

  it('refuses a farther parent while a nearer one covers the division', () => {
    expect(field(() => placeNode('INTAKE_POINT', wenxin, centre, [centre, branch, sub]))).toBe('input.parentId');
    expect(field(() => placeNode('INTAKE_POINT', wenxin, branch, [centre, branch, sub]))).toBe('input.parentId');
    expect(placeNode('INTAKE_POINT', wenxin, sub, [centre, branch, sub])?.id).toBe('s');
  });

  it('refuses a parent that is not active', () => {
    const suspended = node('s', 'SUBCENTER', '330106', 'SUSPENDED');
    expect(field(() => placeNode('INTAKE_POINT', wenxin, suspended, [suspended]))).toBe('input.parentId');
    expect(field(() => placeNode('INTAKE_POINT', wenxin, undefined, [centre, suspended]))).toBe('input.parentId');
  });

  it('knows which division lies within which', () => {
    expect(liesWithin(wenxin, xihu)).toBe(true);
    expect(liesWithin(wenxin, hangzhou)).toBe(true);
    expect(liesWithin(wenxin, zj)).toBe(true);
    expect(liesWithin(xihu, wenxin)).toBe(false);
    expect(liesWithin(xihu, div('330200', 'CITY'))).toBe(false);
    expect(liesWithin(hangzhou, hangzhou)).toBe(false);
  });
});
