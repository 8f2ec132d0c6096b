import { isServiceNodeId } from './service-node-id';

describe('isServiceNodeId', () => {
  it.each(['sn-33', 'sn-3301', 'sn-330106', 'sn-330106001', 'sn-330106001-2', 'sn-8f0c5a3e-4c1b-4e6a-9d2f-1b2c3d4e5f60'])(
    'accepts %s',
    (id) => expect(isServiceNodeId(id)).toBe(true),
  );
  it.each(['', 'sn-', '33', 'sn--1', 'SN-33', 'sn-33 ', 'sn-3$where', '{"$gt":""}', `sn-${'a'.repeat(62)}`, 'sn-中心'])(
    'refuses %j',
    (id) => expect(isServiceNodeId(id)).toBe(false),
  );
  it('refuses what is not a string', () => {
    for (const v of [null, undefined, 33, { $gt: '' }]) expect(isServiceNodeId(v)).toBe(false);
  });
});
