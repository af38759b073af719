// Test and benchmark helpers for the ECS stream consumer (stream-jobs/ingest.ts): bundle it the way the Dockerfile
// does (stream-jobs/bundle.ts) and run the bundle as a child process (so that tests can SIGKILL and SIGTERM it),
// read its JSON log lines, call its health endpoint, produce generator records to the test broker at their
// generated coordinates, and wait for the bronze checkpoints (the consumer's progress as the lake records it).
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { promises as fs, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { LocalCatalog } from '../../core/iceberg/catalog/local-catalog.js';
import { NoSuchTableError } from '../../core/iceberg/catalog/errors.js';
import { createKafka, produceRecords, type KafkaRecord } from '../../core/kafka/index.js';
import type { GeneratedRecord } from '../../core/generator/record.js';
import { committedState } from '../../core/pipeline/index.js';
import type { PipelineRecord } from '../../core/pipeline/index.js';
import { bundleStreamJobs } from '../../stream-jobs/bundle.js';

export const TEST_SALT = 'stream-test-salt-0123456789abcdef';

const bundled = new Map<boolean, Promise<string>>();
const bundleDirs: string[] = [];

/**
 * The ingest bundle (built once per process into a temp dir, like the image's dist/ingest.mjs); `minify: false`
 * for CPU profiles with readable function names.
 */
export function ingestBundle(options: { minify?: boolean } = {}): Promise<string> {
  const minify = options.minify ?? true;
  let b = bundled.get(minify);
  if (!b) {
    b = (async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shoplake-stream-bundle-'));
      bundleDirs.push(dir);
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      return (await bundleStreamJobs(dir, ['ingest'], { minify })).ingest;
    })();
    bundled.set(minify, b);
  }
  return b;
}

/** Removes the bundles this process built (call from afterAll: test workers may not run exit hooks). */
export async function removeBundles(): Promise<void> {
  bundled.clear();
  await Promise.all(bundleDirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
}

export interface ConsumerEnvOptions {
  brokers: string;
  warehouse: string;
  groupId: string;
  topics?: string[];
  targetBatchBytes?: number;
  commitIntervalSeconds?: number;
  maxBufferedBytes?: number;
  stopTimeoutSeconds?: number;
  extra?: Record<string, string>;
}

/** The environment of a consumer in tests: loopback health port, the short group timings the mock needs. */
export function consumerEnv(o: ConsumerEnvOptions): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    SHOPLAKE_WAREHOUSE: o.warehouse,
    SHOPLAKE_CATALOG: 'local',
    SHOPLAKE_PII_SALT: TEST_SALT,
    SHOPLAKE_KAFKA_BROKERS: o.brokers,
    SHOPLAKE_KAFKA_AUTH: 'none',
    SHOPLAKE_KAFKA_GROUP_ID: o.groupId,
    ...(o.topics ? { SHOPLAKE_KAFKA_TOPICS: o.topics.join(',') } : {}),
    SHOPLAKE_KAFKA_SESSION_TIMEOUT_MS: '6000',
    SHOPLAKE_KAFKA_HEARTBEAT_INTERVAL_MS: '500',
    SHOPLAKE_KAFKA_MAX_WAIT_MS: '100',
    SHOPLAKE_TARGET_BATCH_BYTES: String(o.targetBatchBytes ?? 64 * 1024 * 1024),
    SHOPLAKE_MAX_BUFFERED_BYTES: String(o.maxBufferedBytes ?? Math.max(96 * 1024 * 1024, o.targetBatchBytes ?? 0)),
    SHOPLAKE_COMMIT_INTERVAL_SECONDS: String(o.commitIntervalSeconds ?? 60),
    SHOPLAKE_STOP_TIMEOUT_SECONDS: String(o.stopTimeoutSeconds ?? 30),
    SHOPLAKE_HEALTH_PORT: '0',
    SHOPLAKE_HEALTH_HOST: '127.0.0.1',
    POWERTOOLS_SERVICE_NAME: 'shoplake-test',
    ...o.extra,
  };
}

