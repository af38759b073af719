import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEvents } from '../../../core/generator/generate-events.js';
import { writeNdjson } from '../../../core/generator/write-ndjson.js';
import type { GeneratedRecord, WireEvent } from '../../../core/generator/record.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shoplake-ndjson-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function toFile(
  name: string,
  options: Parameters<typeof generateEvents>[0],
  chunkBytes?: number,
): Promise<Buffer> {
  const file = join(dir, name);
  const out = createWriteStream(file);
  await writeNdjson(generateEvents(options), out, chunkBytes ? { chunkBytes } : {});
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return readFile(file);
}

describe('writeNdjson', () => {
  it('writes one line per record holding exactly its value bytes', async () => {
    const options = {
      seed: 4,
      events: 4_000,
      badShare: 0.1,
      oversizedBytes: 8_192,
      badKinds: { oversized: 1, invalid_utf8: 1, not_json: 1 },
    };
    const bytes = await toFile('a.ndjson', options, 64 * 1024);
    const records = [...generateEvents(options)];
    const expected = Buffer.concat(records.flatMap((r) => [r.value, Buffer.of(0x0a)]));
    expect(bytes.equals(expected)).toBe(true);
    expect(records.some((r) => r.value.length > 8_192)).toBe(true);
  });

  it('writes non-ASCII texts as UTF-8 between joined ASCII ones, in order', async () => {
    const generated = [...generateEvents({ seed: 6, events: 3_000, badShare: 0.05 })];
    // The generator's texts are ASCII today (\u escapes); a builder may produce others, so mix some in.
    const records: GeneratedRecord[] = generated.map((r, i) => {
      if (i % 7 !== 3 || r.text === undefined) return r;
      const text = JSON.stringify({ i, name: 'Zoë Müller', city: 'Zürich', note: '€ 😀 中文' });
      return { ...r, text, asciiText: false, value: Buffer.from(text, 'utf8'), event: JSON.parse(text) as WireEvent };
    });
    const file = join(dir, 'mixed.ndjson');
    const out = createWriteStream(file);
    const result = await writeNdjson(records, out, { chunkBytes: 32 * 1024 });
    await new Promise<void>((resolve) => out.end(() => resolve()));
    const expected = Buffer.concat(records.flatMap((r) => [r.value, Buffer.of(0x0a)]));
    expect((await readFile(file)).equals(expected)).toBe(true);
    expect(result).toEqual({ records: records.length, bytes: expected.length });
  });

  it('rejects with the stream error and leaves no error event unhandled', async () => {
    const failing = new Writable({
      write(_chunk: Buffer, _enc, done) {
        setImmediate(() => done(new Error('disk full')));
      },
    });
    await expect(
      writeNdjson(generateEvents({ seed: 7, events: 5_000 }), failing, { chunkBytes: 16 * 1024 }),
    ).rejects.toThrow('disk full');
  });

  it('is byte-identical for the same seed and differs for another', async () => {
    const a = await toFile('b1.ndjson', { seed: 1, events: 3_000 });
    const b = await toFile('b2.ndjson', { seed: 1, events: 3_000 });
    const c = await toFile('b3.ndjson', { seed: 2, events: 3_000 });
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
  });

  it('waits for a slow stream (backpressure) and reports progress', async () => {
    let received = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, done) {
        received += chunk.length;
        setImmediate(done);
      },
    });
    const progress: number[] = [];
    const result = await writeNdjson(generateEvents({ seed: 3, events: 2_000 }), slow, {
      chunkBytes: 16 * 1024,
      onProgress: (n) => progress.push(n),
    });
    expect(result.records).toBe(2_000);
    expect(received).toBe(result.bytes);
    expect(progress.at(-1)).toBe(2_000);
    expect(progress.length).toBeGreaterThan(5);
  });

  it('fills a chunk again once the stream has written it (reuseChunks), bytes unchanged', async () => {
    const options = { seed: 5, events: 2_000 };
    const expected = Buffer.concat([...generateEvents(options)].flatMap((r) => [r.value, Buffer.of(0x0a)]));
    const run = async (reuseChunks: boolean): Promise<{ bytes: Buffer; writes: number; memory: number }> => {
      const copies: Buffer[] = [];
      const memory = new Set<ArrayBufferLike>();
      const out = new Writable({
        highWaterMark: 1024,
        write(chunk: Buffer, _enc, done) {
          copies.push(Buffer.from(chunk)); // a copy: the writer may fill this memory again after done()
          memory.add(chunk.buffer);
          setImmediate(done);
        },
      });
      await writeNdjson(generateEvents(options), out, { chunkBytes: 16 * 1024, reuseChunks, queueChunks: 2 });
      return { bytes: Buffer.concat(copies), writes: copies.length, memory: memory.size };
    };
    const reused = await run(true);
    const fresh = await run(false);
    expect(reused.bytes.equals(expected)).toBe(true);
    expect(fresh.bytes.equals(expected)).toBe(true);
    expect(reused.writes).toBeGreaterThan(50);
    expect(reused.memory).toBeLessThanOrEqual(3); // two queued chunks and the one being filled
    expect(fresh.memory).toBe(fresh.writes);
  });
});
