// Compressed record batches, checked against an independent implementation: librdkafka (the C client, with its own
// snappy, lz4 and zstd) produces batches with each codec and core/kafka's kafkajs consumer must read every record's
// bytes back; then core/kafka's producer compresses with each codec and librdkafka must read them back (CRCs
// checked). Spies on kafkajs' codec table prove each batch really went through the codec under test.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs, { type KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, produceRecords, KafkaConfigError, type KafkaRecord } from '../../../core/kafka/index.js';
import {
  KAFKA_COMPRESSIONS,
  registerCompressionCodecs,
  zstdCodec,
  zstdImplementation,
  type KafkaCodec,
  type KafkaCompression,
} from '../../../core/kafka/compression.js';
import { buildRdkafkaProgram, useKafkaBroker } from '../../support/kafka-broker.js';
import { node22, REPO_ROOT } from '../../node22/node22.js';

const CLIENT_SOURCE = fileURLToPath(new URL('./fixtures/rdkafka-client.c', import.meta.url));
const CODECS = KAFKA_COMPRESSIONS;
const inTopic = (c: KafkaCompression): string => `in-${c}`;
const outTopic = (c: KafkaCompression): string => `out-${c}`;
const broker = useKafkaBroker({
  topics: Object.fromEntries(CODECS.flatMap((c) => [[inTopic(c), 1] as const, [outTopic(c), 1] as const])),
});

interface Rec {
  key: Buffer | null;
  value: Buffer | null;
  headers: [string, Buffer][];
}

/** A deterministic pseudo-random byte source (xorshift32), for incompressible values. */
function bytes(seed: number, n: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * ~1,400 records per codec, ~1.3 MB: compressible JSON events of growing size, binary values, tombstones, empty and
 * null keys and values, multi-byte UTF-8, and values of 100-300 KiB that span several LZ4 blocks. Each carries a
 * header naming its codec, so a spy can tell which codec decoded which batch.
 */
function records(codec: KafkaCompression): Rec[] {
  const out: Rec[] = [];
  for (let i = 0; i < 1400; i++) {
    let value: Buffer | null;
    if (i % 97 === 5) value = null;
    else if (i % 89 === 7) value = Buffer.alloc(0);
    else if (i % 13 === 0) value = bytes(i + 1, 1 + (i % 700));
    else if (i % 500 === 250) value = Buffer.from(`{"blob":"${'abcdefgh'.repeat(12_800 + i * 10)}"}`);
    else {
      const event = { shop_id: `shop-${i % 17}`, seq: i, name: `Ærøskøbing ☕ ${i}`, items: Array(i % 9).fill('sku') };
      value = Buffer.from(JSON.stringify(event));
    }
    const key = i % 11 === 3 ? null : i % 23 === 4 ? Buffer.alloc(0) : Buffer.from(`shop-${i % 17}`);
    out.push({
      key,
      value,
      headers: [
        ['codec', Buffer.from(`<<${codec}>>`)],
        ['i', Buffer.from(String(i))],
      ],
    });
  }
  return out;
}

/** One string per record (base64 fields), so that 1,400 comparisons are cheap and a difference is readable. */
const show = (recs: Rec[]): string[] =>
  recs.map((r) =>
    [r.key, r.value, ...r.headers.flatMap(([k, v]) => [Buffer.from(k), v])]
      .map((b) => (b === null ? 'null' : b.toString('base64')))
      .join(' '),
  );

function encodeStream(recs: Rec[]): Buffer {
  const parts: Buffer[] = [];
  const i32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return b;
  };
  const field = (b: Buffer | null): void => void parts.push(...(b === null ? [i32(-1)] : [i32(b.length), b]));
  for (const r of recs) {
    field(r.key);
    field(r.value);
    parts.push(i32(r.headers.length));
    for (const [name, v] of r.headers) {
      field(Buffer.from(name));
      field(v);
    }
  }
  return Buffer.concat(parts);
}