/** A JSON log line of the consumer (Powertools Logger), or an EMF document (has `_aws`). */
export type LogLine = Record<string, unknown> & { message?: string; level?: string };

export interface ConsumerProcess {
  readonly pid: number;
  /** Every JSON line of stdout and stderr, in arrival order. */
  readonly lines: LogLine[];
  /** Non-JSON output (should stay empty). */
  readonly other: string[];
  /** Resolves with the first line (already seen or future) matching `match`. */
  waitFor(match: (l: LogLine) => boolean, timeoutMs?: number, what?: string): Promise<LogLine>;
  /** Health endpoint URL (once the consumer logged it). */
  healthUrl(): Promise<string>;
  kill(signal: NodeJS.Signals): void;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The log as text, for assertion messages. */
  dump(): string;
}

const running = new Set<ChildProcessByStdio<null, Readable, Readable>>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

export async function startConsumer(
  env: Record<string, string>,
  name = 'consumer',
  options: {
    nodeArgs?: string[];
    minify?: boolean;
    node?: string;
    /** Run this bundle (a path relative to `cwd`, as the image's `node dist/ingest.mjs`) instead of building one. */
    bundle?: string;
    cwd?: string;
    /** Run as this user and group (the image's 1000:1000; needs root). */
    uid?: number;
    gid?: number;
  } = {},
): Promise<ConsumerProcess> {
  const bundle = options.bundle ?? (await ingestBundle({ minify: options.minify }));
  const args = [...(options.nodeArgs ?? []), '--enable-source-maps', bundle];
  const child = spawn(options.node ?? process.execPath, args, {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.uid !== undefined ? { uid: options.uid } : {}),
    ...(options.gid !== undefined ? { gid: options.gid } : {}),
  });
  running.add(child);
  const lines: LogLine[] = [];
  const other: string[] = [];
  const waiters = new Set<{ match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }>();
  const onLine = (text: string): void => {
    if (text.trim() === '') return;
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      other.push(text);
      return;
    }
    lines.push(line);
    for (const w of waiters) {
      if (w.match(line)) {
        waiters.delete(w);
        w.resolve(line);
      }
    }
  };
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        onLine(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    });
    stream.on('end', () => onLine(buf));
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  const dump = (): string =>
    [...lines.filter((l) => l._aws === undefined).map((l) => JSON.stringify(l)), ...other]
      .map((l) => `[${name}] ${l.slice(0, 600)}`)
      .join('\n');
  const waitFor = (match: (l: LogLine) => boolean, timeoutMs = 60_000, what = 'a matching log line') => {
    const seen = lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise<LogLine>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(w);
        reject(new Error(`${name}: no ${what} within ${timeoutMs} ms. Log:\n${dump().slice(-6000)}`));
      }, timeoutMs);
      const w = {
        match,
        resolve: (l: LogLine) => {
          clearTimeout(timer);
          resolve(l);
        },
      };
      waiters.add(w);
      void exited.then(({ code, signal }) => {
        // A line may still arrive with the end of the pipes: give it a moment.
        setTimeout(() => {
          if (!waiters.has(w)) return;
          waiters.delete(w);
          clearTimeout(timer);
          const late = lines.find(match);
          if (late) resolve(late);
          else reject(new Error(`${name} exited (${signal ?? code}) before ${what}. Log:\n${dump().slice(-6000)}`));
        }, 200);
      });
    });
  };
  return {
    pid: child.pid!,
    lines,
    other,
    waitFor,
    healthUrl: async () =>
      String((await waitFor((l) => l.message === 'health endpoint listening', 60_000, 'health endpoint')).url),
    kill: (signal) => child.kill(signal),
    exited,
    dump,
  };
}

export const isMessage =
  (message: string | RegExp) =>
  (l: LogLine): boolean =>
    typeof l.message === 'string' && (typeof message === 'string' ? l.message === message : message.test(l.message));

/** The `batch committed` log lines of a consumer. */
export function commits(c: ConsumerProcess): LogLine[] {
  return c.lines.filter(isMessage('batch committed'));
}

/** A record as a test produces it, with the offset it gets in an initially empty topic-partition. */
export interface TestRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: number;
}

