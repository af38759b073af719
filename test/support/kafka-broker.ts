// A real Kafka wire-protocol broker on 127.0.0.1 for tests and benchmarks: librdkafka's mock cluster, started by the
// small C launcher next to this file (kafka-broker.c). The launcher is compiled on first use with `cc ... -lrdkafka`
// into a cache directory outside the repo (os.tmpdir()/shoplake-kafka-broker-<hash of the source>) and reused while
// the source is unchanged. Needs the apt packages librdkafka-dev, gcc and libc6-dev (see .ci/run).
//
// Limits of the mock (librdkafka 2.0.2, measured; see core/kafka/README.md "The test broker"):
// no CreateTopics (topics come from `topics` below; unknown topics are auto-created with 4 partitions on a metadata
// request), no SASL or TLS, <= 5 MiB retained per partition (older batches evicted silently), ApiVersions <= v2 and
// Metadata <= v2, 3 s for the first join of a group, and session timeout - 1 s for any later rebalance (a rejoin
// after all members left included): use sessionTimeout 6000, heartbeatInterval 500, maxWaitTimeInMs 100 in tests.
import { spawn, execFile, type ChildProcessByStdio } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'kafka-broker.c');
const CFLAGS = ['-O2', '-Wall', '-Wextra'];
const APT_HINT = 'install it with `apt-get install -y librdkafka-dev gcc libc6-dev` (as .ci/run does)';

export interface KafkaBrokerOptions {
  /** Number of brokers (1..16); default 1. Partition leaders are spread over them. */
  brokers?: number;
  /** Topics to create, name -> partition count. The mock has no CreateTopics API. */
  topics?: Record<string, number>;
  /** Pass librdkafka's mock debug log through to this process's stderr. */
  debug?: boolean;
  /** How long to wait for the bootstrap line; default 15 s. */
  startTimeoutMs?: number;
}

export interface KafkaBroker {
  /** Comma-separated bootstrap list, e.g. "127.0.0.1:40123,127.0.0.1:40125". */
  readonly bootstrap: string;
  /** The same list as an array, as kafkajs takes it. */
  readonly brokers: string[];
  readonly pid: number;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. Safe to call twice. */
  stop(): Promise<void>;
}

export interface BuildOptions {
  /** C compiler; default $CC, then `cc`. */
  cc?: string;
  /** Parent of the cache directory; default os.tmpdir(). */
  cacheRoot?: string;
}

/** Compiles the launcher if no fresh binary is cached; returns the binary's path. */
export async function buildKafkaBroker(options: BuildOptions = {}): Promise<string> {
  return buildRdkafkaProgram(SOURCE, 'kafka-broker', options);
}

/**
 * Compiles a C program that links librdkafka (`cc -O2 ... -lrdkafka`), as the launcher is, into
 * os.tmpdir()/shoplake-<name>-<hash of the source>/<name>; reused while the source is unchanged. Other tests use it
 * for small librdkafka clients (e.g. test/core/kafka/fixtures/rdkafka-client.c).
 */
export async function buildRdkafkaProgram(source: string, name: string, options: BuildOptions = {}): Promise<string> {
  const cc = options.cc ?? process.env.CC ?? 'cc';
  const label = name === 'kafka-broker' ? 'kafka test broker' : `test program ${name}`;
  const text = readFileSync(source);
  const hash = createHash('sha256').update(text).update(CFLAGS.join(' ')).digest('hex').slice(0, 16);
  const dir = join(options.cacheRoot ?? tmpdir(), `shoplake-${name}-${hash}`);
  const bin = join(dir, name);
  if (existsSync(bin)) return bin;
  await mkdir(dir, { recursive: true });
  // Compile to a private name and rename: concurrent test workers may build at the same time.
  const partial = `${bin}.${process.pid}.${Date.now()}`;
  try {
    await promisify(execFile)(cc, [...CFLAGS, '-o', partial, source, '-lrdkafka'], { timeout: 60_000 });
    await rename(partial, bin);
  } catch (err) {
    await rm(partial, { force: true });
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error(`${label}: no C compiler (${cc}) on PATH; ${APT_HINT}`);
    const stderr = e.stderr ?? '';
    if (/rdkafka(_mock)?\.h|lrdkafka/.test(stderr)) {
      throw new Error(`${label}: librdkafka-dev is missing; ${APT_HINT}.\n${stderr.trim()}`);
    }
    throw new Error(`${label}: compiling ${source} with ${cc} failed:\n${stderr.trim() || e.message}`);
  }
  return bin;
}

