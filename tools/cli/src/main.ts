import { Command, InvalidArgumentError } from 'commander';
import { tailEvents } from './commands/events-tail.command';
import { replayDlq } from './commands/replay-dlq.command';
import { importOutcomesCsv } from './commands/import.command';
import { SingleBar, Presets } from 'cli-progress';

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
};

/** Build the `creditbank` program. Exit codes: 0 ok, 1 failure, 2 usage error, 3 invalid events seen. */
export function program(write: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): Command {
  const root = new Command('creditbank')
    .description('Credit bank platform command line')
    .option('--brokers <list>', 'Kafka bootstrap servers (default: $KAFKA_BROKERS or the local broker)')
    .option('--prefix <prefix>', 'topic prefix (test namespaces)', '')
    .showHelpAfterError()
    .exitOverride();

  const events = root.command('events').description('read and repair the event streams (see docs/data-teams.md)');

  events
    .command('tail')
    .description('print live events of a topic, validating each against its schema')
    .argument('<topic>', 'topic: creditbank.account.v1 … or its short name (account, network, standards, outcome, conversion)')
    .option('-b, --from-beginning', 'start at the oldest retained event')
    .option('-t, --type <type>', 'only this event type, e.g. creditbank.learner.account-opened.v1')
    .option('-n, --limit <n>', 'stop after n events', positiveInt)
    .option('--until-caught-up', 'stop when the events that existed at start are printed')
    .option('--json', 'one JSON object per line instead of pretty text')
    .action(
      async (topic: string, opts: { fromBeginning?: boolean; type?: string; limit?: number; untilCaughtUp?: boolean; json?: boolean }) => {
        const global = root.opts<{ brokers?: string; prefix?: string }>();
        const ac = new AbortController();
        process.once('SIGINT', () => ac.abort());
        const invalid = await tailEvents(topic, { ...global, ...opts }, write, ac.signal);
        if (invalid > 0) process.exitCode = 3;
      },
    );

  events
    .command('replay-dlq')
    .description('re-publish dead letters to their topic after a fix (idempotent: progress is committed, events keep their ids)')
    .argument('<topic>', 'the topic whose .dlq to replay')
    .option('--dry-run', 'list what would be replayed')
    .option('--reason <reason>', 'only dead letters of this reason (malformed, invalid, oversized, rejected, handler-failed)')
    .action(async (topic: string, opts: { dryRun?: boolean; reason?: string }) => {
      const global = root.opts<{ brokers?: string; prefix?: string }>();
      const r = await replayDlq(topic, { ...global, ...opts }, write);
      write(`${opts.dryRun ? 'would replay' : 'replayed'} ${r.replayed}, skipped ${r.skipped}`);
    });

  root
    .command('import')
    .description('import learning outcomes from a CSV file (institution admins; columns = the import data standard)')
    .argument('<file>', 'CSV file: UTF-8 (with or without BOM) or GB18030 (--encoding gb18030)')
    .option('--url <url>', 'GraphQL endpoint', process.env['CREDITBANK_URL'] ?? 'http://localhost:4000/graphql')
    .option('--token <token>', 'an INSTITUTION_ADMIN token (default: $CREDITBANK_TOKEN)')
    .option('--batch-size <n>', 'rows per request (1–5000)', positiveInt, 1000)
    .option('--encoding <encoding>', 'utf8 or gb18030', 'utf8')
    .option('--no-resume', 'start from the first row even if an earlier run was interrupted')
    .option('--report <file>', 'where to write rejected rows (default: <file>.rejected.csv)')
    .action(
      async (
        file: string,
        opts: { url: string; token?: string; batchSize: number; encoding: string; resume: boolean; report?: string },
      ) => {
        const token = opts.token ?? process.env['CREDITBANK_TOKEN'];
        if (!token) throw new InvalidArgumentError('a token is required (--token or $CREDITBANK_TOKEN)');
        if (opts.encoding !== 'utf8' && opts.encoding !== 'gb18030') throw new InvalidArgumentError('encoding must be utf8 or gb18030');
        const bar = process.stderr.isTTY
          ? new SingleBar(
              { format: ' {bar} {percentage}% | {rows} rows | {rate} rows/s | ETA {eta_formatted}', hideCursor: true },
              Presets.shades_classic,
            )
          : null;
        const started = Date.now();
        bar?.start(100, 0, { rows: 0, rate: 0 });
        const summary = await importOutcomesCsv(file, {
          url: opts.url,
          token,
          batchSize: opts.batchSize,
          encoding: opts.encoding,
          resume: opts.resume,
          reportFile: opts.report ?? `${file}.rejected.csv`,
          stateFile: `${file}.import-state.json`,
          onProgress: ({ bytes, totalBytes, rows }) => {
            const rate = Math.round(rows / Math.max(0.001, (Date.now() - started) / 1000));
            if (bar) bar.update(Math.floor((100 * bytes) / Math.max(1, totalBytes)), { rows, rate });
            else write(`${rows} rows sent (${rate} rows/s)`);
          },
        });
        bar?.update(100);
        bar?.stop();
        write(
          `imported ${file}: ${summary.accepted} accepted, ${summary.duplicates} duplicates, ${summary.rejected} rejected, ${summary.unreadable} unreadable lines` +
            `${summary.skippedBatches ? ` (resumed after ${summary.skippedBatches} batches)` : ''}; rejected rows in ${opts.report ?? `${file}.rejected.csv`}`,
        );
        if (summary.rejected + summary.unreadable > 0) process.exitCode = 3;
      },
    );

  return root;
}

export async function run(argv: string[]): Promise<number> {
  const p = program();
  try {
    await p.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    const code = (error as { code?: string; exitCode?: number }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return 0;
    if (typeof code === 'string' && code.startsWith('commander.')) return 2;
    throw error;
  }
}
