import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, totalmem } from 'node:os';

const FILE = join(__dirname, '..', '..', 'docs', 'benchmarks.md');

/** Replace (or append) one benchmark's section of docs/benchmarks.md, between its markers. */
export function writeSection(name: string, markdown: string): void {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const header =
    '# Benchmarks\n\nWritten by `npm run bench` (each section by its benchmark). Figures are from the machine named in each section; compare runs on the same machine only.\n';
  const current = existsSync(FILE) ? readFileSync(FILE, 'utf8') : header;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const i = current.indexOf(start);
  const j = current.indexOf(end);
  const next = i >= 0 && j > i ? current.slice(0, i) + block + current.slice(j + end.length) : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(FILE, next);
}

export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** Sample this process's memory while a benchmark runs. */
export function memorySampler(intervalMs = 200) {
  let peakRss = 0;
  let peakHeap = 0;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return { peakRssMiB: Math.round(peakRss / 2 ** 20), peakHeapMiB: Math.round(peakHeap / 2 ** 20) };
    },
  };
}
