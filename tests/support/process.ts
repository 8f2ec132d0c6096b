import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = join(__dirname, '..', '..');

/** A service running as its own OS process (compiled code, as in production). */
export interface ServiceProcess {
  child: ChildProcess;
  baseUrl: string;
  output(): string;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

export async function spawnService(service: string, env: Record<string, string>, port: number): Promise<ServiceProcess> {
  const script = join(ROOT, 'services', service, 'dist', 'main.js');
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` (npm test does it)`);
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${service} exited during start: ${out.slice(-2000)}`);
    try {
      if ((await fetch(`${baseUrl}/readyz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${service} not ready: ${out.slice(-2000)}`);
    await sleep(100);
  }
  return {
    child,
    baseUrl,
    output: () => out,
    kill: (signal) =>
      new Promise((resolve) => {
        // Already gone: exited (exitCode) or killed by a signal (signalCode; exitCode stays null).
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
  };
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}