function decodeStream(buf: Buffer): Rec[] {
  const out: Rec[] = [];
  let at = 0;
  const i32 = (): number => {
    const n = buf.readInt32BE(at);
    at += 4;
    return n;
  };
  const field = (): Buffer | null => {
    const n = i32();
    if (n < 0) return null;
    at += n;
    return buf.subarray(at - n, at);
  };
  while (at < buf.length) {
    const key = field();
    const value = field();
    const headers: [string, Buffer][] = [];
    for (let n = i32(); n > 0; n--) headers.push([String(field()), field() ?? Buffer.alloc(0)]);
    out.push({ key, value, headers });
  }
  return out;
}

/** kafkajs gives an absent key or value as null and an empty one as an empty Buffer, like librdkafka. */
function fromKafkajs(m: KafkaMessage): Rec {
  const headers = Object.entries(m.headers ?? {}).flatMap(([k, v]) =>
    (Array.isArray(v) ? v : [v]).map((x) => [k, Buffer.from(x ?? '')] as [string, Buffer]),
  );
  return { key: m.key, value: m.value, headers };
}

function run(
  bin: string,
  args: string[],
  stdin?: Buffer,
): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
    child.stdin.end(stdin ?? Buffer.alloc(0));
  });
}

/** Counts what went through each kafkajs codec, and keeps the compressed payloads for the Node 22 cross-check. */
type Seen = { decoded: Buffer[]; encoded: number; payloads: Buffer[] };
const seen = new Map<number, Seen>();
const codecTable = kafkajs.CompressionCodecs as Record<number, () => KafkaCodec>;
const originals = new Map<number, () => KafkaCodec>();
const typeOf: Record<Exclude<KafkaCompression, 'none'>, number> = {
  gzip: kafkajs.CompressionTypes.GZIP,
  snappy: kafkajs.CompressionTypes.Snappy,
  lz4: kafkajs.CompressionTypes.LZ4,
  zstd: kafkajs.CompressionTypes.ZSTD,
};

