// The test broker itself (test/support/kafka-broker.{c,ts}): a real Kafka-protocol cluster on loopback, its
// life cycle, and the limits of librdkafka's mock that core/kafka/README.md documents.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKafkaBroker, startKafkaBroker, useKafkaBroker } from '../../support/kafka-broker.js';

const broker = useKafkaBroker({ brokers: 3, topics: { orders: 6, behaviour: 6, small: 1 } });
let kafka: Kafka;
beforeAll(() => {
  kafka = new Kafka({ brokers: broker.brokers, clientId: 'test-broker', logLevel: logLevel.NOTHING });
});

/** Local addresses of the TCP sockets process `pid` listens on, from /proc (hex "0100007F:1F90" -> 127.0.0.1). */
async function listeningAddresses(pid: number): Promise<string[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const m = /^socket:\[(\d+)\]$/.exec(link);
    if (m) inodes.add(m[1]!);
  }
  const out: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const rows = (await readFile(file, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const row of rows) {
      const cols = row.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== '0A' || !inodes.has(cols[9]!)) continue; // 0A = LISTEN
      const [hexIp, hexPort] = cols[1]!.split(':') as [string, string];
      const ip =
        hexIp.length === 8
          ? [3, 2, 1, 0].map((i) => parseInt(hexIp.slice(i * 2, i * 2 + 2), 16)).join('.')
          : `ipv6:${hexIp}`;
      out.push(`${ip}:${parseInt(hexPort, 16)}`);
    }
  }
  return out.sort();
}

describe('the mock cluster', () => {
  it('prints a loopback bootstrap list with one address per broker', () => {
    expect(broker.brokers).toHaveLength(3);
    for (const b of broker.brokers) expect(b).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('listens on 127.0.0.1 only', async () => {
    const listening = await listeningAddresses(broker.pid);
    expect(listening).toEqual([...broker.brokers].sort());
  });

  it('serves the topics it was given with their partition counts, leaders spread over the brokers', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
      expect(cluster.brokers.every((b) => b.host === '127.0.0.1')).toBe(true);
      const { topics } = await admin.fetchTopicMetadata({ topics: ['orders', 'behaviour', 'small'] });
      const partitions = Object.fromEntries(topics.map((t) => [t.name, t.partitions]));
      expect(partitions.orders!.map((p) => p.partitionId).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(partitions.behaviour).toHaveLength(6);
      expect(partitions.small).toHaveLength(1);
      for (const p of [...partitions.orders!, ...partitions.behaviour!]) {
        expect([1, 2, 3]).toContain(p.leader);
        expect(p.replicas).toHaveLength(3);
      }
    } finally {
      await admin.disconnect();
    }
  });
});

describe('documented limits of the mock', () => {
  it('has no CreateTopics: admin.createTopics fails and the topic does not appear', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await expect(admin.createTopics({ topics: [{ topic: 'created-by-admin', numPartitions: 3 }] })).rejects.toThrow();
      const names = (await admin.fetchTopicMetadata()).topics.map((t) => t.name);
      expect(names).not.toContain('created-by-admin');
    } finally {
      await admin.disconnect();
    }
  });

  it('auto-creates an unknown topic with 4 partitions on a metadata request', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: ['never-declared'] });
      expect(topics[0]!.partitions).toHaveLength(4);
    } finally {
      await admin.disconnect();
    }
  });

  it('keeps at most 5 MiB per partition: older batches are evicted without any error to the producer', async () => {
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const value = Buffer.alloc(1024, 0x61);
    try {
      // 7 batches of 1024 records of 1 KiB: ~7.3 MB into one partition, every send acknowledged.
      for (let i = 0; i < 7; i++) {
        const [ack] = await producer.send({
          topic: 'small',
          acks: -1,
          messages: Array.from({ length: 1024 }, () => ({ value })),
        });
        expect(ack!.errorCode).toBe(0);
      }
    } finally {
      await producer.disconnect();
    }
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [p] = await admin.fetchTopicOffsets('small');
      expect(Number(p!.high)).toBe(7 * 1024);
      const retained = Number(p!.high) - Number(p!.low);
      expect(Number(p!.low)).toBeGreaterThan(0); // the oldest records are gone
      expect(retained * 1024).toBeLessThanOrEqual(5 * 1024 * 1024);
      expect(retained * 1024).toBeGreaterThan(3 * 1024 * 1024);
    } finally {
      await admin.disconnect();
    }
  });
});

