// `shoplake generate`: synthetic multi-shop traffic (core/generator) as NDJSON, as MSK event batches, or produced
// to Kafka. Thin: parses options, picks the sink, shows progress and prints the summary to stderr.
import { open, writeFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { Command, InvalidArgumentError, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { generateEvents } from '../../core/generator/generate-events.js';
import { writeNdjson } from '../../core/generator/write-ndjson.js';
import { toMskBatches } from '../../core/generator/to-msk-batches.js';
import { produceGenerated } from '../../core/generator/produce-kafka.js';
import { formatSummary } from '../../core/generator/summary.js';
import { BAD_KINDS, TEST_KIND_HEADER } from '../../core/generator/record.js';
import { DEFAULT_OPTIONS } from '../../core/generator/options.js';
import type { BadKind } from '../../core/generator/record.js';
import type { GenerateOptionsInput } from '../../core/generator/options.js';

interface CliOptions {
  seed: number;
  events: number;
  start: string;
  days: number;
  shops: number;
  partitions: number;
  late: number;
  duplicates: number;
  bad: number;
  badKinds?: Partial<Record<BadKind, number>>;
  format: 'ndjson' | 'msk';
  batchSize: number;
  out?: string;
  brokers?: string;
  auth: 'none' | 'msk-iam';
  region?: string;
  statsFile?: string;
  progress?: boolean;
  quiet?: boolean;
}

const integer = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`${name} must be an integer, got "${v}"`);
  return n;
};
const number = (name: string) => (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number, got "${v}"`);
  return n;
};

/** "not_json,oversized" (equal weights, others off) or "not_json=2,oversized=0.1" (given weights, others off). */
export function parseBadKinds(v: string): Partial<Record<BadKind, number>> {
  const out: Partial<Record<BadKind, number>> = Object.fromEntries(BAD_KINDS.map((k) => [k, 0]));
  for (const part of v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [kind, weight] = part.split('=');
    if (!(BAD_KINDS as readonly string[]).includes(kind!)) {
      throw new InvalidArgumentError(`unknown bad kind "${kind}" (known: ${BAD_KINDS.join(', ')})`);
    }
    const w = weight === undefined ? 1 : Number(weight);
    if (!Number.isFinite(w) || w < 0)
      throw new InvalidArgumentError(`bad kind weight must be a number >= 0, got "${weight}"`);
    out[kind as BadKind] = w;
  }
  return out;
}

export function generateCommand(): Command {
  const d = DEFAULT_OPTIONS;
  return new Command('generate')
    .description(
      'Generate realistic multi-shop e-commerce events (deterministic per --seed): storefront sessions through the ' +
        'funnel, customers, orders and their follow-ups, catalog and inventory changes, plus late, duplicate and bad ' +
        `records. Each record carries a "${TEST_KIND_HEADER}" header (good, late, duplicate or the bad kind).`,
    )
    .option('--seed <n>', 'PRNG seed: the same seed and options give byte-identical output', integer('--seed'), d.seed)
    .option('--events <n>', 'exact number of records to emit', integer('--events'), d.events)
    .option('--start <iso>', 'start of the simulated range (UTC)', d.start.toISOString())
    .option('--days <n>', 'length of the simulated range in days', number('--days'), d.days)
    .option('--shops <n>', 'number of shops (Zipf-distributed sizes)', integer('--shops'), d.shops)
    .option(
      '--partitions <n>',
      'partitions per topic (records keyed by shop_id, murmur2 like Kafka)',
      integer('--partitions'),
      d.partitions,
    )
    .option(
      '--late <share>',
      'share of records delivered late (event_time minutes to days behind)',
      number('--late'),
      d.lateShare,
    )
    .option(
      '--duplicates <share>',
      'share of records resent (same event_id, identical bytes)',
      number('--duplicates'),
      d.duplicateShare,
    )
    .option('--bad <share>', 'share of bad records', number('--bad'), d.badShare)
    .option(
      '--bad-kinds <list>',
      `bad kinds and weights, e.g. "not_json,wrong_type" or "oversized=0.1,not_json=1" (kinds: ${BAD_KINDS.join(', ')})`,
      parseBadKinds,
    )
    .addOption(
      new Option('--format <format>', 'output format for a file or stdout')
        .choices(['ndjson', 'msk'])
        .default('ndjson'),
    )
    .option('--batch-size <n>', 'records per MSK event (with --format msk)', integer('--batch-size'), 100)
    .option('--out <file>', 'write to this file instead of stdout')
    .option(
      '--brokers <list>',
      'produce to Kafka (host:port,...) instead of writing; oversized records are off unless --bad-kinds names them',
    )
    .addOption(new Option('--auth <auth>', 'Kafka authentication').choices(['none', 'msk-iam']).default('none'))
    .option('--region <region>', 'AWS region for MSK IAM (default AWS_REGION)')
    .option('--stats-file <file>', 'also write the run statistics as JSON to this file')
    .option('--progress', 'show a progress bar on stderr (default: when stderr is a terminal)')
    .option('--no-progress', 'never show a progress bar')
    .option('--quiet', 'do not print the summary to stderr')
    .action(async (o: CliOptions) => {
      const input: GenerateOptionsInput = {
        seed: o.seed,
        events: o.events,
        start: o.start,
        days: o.days,
        shops: o.shops,
        partitions: o.partitions,
        lateShare: o.late,
        duplicateShare: o.duplicates,
        badShare: o.bad,
        ...(o.badKinds ? { badKinds: o.badKinds } : o.brokers ? { badKinds: { oversized: 0 } } : {}),
      };
      const stream = generateEvents(input);
      const showProgress = o.progress ?? process.stderr.isTTY === true;
      const bar = showProgress
        ? new SingleBar({
            stream: process.stderr,
            format: 'generate [{bar}] {percentage}% | {value}/{total} records | {eta_formatted} left',
            etaBuffer: 50,
          })
        : undefined;
      bar?.start(stream.options.events, 0);
      const progress = (n: number): void => bar?.update(n);
      try {
        if (o.brokers) {
          const summary = await produceGenerated(stream, {
            brokers: o.brokers,
            auth: o.auth,
            onProgress: progress,
            ...(o.region ? { region: o.region } : {}),
          });
          bar?.stop();
          if (!o.quiet)
            process.stderr.write(`produced ${summary.records} records in ${summary.batches} batches to ${o.brokers}\n`);
        } else {
          // Opened up front so that a bad path is one clear error, not an unhandled stream 'error' event.
          const out: Writable = o.out ? (await openOutput(o.out)).createWriteStream() : process.stdout;
          // A closed pipe (`| head`) ends the run quietly, as Unix tools do.
          if (!o.out)
            process.stdout.on('error', (err: NodeJS.ErrnoException) =>
              err.code === 'EPIPE' ? process.exit(0) : undefined,
            );
          if (o.format === 'msk')
            await writeLines(toMskBatches(stream, { batchSize: o.batchSize }), out, () =>
              progress(stream.stats.records),
            );
          else await writeNdjson(stream, out, { onProgress: progress });
          if (o.out)
            await new Promise<void>((resolve, reject) =>
              out.end((err?: Error | null) => (err ? reject(err) : resolve())),
            );
          bar?.stop();
        }
      } finally {
        bar?.stop();
      }
      if (o.statsFile) await writeFile(o.statsFile, JSON.stringify(stream.stats, null, 2) + '\n');
      if (!o.quiet) process.stderr.write(formatSummary(stream.stats) + '\n');
    });
}

/** Opens the --out file for writing, or fails with the path and the cause. */
async function openOutput(path: string): Promise<Awaited<ReturnType<typeof open>>> {
  try {
    return await open(path, 'w');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new Error(`cannot write --out ${path}: ${err.message}`, { cause: e });
  }
}

/** One JSON document per line, with backpressure; a write error (disk full, closed pipe) rejects. */
async function writeLines(items: Iterable<unknown>, out: Writable, onLine: () => void): Promise<void> {
  let failed: Error | undefined;
  const onError = (e: Error): void => {
    failed = e;
  };
  out.on('error', onError);
  try {
    for (const item of items) {
      if (failed) break;
      if (!out.write(JSON.stringify(item) + '\n')) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            out.off('drain', done);
            out.off('error', done);
            resolve();
          };
          out.once('drain', done);
          out.once('error', done);
        });
      }
      onLine();
    }
  } finally {
    out.off('error', onError);
  }
  if (failed) throw new Error(`writing the output failed: ${failed.message}`, { cause: failed });
}
