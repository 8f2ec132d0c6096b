import { EventEmitter } from 'node:events';
import type { Worker } from 'node:cluster';
import { silentLogger } from '@creditbank/logging';
import { availableCpus, parseWorkers, runPrimary } from './cluster';

describe('parseWorkers', () => {
  it('defaults to every available CPU in production and to one process otherwise', () => {
    expect(parseWorkers(undefined, { production: true, cpus: 4 })).toBe(4);
    expect(parseWorkers(undefined, { production: false, cpus: 4 })).toBe(1);
  });

  it('takes auto or an explicit count', () => {
    expect(parseWorkers('auto', { production: false, cpus: 2 })).toBe(2);
    expect(parseWorkers('3', { production: true, cpus: 2 })).toBe(3);
    expect(parseWorkers('1', { production: true, cpus: 8 })).toBe(1);
  });

  it('refuses anything else', () => {
    expect(() => parseWorkers('0', { production: true, cpus: 2 })).toThrow(/GATEWAY_WORKERS/);
    expect(() => parseWorkers('two', { production: true, cpus: 2 })).toThrow(/GATEWAY_WORKERS/);
  });
});

describe('availableCpus', () => {
  it('is capped by a cgroup v2 CPU quota, rounded up, at least 1', () => {
    const machine = availableCpus(null);
    expect(availableCpus('max 100000')).toBe(machine);
    expect(availableCpus('50000 100000')).toBe(1);
    expect(availableCpus('100000 100000')).toBe(Math.min(machine, 1));
    expect(availableCpus(`${(machine + 5) * 100000} 100000`)).toBe(machine);
  });
});

/** A stand-in worker: records signals, exits when told. */
class FakeWorker extends EventEmitter {
  dead = false;
  signals: string[] = [];
  constructor(private readonly exitCode: number | null) {
    super();
  }
  isDead() {
    return this.dead;
  }
  send() {
    return true;
  }
  process = {
    pid: 1,
    kill: (signal: string) => {
      this.signals.push(signal);
      if (signal === 'SIGTERM' && this.exitCode !== null) setImmediate(() => this.die(this.exitCode!));
      if (signal === 'SIGKILL') setImmediate(() => this.die(null));
      return true;
    },
  };
  die(code: number | null) {
    this.dead = true;
    this.emit('exit', code, code === null ? 'SIGKILL' : null);
  }
}

describe('runPrimary', () => {
  afterEach(() => {
    process.removeAllListeners('SIGTERM');
    process.removeAllListeners('SIGINT');
  });

  it('forks the workers and, on SIGTERM, drains them all and exits 0', async () => {
    const workers: FakeWorker[] = [];
    const exits: number[] = [];
    const primary = runPrimary({
      workers: 2,
      shutdownTimeoutMs: 1_000,
      logger: silentLogger(),
      fork: () => {
        const w = new FakeWorker(0);
        workers.push(w);
        return w as unknown as Worker;
      },
      exit: (code) => exits.push(code),
    });
    expect(workers).toHaveLength(2);
    await expect(primary.shutdown('SIGTERM')).resolves.toBe(0);
    expect(workers.every((w) => w.signals.includes('SIGTERM'))).toBe(true);
    expect(exits).toEqual([0]);
  });

  it('exits 1 when a worker fails to stop cleanly', async () => {
    const exits: number[] = [];
    let n = 0;
    const primary = runPrimary({
      workers: 2,
      shutdownTimeoutMs: 1_000,
      logger: silentLogger(),
      fork: () => new FakeWorker(n++ === 0 ? 0 : 1) as unknown as Worker,
      exit: (code) => exits.push(code),
    });
    await expect(primary.shutdown('SIGTERM')).resolves.toBe(1);
    expect(exits).toEqual([1]);
  });

  it('replaces a worker that dies while serving', async () => {
    const workers: FakeWorker[] = [];
    const primary = runPrimary({
      workers: 1,
      shutdownTimeoutMs: 1_000,
      logger: silentLogger(),
      restartDelayMs: 1,
      fork: () => {
        const w = new FakeWorker(0);
        workers.push(w);
        return w as unknown as Worker;
      },
      exit: () => undefined,
    });
    workers[0]!.die(1);
    await new Promise((r) => setTimeout(r, 30));
    expect(workers).toHaveLength(2);
    expect(primary.workers()).toHaveLength(1);
    await primary.shutdown('SIGTERM');
  });
});
