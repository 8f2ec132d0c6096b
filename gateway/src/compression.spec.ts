import { chooseEncoding } from './compression';

describe('chooseEncoding', () => {
  it('compresses only responses at least minBytes large', () => {
    expect(chooseEncoding('gzip, br', 100, 4096)).toBeNull();
    expect(chooseEncoding('gzip, br', 5000, 4096)).toBe('br');
    expect(chooseEncoding('gzip, br', 5000, 0)).toBeNull();
  });

  it('prefers brotli, falls back to gzip, honours q=0 and no header', () => {
    expect(chooseEncoding('gzip', 5000, 1)).toBe('gzip');
    expect(chooseEncoding('br;q=0, gzip;q=0.5', 5000, 1)).toBe('gzip');
    expect(chooseEncoding('identity', 5000, 1)).toBeNull();
    expect(chooseEncoding(undefined, 5000, 1)).toBeNull();
    expect(chooseEncoding('*', 5000, 1)).toBe('br');
  });
});
