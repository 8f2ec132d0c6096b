import { spawn } from 'node:child_process';

/** Run a command with inherited stdio; reject with its exit code on failure. */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else {
        const error = new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`);
        error.exitCode = code ?? 1;
        reject(error);
      }
    });
  });
}
