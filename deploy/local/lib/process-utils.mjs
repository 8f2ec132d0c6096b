// Small process / file helpers shared by the Kafka and FerretDB provisioners.
// Linux and macOS only (POSIX signals; /proc is used when present to verify pid ownership).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

/** Seconds with one decimal, for human-readable timings: `4.2 s`. */
export function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function sha256(...parts) {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex');
}

export function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (err.code === 'ENOENT') return null;
    throw err;
  }
}

/** Write through a temporary file + rename so a crash never leaves a half-written file behind. */
export function writeFileAtomic(file, content) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

/** The last `lines` lines of a text file ('' if it does not exist). */
export function tailFile(file, lines = 20) {
  const text = readText(file);
  if (!text) return '';
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Formats the tails of log files for an error message, skipping empty/missing ones. */
export function logTails(files, lines = 20) {
  return files
    .map((file) => [file, tailFile(file, lines)])
    .filter(([, tail]) => tail)
    .map(([file, tail]) => `\n--- last lines of ${file} ---\n${tail}`)
    .join('\n');
}

/** Keeps the previous run's log as `<file>.1` so every start gets a fresh, small log. */
export function rotateLog(file) {
  try {
    if (fs.statSync(file).size > 0) fs.renameSync(file, `${file}.1`);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// pid files and liveness

export function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM'; // exists, but belongs to someone else
  }
  // A zombie (exited, not yet reaped) still answers kill(0); /proc tells them apart on Linux.
  const stat = readProc(pid, 'stat');
  if (stat) {
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
  }
  return true;
}

function readProc(pid, file) {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

/** The command line of a process, or null when it cannot be read (no /proc, e.g. macOS). */
export function commandLine(pid) {
  const raw = readProc(pid, 'cmdline');
  return raw === null ? null : raw.split('\0').join(' ');
}

export function readPid(pidFile) {
  const text = readText(pidFile);
  const pid = text === null ? NaN : Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

export function writePid(pidFile, pid) {
  writeFileAtomic(pidFile, `${pid}\n`);
}

export function removeFile(file) {
  fs.rmSync(file, { force: true });
}

/**
 * The pid recorded in `pidFile` if that process is alive and is ours. `marker` is a string our
 * process has on its command line (guards against pid reuse after a reboot). A stale pid file is
 * deleted and null is returned.
 */
export function ownedPid(pidFile, marker) {
  const pid = readPid(pidFile);
  if (pid === null) {
    removeFile(pidFile);
    return null;
  }
  const cmd = isAlive(pid) ? commandLine(pid) : '';
  if (cmd === '' || (cmd !== null && !cmd.includes(marker))) {
    removeFile(pidFile);
    return null;
  }
  return pid;
}

// ---------------------------------------------------------------------------------------------
// starting and stopping

/** Resolves true when something already listens on host:port (we cannot bind it). */
export function isPortInUse(host, port) {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err) => (err.code === 'EADDRINUSE' ? resolve(true) : reject(err)));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(false)));
  });
}

/**
 * Starts a long-running process that outlives this script: own process group, stdout+stderr
 * appended to `logFile`, pid written to `pidFile`. Returns `{ pid, exited() }` where `exited()`
 * reports whether it has died since (used to fail fast during readiness polling).
 */
export function spawnDetached({ command, args, cwd, env, logFile, pidFile }) {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const fd = fs.openSync(logFile, 'a');
  let child;
  try {
    child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', fd, fd] });
  } finally {
    fs.closeSync(fd);
  }
  let exit = null;
  let spawnError = null;
  child.on('exit', (code, signal) => (exit = { code, signal }));
  child.on('error', (err) => (spawnError = err));
  child.unref();
  if (child.pid === undefined) {
    throw new Error(`could not start ${command}: ${spawnError?.message ?? 'spawn failed'}`);
  }
  writePid(pidFile, child.pid);
  return {
    pid: child.pid,
    exited: () => (spawnError ? { error: spawnError } : exit),
  };
}

async function waitForExit(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

/** SIGTERM, wait up to `timeoutMs`, then SIGKILL. Returns 'stopped' | 'killed'. */
export async function stopProcess(pid, timeoutMs) {
  try {
    process.kill(pid, 'SIGTERM');
  } catch (err) {
    if (err.code === 'ESRCH') return 'stopped';
    throw err;
  }
  if (await waitForExit(pid, timeoutMs)) return 'stopped';
  try {
    process.kill(pid, 'SIGKILL');
  } catch (err) {
    if (err.code !== 'ESRCH') throw err;
  }
  await waitForExit(pid, 5000);
  return 'killed';
}

// ---------------------------------------------------------------------------------------------
// running tools

/** Thrown when a prerequisite tool is not installed; `message` says what to install. */
export class MissingToolError extends Error {}

/**
 * Runs a command to completion. Output goes to `logFile` (if given) and is also returned.
 * Rejects with MissingToolError when the command is not on PATH.
 */
export function run(command, args, { cwd, env, logFile, missing } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (err) => {
      if (err.code === 'ENOENT') reject(new MissingToolError(missing ?? `${command} is not installed (not on PATH)`));
      else reject(err);
    });
    child.on('close', (code, signal) => {
      if (logFile) {
        fs.mkdirSync(path.dirname(logFile), { recursive: true });
        fs.writeFileSync(logFile, `$ ${command} ${args.join(' ')}\n${output}`);
      }
      resolve({ code: code ?? 128, signal, output });
    });
  });
}

/** Calls `fn` until it resolves, `failFast()` returns an Error, or `timeoutMs` passes. */
export async function retryUntil(fn, { timeoutMs, intervalMs = 250, failFast = () => null }) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      lastError = err;
    }
    const fatal = failFast();
    if (fatal) throw fatal;
    if (Date.now() + intervalMs >= deadline) {
      const err = new Error(`not ready after ${seconds(timeoutMs)}: ${lastError?.message ?? lastError}`);
      err.cause = lastError;
      throw err;
    }
    await sleep(intervalMs);
  }
}

// ---------------------------------------------------------------------------------------------
// a lock so two `up`/`down` runs (a terminal and a jest globalSetup) do not race

function fileMtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

export async function withLock(lockFile, fn, { timeoutMs = 10 * 60_000, log = () => {} } = {}) {
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      fs.writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    const holder = readPid(lockFile);
    const justCreated = holder === null && Date.now() - fileMtime(lockFile) < 2000; // pid not written yet
    if (!justCreated && (holder === null || !isAlive(holder))) {
      removeFile(lockFile); // left behind by a crashed run: take over
      continue;
    }
    if (Date.now() > deadline) throw new Error(`${lockFile} is held by pid ${holder} for too long`);
    if (!announced) log(`waiting for another infra.mjs run (pid ${holder ?? '?'}) to finish…`);
    announced = true;
    await sleep(500);
  }
  try {
    return await fn();
  } finally {
    removeFile(lockFile);
  }
}