/**
 * Records in production order, each with the offset it will get: per partition, counting on from the records
 * before (the topics are empty at the start of a test).
 */
export function withOffsets(records: Omit<TestRecord, 'offset'>[]): TestRecord[] {
  const next = new Map<string, number>();
  return records.map((r) => {
    const k = `${r.topic}/${r.partition}`;
    const offset = next.get(k) ?? 0;
    next.set(k, offset + 1);
    return { ...r, offset };
  });
}

export function fromGenerated(g: GeneratedRecord): Omit<TestRecord, 'offset'> {
  return {
    topic: g.topic,
    partition: g.partition,
    key: g.key,
    value: g.value,
    headers: { ...g.headers },
    timestamp: g.timestamp,
  };
}

/** The records as the pipeline receives them (for an in-process reference run). */
export function toPipelineRecords(records: TestRecord[]): PipelineRecord[] {
  return records.map((r) => ({
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    timestampType: 'CREATE_TIME',
    key: r.key === null ? null : Buffer.from(r.key, 'utf8'),
    value: r.value,
    headers: Object.entries(r.headers).map(([key, value]) => ({ key, value: Buffer.from(value, 'utf8') })),
  }));
}

/** Produces the records, in order, to their partitions (acks=all). */
export async function produceAll(
  brokers: string,
  records: TestRecord[],
  options: { maxBatchBytes?: number } = {},
): Promise<void> {
  const kafka = createKafka({ brokers, clientId: 'stream-test-producer', auth: 'none', logLevel: 'warn' });
  const toKafka = (r: TestRecord): KafkaRecord => ({
    topic: r.topic,
    partition: r.partition,
    ...(r.key === null ? {} : { key: r.key }),
    value: r.value,
    headers: r.headers,
    timestamp: r.timestamp,
  });
  await produceRecords(kafka, records.map(toKafka), options);
}

/** Per topic, per partition: the last offset of the records (what the bronze checkpoint must reach). */
export function lastOffsets(
  records: { topic: string; partition: number; offset: number }[],
): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  for (const r of records) {
    const m = out.get(r.topic) ?? out.set(r.topic, new Map()).get(r.topic)!;
    m.set(r.partition, Math.max(m.get(r.partition) ?? -1, r.offset));
  }
  return out;
}

/** The bronze checkpoint of each topic, read without creating anything. */
export async function bronzeCheckpoints(
  warehouse: string,
  topics: string[],
): Promise<Map<string, Map<number, number>>> {
  const catalog = new LocalCatalog(warehouse);
  const out = new Map<string, Map<number, number>>();
  for (const topic of topics) {
    try {
      const t = await catalog.loadTable({ namespace: 'bronze', name: topic });
      out.set(topic, committedState(t.metadata).offsets.get(topic) ?? new Map());
    } catch (e) {
      if (!(e instanceof NoSuchTableError)) throw e;
      out.set(topic, new Map());
    }
  }
  return out;
}

/** Whether every partition's checkpoint reached its target offset. */
export function reached(cp: Map<string, Map<number, number>>, target: Map<string, Map<number, number>>): boolean {
  for (const [topic, parts] of target) {
    for (const [p, o] of parts) if ((cp.get(topic)?.get(p) ?? -1) < o) return false;
  }
  return true;
}

/** Polls the bronze checkpoints until they reach `target` (every record landed and committed). */
export async function waitForCheckpoints(
  warehouse: string,
  target: Map<string, Map<number, number>>,
  timeoutMs: number,
  onTimeout: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const cp = await bronzeCheckpoints(warehouse, [...target.keys()]);
    if (reached(cp, target)) return;
    if (Date.now() > deadline) {
      const show = (m: Map<string, Map<number, number>>) =>
        JSON.stringify(Object.fromEntries([...m].map(([t, ps]) => [t, Object.fromEntries(ps)])));
      throw new Error(`checkpoints did not reach ${show(target)} within ${timeoutMs} ms: ${show(cp)}\n${onTimeout()}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** GET the health endpoint: status and parsed body. */
export async function health(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(url);
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}
