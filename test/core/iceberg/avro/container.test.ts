import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AVRO_MAGIC, readAvroContainer } from '../../../../core/iceberg/avro/container-reader.js';
import { writeAvroContainer } from '../../../../core/iceberg/avro/container-writer.js';
import { AvroValueError } from '../../../../core/iceberg/avro/errors.js';
import { BinaryEncoder } from '../../../../core/iceberg/avro/binary-encoder.js';
import type { AvroRecordSchema } from '../../../../core/iceberg/avro/schema.js';

const schema: AvroRecordSchema = {
  type: 'record',
  name: 'everything',
  namespace: 'shoplake.test',
  doc: 'every Avro type once',
  fields: [
    { name: 'b', type: 'boolean', 'field-id': 1 },
    { name: 'i', type: 'int', 'field-id': 2 },
    { name: 'l', type: ['null', 'long'], default: null, 'field-id': 3 },
    { name: 'f', type: 'float', 'field-id': 4 },
    { name: 'd', type: 'double', 'field-id': 5 },
    { name: 'by', type: 'bytes', 'field-id': 6 },
    { name: 's', type: 'string', 'field-id': 7, 'custom-attribute': { nested: [1, 'x'] } },
    { name: 'e', type: { type: 'enum', name: 'color', symbols: ['RED', 'GREEN'] }, 'field-id': 8 },
    { name: 'fx', type: { type: 'fixed', name: 'four', size: 4 }, 'field-id': 9 },
    { name: 'fx2', type: 'four', 'field-id': 10 },
    { name: 'arr', type: { type: 'array', items: ['null', 'int'], 'element-id': 12 }, 'field-id': 11 },
    { name: 'm', type: { type: 'map', values: 'long', 'key-id': 14, 'value-id': 15 }, 'field-id': 13 },
    {
      name: 'kv',
      type: {
        type: 'array',
        logicalType: 'map',
        items: {
          type: 'record',
          name: 'k17_v18',
          fields: [
            { name: 'key', type: 'int', 'field-id': 17 },
            { name: 'value', type: 'bytes', 'field-id': 18 },
          ],
        },
      },
      'field-id': 16,
    },
    { name: 'next', type: ['null', 'everything'], default: null },
    { name: 'u', type: ['null', 'string', 'long', { type: 'int', logicalType: 'date' }], default: null },
  ],
};

const record = (n: number): Record<string, unknown> => ({
  b: n % 2 === 0,
  i: 3 - n,
  l: n === 0 ? null : 7505300640432048841n + BigInt(n),
  f: 1.5,
  d: n / 3,
  by: Uint8Array.of(n & 255, 0, 255),
  s: `row ${n} ü`,
  e: n % 3 === 0 ? 'RED' : 'GREEN',
  fx: Uint8Array.of(1, 2, 3, n & 255),
  fx2: Uint8Array.of(9, 9, 9, 9),
  arr: [1, null, n],
  m: new Map<string, number | bigint>([
    ['a', 1],
    ['big', 9223372036854775807n],
  ]),
  kv: [{ key: n, value: Uint8Array.of(7) }],
  next: n % 5 === 0 ? null : { ...leaf(), s: 'child' },
  u: n % 4 === 0 ? null : n % 4 === 1 ? 'text' : n % 4 === 2 ? -(2n ** 63n) : 42,
});
const leaf = (): Record<string, unknown> => ({
  b: true, i: 0, l: null, f: 0, d: 0, by: new Uint8Array(0), s: '', e: 'RED', fx: new Uint8Array(4), fx2: new Uint8Array(4),
  arr: [], m: new Map(), kv: [], next: null, u: null,
}); // prettier-ignore

