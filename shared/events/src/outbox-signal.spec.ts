import { createOutboxSignal } from './outbox-relay';

describe('outbox signal', () => {
  it('collects hinted ids per collection and remembers an unhinted notify', () => {
    const signal = createOutboxSignal();
    signal.notify({ collection: 'outcomes', ids: ['a', 'b'] });
    signal.notify({ collection: 'outcomes', ids: ['c'] });
    signal.notify({ collection: 'batches', ids: ['x'] });
    const first = signal.drain();
    expect(Object.fromEntries(first.hints)).toEqual({ outcomes: ['a', 'b', 'c'], batches: ['x'] });
    expect(first.unhinted).toBe(false);
    signal.notify();
    const second = signal.drain();
    expect(second.hints.size).toBe(0);
    expect(second.unhinted).toBe(true);
    expect(signal.drain()).toEqual({ hints: new Map(), unhinted: false });
  });

  it('wakes a waiting relay at once, and returns at once when signalled before the wait', async () => {
    const signal = createOutboxSignal();
    const t0 = Date.now();
    const waiting = signal.wait(10_000);
    signal.notify({ collection: 'c', ids: [1] });
    await waiting;
    signal.notify();
    await signal.wait(10_000);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
});
