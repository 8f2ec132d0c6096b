import { Command, InvalidArgumentError } from 'commander';
import { tailEvents } from './commands/events-tail.command';
import { replayDlq } from './commands/replay-dlq.command';

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
