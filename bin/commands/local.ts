// `shoplake local run` (what `npm start` runs): the whole lakehouse on this machine. Thin over
// core/local/run-local.ts: parses options, shows a progress bar on stderr, prints the summary, and exits non-zero
// when the counts do not reconcile.
import { Command, InvalidArgumentError } from 'commander';
import { SingleBar } from 'cli-progress';
import { DEFAULT_BATCH_SIZE, DEFAULT_EVENTS, DEFAULT_WAREHOUSE, runLocal } from '../../core/local/run-local.js';
import type { LocalRunOptions, LocalRunProgress } from '../../core/local/run-local.js';
import { formatRunSummary } from '../../core/local/format-run-summary.js';

interface RunFlags {
  events: number;
  seed?: number;
  warehouse: string;
  batchSize: number;
  reset?: boolean;
  days?: number;
  shops?: number;
  late?: number;
  duplicates?: number;
  bad?: number;
  dedupMaxIds?: number;
  json?: boolean;
  progress?: boolean;
}

const integer =
  (name: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be an integer in [${min}, ${max}], got "${v}"`);
    }
    return n;
  };
const share =
  (name: string) =>
  (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n >= 1)
      throw new InvalidArgumentError(`${name} must be a number in [0, 1), got "${v}"`);
    return n;
  };
const positiveNumber =
  (name: string) =>
  (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n <= 0)
      throw new InvalidArgumentError(`${name} must be a number > 0, got "${v}"`);
    return n;
  };

export function localCommand(): Command {
  const run = new Command('run')
    .description(
      'Generate shop events (with late, duplicate and bad ones) and push them, in MSK events as the Lambda gets ' +
        'them, through the ingest core into bronze, silver and ops.quarantine tables of a local warehouse; print ' +
        'per-table figures, the reconciliation (in = bronze = silver + quarantined + duplicate-skipped) and ' +
        'throughput. Exits 1 if the counts do not reconcile.',
    )
    .option('--events <n>', 'records to generate', integer('--events', 0), DEFAULT_EVENTS)
    .option(
      '--seed <n>',
      'generator seed (default: 42 on an empty warehouse, 42 + records already consumed on a re-run)',
      integer('--seed', 0, 0xffff_ffff),
    )
    .option('--warehouse <dir>', 'warehouse directory (Iceberg Hadoop layout; created if missing)', DEFAULT_WAREHOUSE)
    .option(
      '--batch-size <n>',
      'records per MSK event (the event source mapping BatchSize, 1..10000)',
      integer('--batch-size', 1, 10_000),
      DEFAULT_BATCH_SIZE,
    )
    .option(
      '--reset',
      'empty the warehouse first (refused if it holds anything but tables); without it a re-run appends',
    )
    .option('--days <n>', 'length of the simulated time range in days (default 1)', positiveNumber('--days'))
    .option('--shops <n>', 'number of shops (default 25)', integer('--shops', 1, 100_000))
    .option('--late <share>', 'share of records delivered late (default 0.02)', share('--late'))
    .option(
      '--duplicates <share>',
      'share of records resent with the same event_id (default 0.01)',
      share('--duplicates'),
    )
    .option('--bad <share>', 'share of bad records, quarantined with a reason (default 0.005)', share('--bad'))
    .option(
      '--dedup-max-ids <n>',
      "most event_ids one silver table's dedup index holds; past it the oldest days are deduplicated within " +
        'their batch only (default 8000000)',
      integer('--dedup-max-ids', 1),
    )
    .option('--json', 'print the summary as JSON on stdout')
    .option(
      '--progress',
      'show a progress bar on stderr (default: when stderr is a terminal; otherwise a line every 5 s)',
    )
    .option('--no-progress', 'no progress output at all')
    .addHelpText(
      'after',
      '\nA re-run on a warehouse with data continues the stream: each topic-partition gets new offsets after its ' +
        'committed checkpoint, the simulated clock starts after the newest event time, and (without --seed) the seed ' +
        'changes so the events are new. Use --reset to start over.',
    )
    .action(async (o: RunFlags) => {
      const bar = progressBar(o.progress);
      const options: LocalRunOptions = {
        warehouse: o.warehouse,
        events: o.events,
        batchSize: o.batchSize,
        ...(o.seed !== undefined ? { seed: o.seed } : {}),
        ...(o.reset ? { reset: true } : {}),
        ...(o.dedupMaxIds !== undefined ? { dedupMaxIds: o.dedupMaxIds } : {}),
        generator: {
          ...(o.days !== undefined ? { days: o.days } : {}),
          ...(o.shops !== undefined ? { shops: o.shops } : {}),
          ...(o.late !== undefined ? { lateShare: o.late } : {}),
          ...(o.duplicates !== undefined ? { duplicateShare: o.duplicates } : {}),
          ...(o.bad !== undefined ? { badShare: o.bad } : {}),
        },
        onProgress: bar?.update,
      };
      const onSigint = (): void => {
        bar?.stop();
        process.stderr.write(
          '\nshoplake local run: interrupted; committed batches stay, a re-run continues after them\n',
        );
        process.exit(130);
      };
      process.once('SIGINT', onSigint);
      bar?.start(o.events);
      let result;
      try {
        result = await runLocal(options);
      } finally {
        bar?.stop();
        process.off('SIGINT', onSigint);
      }
      if (o.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else process.stdout.write(`${formatRunSummary(result)}\n`);
      if (!result.reconciliation.ok) {
        process.stderr.write('shoplake local run: the counts do not reconcile (see FAILED lines above)\n');
        process.exitCode = 1;
      }
    });
  return new Command('local')
    .description('The local lakehouse: the same ingest core as the Lambda, on this machine (see docs/local.md).')
    .addCommand(run);
}

interface Progress {
  start(total: number): void;
  update(p: LocalRunProgress): void;
  stop(): void;
}

/** cli-progress on stderr; on a non-terminal (CI, a pipe) its plain-line mode every 5 s; nothing with --no-progress. */
function progressBar(flag: boolean | undefined): Progress | undefined {
  if (flag === false) return undefined;
  const tty = process.stderr.isTTY === true;
  const bar = new SingleBar({
    stream: process.stderr,
    format:
      'local run [{bar}] {percentage}% | {value}/{total} records | {rate} rec/s | quarantined {quarantined} | duplicates {duplicates} | {eta_formatted} left',
    etaBuffer: 5,
    hideCursor: tty,
    noTTYOutput: !tty,
    notTTYSchedule: 5000,
    ...(tty
      ? {}
      : {
          format:
            'local run {value}/{total} records ({percentage}%), {rate} rec/s, quarantined {quarantined}, duplicates {duplicates}',
        }),
  });
  let started = 0;
  let running = false;
  return {
    start(total) {
      started = performance.now();
      running = true;
      bar.start(total, 0, { rate: 0, quarantined: 0, duplicates: 0 });
    },
    update: (p) => {
      const secs = (performance.now() - started) / 1000;
      bar.update(p.records, {
        rate: Math.round(p.records / Math.max(secs, 0.001)),
        quarantined: p.quarantined,
        duplicates: p.duplicates,
      });
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}