describe('life cycle', () => {
  /** Gone, or a zombie nobody reaped yet (a container's PID 1 may never reap an orphan). */
  const exited = (pid: number): boolean => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
    } catch {
      return true;
    }
  };

  it('stop() ends the process, and a second stop() is harmless', async () => {
    const b = await startKafkaBroker({ topics: { t: 1 } });
    expect(exited(b.pid)).toBe(false);
    await b.stop();
    expect(exited(b.pid)).toBe(true);
    await b.stop();
  });

  it('the launcher exits by itself when its stdin closes (the parent went away)', async () => {
    const bin = await buildKafkaBroker();
    const child = spawn(bin, ['--topic', 'x:2'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const firstLine = await new Promise<string>((resolve) =>
      child.stdout.once('data', (d: Buffer) => resolve(String(d))),
    );
    expect(firstLine).toMatch(/^127\.0\.0\.1:\d+\n$/);
    const code = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    child.stdin.end();
    expect(await code).toBe(0);
  });

  it('the launcher exits by itself when its parent dies, even with stdin ignored', async () => {
    const bin = await buildKafkaBroker();
    // A shell parent that is killed with SIGKILL: nothing of it can clean up, only PR_SET_PDEATHSIG acts.
    const parent = spawn('sh', ['-c', `"${bin}" --ignore-stdin --topic x:1 & echo "pid $!"; wait`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    const pid = await new Promise<number>((resolve) =>
      parent.stdout.on('data', (d: Buffer) => {
        out += String(d);
        const m = /^pid (\d+)$/m.exec(out);
        if (m && /127\.0\.0\.1:\d+/.test(out)) resolve(Number(m[1]));
      }),
    );
    expect(exited(pid)).toBe(false);
    parent.kill('SIGKILL');
    for (let i = 0; i < 100 && !exited(pid); i++) await new Promise((r) => setTimeout(r, 50));
    expect(exited(pid)).toBe(true);
  });

  it('the launcher rejects bad arguments with a usage message and exit code 2', async () => {
    const bin = await buildKafkaBroker();
    for (const args of [['--topic', 'orders'], ['--brokers', '0'], ['--topic', 'x:0'], ['--bogus']]) {
      const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      expect(code).toBe(2);
      expect(stderr).toMatch(/^kafka-broker: .+\nusage: kafka-broker/);
    }
  });
});

describe('building the launcher', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shoplake-kafka-build-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reuses the cached binary while the source is unchanged', async () => {
    expect(await buildKafkaBroker()).toBe(await buildKafkaBroker({ cc: '/nonexistent/cc' }));
  });

  it('names the missing apt package when librdkafka-dev is absent', async () => {
    // A compiler that fails the way gcc does without the headers.
    const cc = join(dir, 'cc-without-librdkafka');
    await writeFile(
      cc,
      '#!/bin/sh\necho "kafka-broker.c:27:10: fatal error: librdkafka/rdkafka.h: No such file or directory" >&2\nexit 1\n',
    );
    await chmod(cc, 0o755);
    await expect(buildKafkaBroker({ cc, cacheRoot: dir })).rejects.toThrow(
      /librdkafka-dev is missing; install it with `apt-get install -y librdkafka-dev gcc libc6-dev`/,
    );
    // Neither a binary nor a partial output is left in the cache.
    const [cacheDir] = (await readdir(dir)).filter((f) => f.startsWith('shoplake-kafka-broker-'));
    expect(await readdir(join(dir, cacheDir!))).toEqual([]);
  });

  it('says so when there is no C compiler', async () => {
    await expect(buildKafkaBroker({ cc: join(dir, 'no-such-cc'), cacheRoot: dir })).rejects.toThrow(
      /no C compiler .* on PATH/,
    );
  });
});
