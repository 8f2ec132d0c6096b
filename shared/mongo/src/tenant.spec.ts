import { scoped, tenantFilter, toPlain } from './tenant';

describe('tenant scoping', () => {
  it('adds the province to every filter', () => {
    expect(tenantFilter({ province: '33' })).toEqual({ province: '33' });
    expect(tenantFilter({ all: true })).toEqual({});
    expect(scoped({ province: '33' }, { status: 'ACTIVE' })).toEqual({ status: 'ACTIVE', province: '33' });
  });

  it('never lets a filter escape its province', () => {
    expect(scoped({ province: '33' }, { province: '44' })).toEqual({ province: { $in: [] } });
    expect(scoped({ all: true }, { province: '44' })).toEqual({ province: '44' });
  });

  it('turns lean documents into plain objects', () => {
    expect(toPlain({ _id: 'a1', __v: 3, _outbox: {}, _outboxCount: 0, name: 'n' })).toEqual({ id: 'a1', name: 'n' });
  });
});
