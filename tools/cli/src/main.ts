import { Command, InvalidArgumentError } from 'commander';
import { tailEvents } from './commands/events-tail.command';
import { replayDlq } from './commands/replay-dlq.command';
import { importOutcomesCsv } from './commands/import.command';
import { seedDemoWorld, SeedError } from './commands/seed.command';
import { defaultKeyFile, mintToken, TokenOptionError } from './commands/tokens.command';
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
    .option('--concurrency <n>', 'batches in flight at once (1–4)', positiveInt, 2)
    .option('--encoding <encoding>', 'utf8 or gb18030', 'utf8')
    .option('--no-resume', 'start from the first row even if an earlier run was interrupted')
    .option('--report <file>', 'where to write rejected rows (default: <file>.rejected.csv)')
    .action(
      async (
        file: string,
        opts: {
          url: string;
          token?: string;
          batchSize: number;
          concurrency: number;
          encoding: string;
          resume: boolean;
          report?: string;
        },
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
          concurrency: opts.concurrency,
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

  root
    .command('tokens')
    .description('mint a development token for a role, signed with the local development key (npm start creates it)')
    .requiredOption(
      '--role <role>',
      'LEARNER, INTAKE_OPERATOR, INSTITUTION_ADMIN, EXPERT, UNIVERSITY_PARTNER, CENTER_ADMIN, ANALYST or PLATFORM_ADMIN',
    )
    .option('--province <code>', 'two-digit province code', '33')
    .option('--node <id>', 'service node id (INTAKE_OPERATOR)')
    .option('--inst <code>', 'institution code (INSTITUTION_ADMIN, UNIVERSITY_PARTNER)')
    .option('--acct <accountNo>', 'account number (LEARNER)')
    .option('--sub <subject>', 'subject (default: derived from the role)')
    .option('--ttl <hours>', 'lifetime in hours (at most 168)', Number, 12)
    .option('--key-file <file>', 'PEM private key (default: $CREDITBANK_KEY_FILE or .local/keys/dev-1.pem)')
    .option('--kid <kid>', 'key id in the token header', 'dev-1')
    .option('--json', 'print { token, expiresAt } as JSON')
    .action(
      (opts: {
        role: string;
        province: string;
        node?: string;
        inst?: string;
        acct?: string;
        sub?: string;
        ttl: number;
        keyFile?: string;
        kid: string;
        json?: boolean;
      }) => {
        try {
          const { token, expiresAt } = mintToken({ ...opts, ttlHours: opts.ttl, issuer: 'creditbank', audience: 'creditbank-api' });
          write(opts.json ? JSON.stringify({ token, expiresAt: expiresAt.toISOString() }) : token);
        } catch (error) {
          if (error instanceof TokenOptionError) throw new InvalidArgumentError(error.message);
          throw error;
        }
      },
    );

  root
    .command('seed')
    .description('seed the demo world through the gateway (idempotent): institutions, learners, outcomes')
    .option('--url <url>', 'GraphQL endpoint', process.env['CREDITBANK_URL'] ?? 'http://localhost:4000/graphql')
    .option(
      '--scale <factor>',
      'size: 1 = 2,000 learners and 4,758 institutions (npm start); 0.1 for a quick world; 10 for a big one',
      Number,
      1,
    )
    .option('--concurrency <n>', 'parallel requests', positiveInt, 8)
    .option('--key-file <file>', 'PEM private key for the seeding tokens (default: .local/keys/dev-1.pem)')
    .option('--webhook-url <url>', 'subscribe the partner university’s webhooks to this URL (prints the secret)')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { url: string; scale: number; concurrency: number; keyFile?: string; webhookUrl?: string; json?: boolean }) => {
      if (!(opts.scale > 0 && opts.scale <= 50)) throw new InvalidArgumentError('scale must be greater than 0 and at most 50');
      const bars = new Map<string, SingleBar>();
      const tty = process.stderr.isTTY && !opts.json;
      try {
        const report = await seedDemoWorld({
          url: opts.url,
          scale: opts.scale,
          concurrency: opts.concurrency,
          kid: 'dev-1',
          keyFile: opts.keyFile ?? defaultKeyFile(),
          ...(opts.webhookUrl ? { webhookUrl: opts.webhookUrl } : {}),
          log: (line) => {
            for (const b of bars.values()) b.stop();
            bars.clear();
            if (opts.json)
              process.stderr.write(`${line}\n`); // stdout carries only the JSON report
            else write(line);
          },
          progress: (step, done, total) => {
            if (!tty) return;
            let bar = bars.get(step);
            if (!bar) {
              bar = new SingleBar(
                { format: ` ${step.padEnd(12)} {bar} {value}/{total} | ETA {eta_formatted}`, hideCursor: true },
                Presets.shades_classic,
              );
              bar.start(total, 0);
              bars.set(step, bar);
            }
            bar.update(done);
          },
        });
        write(opts.json ? JSON.stringify(report) : `demo world ready in ${report.seconds} s`);
      } catch (error) {
        if (error instanceof SeedError) {
          process.stderr.write(`creditbank seed: ${error.message}\n`);
          process.exitCode = 1;
          return;
        }
        throw error;
      }
    });

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