describe('Avro object container files', () => {
  it.each(['null', 'deflate'] as const)(
    'round-trips every Avro type with the %s codec, across many blocks',
    (codec) => {
      const records = Array.from({ length: 300 }, (_, n) => record(n));
      const bytes = writeAvroContainer({
        schema,
        records,
        codec,
        metadata: { 'format-version': '2' },
        blockSize: 1000,
      });
      const c = readAvroContainer(bytes, 'mem.avro');
      expect(c.codec).toBe(codec);
      expect(c.metadata['format-version']).toBe('2');
      expect(c.records).toEqual(records);
      // more than one block was written and read
      expect(bytes.length).toBeGreaterThan(1000);
    },
  );

  it('stores the header schema exactly as given, every attribute kept', () => {
    const bytes = writeAvroContainer({ schema, records: [] });
    const c = readAvroContainer(bytes, 'mem.avro');
    expect(c.metadata['avro.schema']).toBe(JSON.stringify(schema));
    expect(c.schema).toEqual(schema);
    expect(c.records).toEqual([]);
  });

  it('writes exactly the same bytes for the same input and sync marker', () => {
    const opts = { schema, records: [record(1), record(2)], syncMarker: new Uint8Array(16).fill(7) };
    expect(writeAvroContainer(opts)).toEqual(writeAvroContainer(opts));
  });

  it('names the record and field path of a value that does not fit', () => {
    const bad = { ...record(3), next: { ...leaf(), i: 2 ** 40 } };
    expect(() => writeAvroContainer({ schema, records: [record(1), bad] })).toThrow(AvroValueError);
    expect(() => writeAvroContainer({ schema, records: [record(1), bad] })).toThrow(
      'record 1.next.i: expected a 32-bit int, got number 1099511627776',
    );
    expect(() => writeAvroContainer({ schema, records: [{ ...record(1), s: undefined }] })).toThrow(
      /record 0.s: expected a string, got nothing/,
    );
    expect(() => writeAvroContainer({ schema, records: [{ ...record(1), l: 2n ** 64n }] })).toThrow(
      'record 0.l: expected a long (safe integer or 64-bit bigint), got bigint 18446744073709551616',
    );
    expect(() => writeAvroContainer({ schema, records: [{ ...record(1), fx: Uint8Array.of(1) }] })).toThrow(
      /record 0.fx: expected 4 bytes, got 1 bytes/,
    );
  });

  it('reads snappy blocks (with their CRC32) and zstandard blocks written by other writers', () => {
    const schemaText = JSON.stringify({ type: 'record', name: 'r', fields: [{ name: 's', type: 'string' }] });
    const payload = new BinaryEncoder();
    for (const s of ['alpha', 'beta', 'gamma']) payload.writeString(s);
    const raw = payload.toBytes();
    // A literal-only snappy stream: varint length, then one literal chunk; then the big-endian CRC32.
    const snappy = Uint8Array.from([raw.length, (raw.length - 1) << 2, ...raw, 0, 0, 0, 0]);
    new DataView(snappy.buffer).setUint32(snappy.length - 4, crc32(raw), false);
    // A zstd frame holding one raw (stored) block.
    const zstd = Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, raw.length, ...le24((raw.length << 3) | 1), ...raw]);
    for (const [codec, block] of [
      ['snappy', snappy],
      ['zstandard', zstd],
    ] as const) {
      const bytes = handMadeFile(schemaText, codec, 3, block);
      expect(readAvroContainer(bytes, `${codec}.avro`).records).toEqual([
        { s: 'alpha' },
        { s: 'beta' },
        { s: 'gamma' },
      ]);
    }
    const badCrc = Uint8Array.from(snappy);
    badCrc[badCrc.length - 1]! ^= 1;
    expect(() => readAvroContainer(handMadeFile(schemaText, 'snappy', 3, badCrc), 's.avro')).toThrow(
      's.avro: corrupt block 0: cannot decompress (snappy): snappy block fails its CRC32 check',
    );
    expect(() => readAvroContainer(handMadeFile(schemaText, 'bzip2', 3, raw), 'b.avro')).toThrow(
      /unsupported codec "bzip2"/,
    );
    expect(
      readAvroContainer(handMadeFile(schemaText, 'deflate', 3, deflateRawSync(raw)), 'd.avro').records,
    ).toHaveLength(3);
  });
});

function le24(n: number): number[] {
  return [n & 255, (n >> 8) & 255, (n >> 16) & 255];
}

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A container file assembled by hand, to feed the reader blocks our writer never produces. */
function handMadeFile(schemaText: string, codec: string, count: number, block: Uint8Array): Uint8Array {
  const e = new BinaryEncoder();
  e.writeFixed(AVRO_MAGIC);
  e.writeLong(2);
  e.writeString('avro.schema');
  e.writeBytes(new TextEncoder().encode(schemaText));
  e.writeString('avro.codec');
  e.writeBytes(new TextEncoder().encode(codec));
  e.writeLong(0);
  const sync = new Uint8Array(16).fill(0xab);
  e.writeFixed(sync);
  e.writeLong(count);
  e.writeLong(block.length);
  e.writeFixed(block);
  e.writeFixed(sync);
  return e.toBytes();
}