let client: string;
let tmp: string;
beforeAll(async () => {
  client = await buildRdkafkaProgram(CLIENT_SOURCE, 'rdkafka-client');
  tmp = await mkdtemp(join(tmpdir(), 'kafka-codecs-'));
  registerCompressionCodecs();
  for (const type of Object.values(typeOf)) {
    const original = codecTable[type]!;
    originals.set(type, original);
    const s: Seen = { decoded: [], encoded: 0, payloads: [] };
    seen.set(type, s);
    codecTable[type] = () => {
      const codec = original();
      return {
        compress: async (encoder) => {
          s.encoded++;
          return codec.compress(encoder);
        },
        decompress: async (buffer) => {
          const out = await codec.decompress(buffer);
          s.decoded.push(out);
          s.payloads.push(Buffer.from(buffer));
          return out;
        },
      };
    };
  }
});
afterAll(async () => {
  for (const [type, original] of originals) codecTable[type] = original;
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('batches compressed by librdkafka, read by core/kafka (kafkajs)', () => {
  const got = new Map<string, KafkaMessage[]>();

  beforeAll(async () => {
    const produced = await Promise.all(
      CODECS.map((codec) =>
        run(client, ['produce', broker.bootstrap, inTopic(codec), '0', codec], encodeStream(records(codec))),
      ),
    );
    for (const r of produced) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.toString()).toBe('delivered 1400\n');
    }
    const kafka = createKafka({ brokers: broker.bootstrap, clientId: 'codec-test', auth: 'none', logLevel: 'warn' });
    const consumer = kafka.consumer({
      groupId: 'codec-test',
      sessionTimeout: 6000,
      heartbeatInterval: 500,
      maxWaitTimeInMs: 100,
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: CODECS.map(inTopic), fromBeginning: true });
      let crashed: unknown;
      consumer.on(consumer.events.CRASH, (e) => (crashed = e.payload.error));
      const total = (): number => [...got.values()].reduce((n, l) => n + l.length, 0);
      await consumer.run({
        eachMessage: async ({ topic, message }) => {
          let list = got.get(topic);
          if (!list) got.set(topic, (list = []));
          list.push(message);
        },
      });
      while (total() < CODECS.length * 1400 && !crashed) await new Promise((r) => setTimeout(r, 50));
      expect(crashed).toBeUndefined();
    } finally {
      await consumer.disconnect();
    }
  }, 60_000);

  it.each(CODECS)('%s: every record, in order, byte for byte', (codec) => {
    const messages = got.get(inTopic(codec)) ?? [];
    expect(messages.map((m) => Number(m.offset))).toEqual([...Array(1400).keys()]);
    expect(show(messages.map(fromKafkajs))).toEqual(show(records(codec)));
  });

  it.each(CODECS.filter((c) => c !== 'none'))(
    '%s: the batches went through that codec, and only its records',
    (codec) => {
      const mine = Buffer.from(`<<${codec}>>`);
      const s = seen.get(typeOf[codec as Exclude<KafkaCompression, 'none'>])!;
      // Several batches (librdkafka cuts them at 1 MB), each holding only this codec's records.
      expect(s.decoded.length).toBeGreaterThanOrEqual(2);
      for (const out of s.decoded) expect(out.includes(mine)).toBe(true);
      for (const other of CODECS.filter((c) => c !== codec)) {
        for (const out of s.decoded) expect(out.includes(Buffer.from(`<<${other}>>`))).toBe(false);
      }
    },
  );

  it('Node 22 (node:zlib zstd, as Lambda and the ECS image run) decodes the same zstd batches to the same bytes', async () => {
    const zstd = seen.get(kafkajs.CompressionTypes.ZSTD)!;
    expect(zstd.payloads.length).toBeGreaterThanOrEqual(2);
    // This machine's Node 20 decoded them with the fallback; Node 22 must use node:zlib and agree byte for byte.
    expect(zstdImplementation()).toBe(process.versions.node.startsWith('20.') ? 'fzstd' : 'node:zlib');
    const file = join(tmp, 'zstd-batches.json');
    await writeFile(file, JSON.stringify(zstd.payloads.map((p) => p.toString('base64'))));
    const script = join(tmp, 'decode.mts');
    await writeFile(
      script,
      [
        `import { readFileSync } from 'node:fs';`,
        `import { createHash } from 'node:crypto';`,
        `import { zstdCodec, zstdImplementation } from ${JSON.stringify(join(REPO_ROOT, 'core/kafka/compression.ts'))};`,
        `const codec = zstdCodec();`,
        `const out = [];`,
        `for (const b64 of JSON.parse(readFileSync(process.argv[2], 'utf8'))) {`,
        `  const bytes = await codec.decompress(Buffer.from(b64, 'base64'));`,
        `  out.push(createHash('sha256').update(bytes).digest('hex'));`,
        `}`,
        `console.log(JSON.stringify({ implementation: zstdImplementation(), hashes: out }));`,
      ].join('\n'),
    );
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(node22(), ['--import', 'tsx', script, file], { cwd: REPO_ROOT }, (err, out, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(out),
      ),
    );
    const result = JSON.parse(stdout) as { implementation: string; hashes: string[] };
    expect(result.implementation).toBe('node:zlib');
    expect(result.hashes).toEqual(zstd.decoded.map((b) => createHash('sha256').update(b).digest('hex')));
  }, 60_000);
});

