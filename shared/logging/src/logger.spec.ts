import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { requestIdFrom, runWithContext, traceparentFrom } from './request-context';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, stream };
}

describe('logger', () => {
  it('puts request id and province on every line inside a context', () => {
    const { lines, stream } = capture();
    const log = createLogger({ service: 'test', destination: stream });
    runWithContext({ requestId: 'req-1', province: '33' }, () => log.info('inside'));
    log.info('outside');
    expect(lines[0]).toMatchObject({ msg: 'inside', reqId: 'req-1', province: '33', service: 'test', level: 'info' });
    expect(lines[1]).not.toHaveProperty('reqId');
  });

  it('redacts personal data and secrets', () => {
    const { lines, stream } = capture();
    const log = createLogger({ service: 'test', destination: stream });
    log.info({ input: { idNumber: '110101199003074514', name: '张三', phone: '13800138000' }, password: 'p' }, 'x');
    const text = JSON.stringify(lines[0]);
    expect(text).not.toContain('110101199003074514');
    expect(text).not.toContain('张三');
    expect(text).not.toContain('13800138000');
  });

  it('accepts only harmless request ids and well-formed traceparents', () => {
    expect(requestIdFrom('abc-123')).toBe('abc-123');
    expect(requestIdFrom('a\nb')).not.toBe('a\nb');
    expect(requestIdFrom('x'.repeat(500))).toHaveLength(36);
    expect(traceparentFrom('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')).toBeDefined();
    expect(traceparentFrom('garbage')).toBeUndefined();
  });
});
