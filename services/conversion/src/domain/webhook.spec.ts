import { Webhook } from 'standardwebhooks';
import { isPublicAddress, newWebhookSecret, parseRetryAfter, parseWebhookUrl, retryDelayMs, signatureHeader } from './webhook';

describe('webhook signatures', () => {
  it('verify with the standardwebhooks library, as a partner would, with either secret during rotation', () => {
    const oldSecret = newWebhookSecret();
    const newSecret = newWebhookSecret();
    const body = JSON.stringify({ type: 'conversion.approved', timestamp: '2026-12-01T00:00:00Z', data: { applicationId: 'ca-1' } });
    const ts = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': 'evt-1',
      'webhook-timestamp': String(ts),
      'webhook-signature': signatureHeader([newSecret, oldSecret], 'evt-1', ts, body),
    };
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(newSecret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(oldSecret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(newSecret).verify(body.replace('ca-1', 'ca-2'), headers)).toThrow();
  });
});

describe('retry backoff', () => {
  const policy = { baseMs: 1000, maxMs: 60_000, maxAttempts: 10 };
  it('grows exponentially with equal jitter and is capped', () => {
    expect(retryDelayMs(policy, 1, () => 0)).toBe(500);
    expect(retryDelayMs(policy, 1, () => 1)).toBe(1000);
    expect(retryDelayMs(policy, 4, () => 0)).toBe(4000);
    expect(retryDelayMs(policy, 4, () => 1)).toBe(8000);
    expect(retryDelayMs(policy, 30, () => 1)).toBe(60_000);
    for (let i = 0; i < 100; i++) {
      const d = retryDelayMs(policy, 3);
      expect(d).toBeGreaterThanOrEqual(2000);
      expect(d).toBeLessThanOrEqual(4000);
    }
  });
  it('honours a longer Retry-After, up to the cap', () => {
    expect(retryDelayMs(policy, 1, () => 0, 30_000)).toBe(30_000);
    expect(retryDelayMs(policy, 1, () => 0, 3_600_000)).toBe(60_000);
    expect(parseRetryAfter('12', new Date())).toBe(12_000);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString(), new Date())).toBeGreaterThan(3000);
    expect(parseRetryAfter('soon', new Date())).toBeNull();
  });
});

describe('SSRF', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '224.0.0.1',
    '198.18.0.1',
    '203.0.113.7',
  ])('refuses %s', (ip) => expect(isPublicAddress(ip)).toBe(false));
  it.each(['8.8.8.8', '101.6.6.6', '2001:4860:4860::8888'])('allows %s', (ip) => expect(isPublicAddress(ip)).toBe(true));
  it('checks the URL', () => {
    expect(parseWebhookUrl('http://partner.example.edu.cn/hook', false)).toBe('the URL must use https');
    expect(parseWebhookUrl('https://user:pw@partner.example.edu.cn/hook', false)).toBe('the URL must not carry credentials');
    expect(parseWebhookUrl('https://localhost/hook', false)).toBe('the URL’s host is not a public host');
    expect(parseWebhookUrl('https://[::1]/hook', false)).toBe('the URL’s address is not public');
    expect(parseWebhookUrl('https://10.0.0.8/hook', false)).toBe('the URL’s address is not public');
    expect(parseWebhookUrl('https://partner.example.edu.cn/hook', false)).toMatchObject({ hostname: 'partner.example.edu.cn' });
  });
});

describe('development receiver allowlist', () => {
  it('exempts exactly the listed origins from the public-address check', () => {
    const dev = ['http://127.0.0.1:4180'];
    expect(parseWebhookUrl('http://127.0.0.1:4180/webhook', true, dev)).toMatchObject({ hostname: '127.0.0.1' });
    expect(parseWebhookUrl('http://127.0.0.1:4181/webhook', true, dev)).toBe('the URL’s address is not public');
    expect(parseWebhookUrl('http://127.0.0.1:4180/webhook', false, dev)).toBe('the URL must use https');
  });
});