const running = new Set<ChildProcessByStdio<Writable, Readable, Readable>>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort when a test file forgets stop() or the worker is torn down: the launcher also exits when its stdin
  // closes or its parent dies, so no broker outlives this process.
  process.once('exit', () => {
    for (const child of running) child.kill('SIGTERM');
  });
}

/** Starts a mock cluster and resolves once it prints its bootstrap list. */
export async function startKafkaBroker(options: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  const bin = await buildKafkaBroker();
  const args = ['--brokers', String(options.brokers ?? 1)];
  for (const [name, partitions] of Object.entries(options.topics ?? {})) args.push('--topic', `${name}:${partitions}`);
  if (options.debug) args.push('--debug');

  const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  installExitHook();
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    if (options.debug) process.stderr.write(chunk);
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));

  const bootstrap = await new Promise<string>((resolve, reject) => {
    const timeoutMs = options.startTimeoutMs ?? 15_000;
    let out = '';
    const settle = (): void => {
      clearTimeout(timer);
      child.stdout.removeListener('data', onData);
      child.removeListener('error', onError);
      child.removeListener('exit', onExit);
      child.stdout.resume(); // keep draining: nothing else is printed, but never let a full pipe block the launcher
    };
    const fail = (why: string): void => {
      settle();
      child.kill('SIGKILL');
      reject(new Error(`kafka test broker (${bin} ${args.join(' ')}) ${why}${stderr ? `:\n${stderr.trim()}` : ''}`));
    };
    const onData = (chunk: string): void => {
      out += chunk;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      settle();
      resolve(out.slice(0, nl).trim());
    };
    const onError = (err: Error): void => fail(`could not start: ${err.message}`);
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      fail(`exited before it was ready (${signal ?? `code ${code}`})`);
    const timer = setTimeout(() => fail(`printed no bootstrap list within ${timeoutMs} ms`), timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', onData);
    child.once('error', onError);
    child.once('exit', onExit);
  });
  if (!/^127\.0\.0\.1:\d+(,127\.0\.0\.1:\d+)*$/.test(bootstrap)) {
    child.kill('SIGKILL');
    throw new Error(`kafka test broker printed an unexpected bootstrap list (not loopback): ${bootstrap}`);
  }

  let stopping: Promise<void> | undefined;
  return {
    bootstrap,
    brokers: bootstrap.split(','),
    pid: child.pid!,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(killer);
      })();
      return stopping;
    },
  };
}

/**
 * Starts a broker in beforeAll and stops it in afterAll of the calling test file (or describe block). The returned
 * object's fields are readable from beforeAll hooks and tests registered after this call.
 */
export function useKafkaBroker(options: KafkaBrokerOptions = {}): KafkaBroker {
  let broker: KafkaBroker | undefined;
  const get = (): KafkaBroker => {
    if (!broker) throw new Error('kafka test broker not started yet: read it inside a hook or test');
    return broker;
  };
  beforeAll(async () => {
    broker = await startKafkaBroker(options);
  });
  afterAll(async () => {
    await broker?.stop();
  });
  return {
    get bootstrap() {
      return get().bootstrap;
    },
    get brokers() {
      return get().brokers;
    },
    get pid() {
      return get().pid;
    },
    stop: () => get().stop(),
  };
}