describe('batches compressed by core/kafka (kafkajs), read by librdkafka', () => {
  it.each(CODECS)('%s: librdkafka reads every record back, byte for byte, CRCs checked', async (codec) => {
    const kafka = createKafka({ brokers: broker.bootstrap, clientId: `out-${codec}`, auth: 'none', logLevel: 'warn' });
    const recs = records(codec);
    const type = codec === 'none' ? undefined : typeOf[codec];
    const before = type === undefined ? 0 : seen.get(type)!.encoded;
    const input: KafkaRecord[] = recs.map((r) => ({
      topic: outTopic(codec),
      partition: 0,
      key: r.key,
      value: r.value,
      headers: Object.fromEntries(r.headers),
    }));
    const summary = await produceRecords(kafka, input, { compression: codec, maxBatchRecords: 500 });
    expect(summary.records).toBe(1400);
    if (type !== undefined) expect(seen.get(type)!.encoded - before).toBe(summary.batches);

    const r = await run(client, ['consume', broker.bootstrap, outTopic(codec), '0', '1400']);
    expect(r.code, r.stderr).toBe(0);
    expect(show(decodeStream(r.stdout))).toEqual(show(recs));
  });

  it('refuses an unknown codec, naming the choices', async () => {
    const kafka = createKafka({ brokers: broker.bootstrap, clientId: 'bad-codec', auth: 'none', logLevel: 'warn' });
    const err = await produceRecords(kafka, [{ topic: outTopic('none'), value: 'x' }], {
      compression: 'brotli' as KafkaCompression,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KafkaConfigError);
    expect((err as Error).message).toBe(
      'produceRecords compression: "brotli" is not one of none, gzip, snappy, lz4, zstd',
    );
  });
});

describe('codec edge cases', () => {
  it('zstd fallback reads a frame without a content size that expands more than 20x past 1 MiB', async () => {
    // What the Java client writes (a streaming frame): the WebAssembly zstd's own decompress() would guess the size
    // as 20x the input and fail; fzstd grows its output.
    const { Zstd } = await import('@hpcc-js/wasm-zstd');
    const wasm = await Zstd.load();
    const data = Buffer.from('{"event":"page_view","shop_id":"shop-1"}\n'.repeat(100_000)); // 4 MB
    wasm.reset();
    const frame = Buffer.concat([wasm.compressChunk(data), wasm.compressEnd()]);
    expect(data.length / frame.length).toBeGreaterThan(20);
    expect(() => wasm.decompress(frame)).toThrow();
    const out = await zstdCodec({ forceFallback: true }).decompress(frame);
    expect(Buffer.compare(out, data)).toBe(0);
  });

  it("snappy reads xerial-framed batches (the Java client's SnappyOutputStream), chunk by chunk", async () => {
    // xerial framing: magic \x82SNAPPY\0, version 1, compatible version 1, then [int32 BE length][raw Snappy chunk]...
    const raw = (await import('kafkajs-snappy')).default(); // raw Snappy per chunk
    const data = Buffer.from(
      records('snappy')
        .map((r) => r.value?.toString('base64') ?? '')
        .join('\n'),
    );
    const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
    const chunks: Buffer[] = [header];
    for (let at = 0; at < data.length; at += 32 * 1024) {
      const chunk = await raw.compress({ buffer: data.subarray(at, at + 32 * 1024) });
      const len = Buffer.alloc(4);
      len.writeUInt32BE(chunk.length);
      chunks.push(len, chunk);
    }
    expect(chunks.length).toBeGreaterThan(2 * 3);
    registerCompressionCodecs();
    const snappy = (originals.get(typeOf.snappy) ?? codecTable[typeOf.snappy]!)();
    expect(Buffer.compare(await snappy.decompress(Buffer.concat(chunks)), data)).toBe(0);
  });

  it.each(['snappy', 'lz4', 'zstd'] as const)(
    '%s: a corrupt payload fails with a message naming the codec',
    async (codec) => {
      registerCompressionCodecs();
      const codecFn = originals.get(typeOf[codec]) ?? codecTable[typeOf[codec]]!;
      const garbage = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3, 4, 5]);
      await expect(codecFn().decompress(garbage)).rejects.toThrow(
        new RegExp(`^Kafka: cannot decompress a ${codec} record batch of 10 bytes: `),
      );
    },
  );
});
