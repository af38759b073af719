import { readFileSync } from 'node:fs';
import { parse as losslessParse } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import { InvalidMetadataError } from '../../../../core/iceberg/spec/json-object.js';
import { parseTableMetadata, serializeTableMetadata } from '../../../../core/iceberg/spec/table-metadata-json.js';
import type { TableMetadata } from '../../../../core/iceberg/spec/table-metadata.js';
import { FIXTURE_TABLES, ICEBERG_FIXTURES, fixtureMetadataFiles } from '../../../support/iceberg-fixtures.js';

const oracle = (text: string): Record<string, unknown> =>
  losslessParse(text, null, (s) => {
    if (/^-?\d+$/.test(s)) {
      const n = Number(s);
      return Number.isSafeInteger(n) ? n : BigInt(s);
    }
    return Number(s);
  }) as Record<string, unknown>;

const allMetadata = FIXTURE_TABLES.flatMap((t) => fixtureMetadataFiles(t, /\.metadata\.json$/));
const athena = `${ICEBERG_FIXTURES}/athena/example/metadata/00001-aaf0d033-d06b-43c7-be60-67f83abd4aca.metadata.json`;
const athenaText = readFileSync(athena, 'utf8');

function mutate(text: string, fn: (doc: Record<string, unknown>) => void): string {
  const doc = oracle(text);
  fn(doc);
  return JSON.stringify(doc, (_k, v: unknown) => (typeof v === 'bigint' ? `@@${v}@@` : v)).replace(
    /"@@(-?\d+)@@"/g,
    '$1',
  );
}

describe('parseTableMetadata on the Spark, Java and Athena fixtures', () => {
  it('finds the fixture files', () => {
    expect(allMetadata.length).toBe(12);
  });

  it.each(allMetadata)('%s parses, and serializing keeps every value the engine wrote', (file) => {
    const text = readFileSync(file, 'utf8');
    const m = parseTableMetadata(text, file);
    const original = oracle(text);
    const written = oracle(serializeTableMetadata(m));
    for (const [key, value] of Object.entries(original)) {
      if (key === 'current-snapshot-id' && value === null) expect(written[key]).toBe(-1);
      else expect(written[key], key).toEqual(value);
    }
    // parse(serialize(m)) is m, and serializing is stable
    const again = parseTableMetadata(serializeTableMetadata(m), 'round trip');
    expect(again).toEqual(m);
    expect(serializeTableMetadata(again)).toBe(serializeTableMetadata(m));
  });

  it('reads 63-bit snapshot ids exactly', () => {
    const m = parseTableMetadata(
      readFileSync(`${ICEBERG_FIXTURES}/spark/bunnies/metadata/v5.metadata.json`, 'utf8'),
      'v5',
    );
    expect(m['current-snapshot-id']).toBe(2701171901096418979n);
    expect(m.snapshots!.map((s) => s['snapshot-id'])).toEqual([
      7505300640432048841n,
      469881615898633426n,
      2701171901096418979n,
    ]);
    expect(m.snapshots![2]!['parent-snapshot-id']).toBe(469881615898633426n);
    expect(m.refs!.main).toEqual({ 'snapshot-id': 2701171901096418979n, type: 'branch' });
    expect(m['snapshot-log']!.map((e) => e['snapshot-id'])).toEqual([
      7505300640432048841n,
      469881615898633426n,
      2701171901096418979n,
    ]);
  });

  it('reads the Athena table the way Athena wrote it', () => {
    const m = parseTableMetadata(athenaText, athena);
    expect(m['last-sequence-number']).toBe(1);
    expect(m['current-snapshot-id']).toBe(6838723292707092922n);
    expect(m.schemas[0]!.fields.map((f) => [f.id, f.name, f.type])).toEqual([
      [1, 'id', 'int'],
      [2, 'name', 'string'],
    ]);
    expect(m.properties!['write.parquet.compression-codec']).toBe('zstd');
    expect(m['metadata-log']![0]!['metadata-file']).toMatch(/00000-eedf51e6.*\.metadata\.json$/);
  });

  it('treats current-snapshot-id -1 as no current snapshot', () => {
    const m = parseTableMetadata(
      readFileSync(`${ICEBERG_FIXTURES}/java/bunnies/metadata/v1.metadata.json`, 'utf8'),
      'v1',
    );
    expect(m['current-snapshot-id']).toBeNull();
    expect(m.snapshots).toEqual([]);
  });

  it('keeps the largest long exact through parse and serialize', () => {
    const text = mutate(athenaText, (d) => {
      const max = 9223372036854775807n;
      d['current-snapshot-id'] = max;
      (d.refs as Record<string, Record<string, unknown>>).main!['snapshot-id'] = max;
      (d.snapshots as Record<string, unknown>[])[0]!['snapshot-id'] = max;
    });
    const m = parseTableMetadata(text, 'max');
    expect(m['current-snapshot-id']).toBe(9223372036854775807n);
    expect(serializeTableMetadata(m)).toContain('"current-snapshot-id":9223372036854775807');
  });
});

describe('parseTableMetadata on corrupt or invalid metadata', () => {
  const REQUIRED_V2 = [
    'format-version',
    'table-uuid',
    'location',
    'last-sequence-number',
    'last-updated-ms',
    'last-column-id',
    'schemas',
    'current-schema-id',
    'partition-specs',
    'default-spec-id',
    'last-partition-id',
    'sort-orders',
    'default-sort-order-id',
  ];

  it.each(REQUIRED_V2)('names the file and the missing key %s', (key) => {
    const text = mutate(athenaText, (d) => delete d[key]);
    expect(() => parseTableMetadata(text, 's3://b/t/metadata/v9.metadata.json')).toThrow(
      `s3://b/t/metadata/v9.metadata.json: '${key}' is required but missing`,
    );
  });

  it.each([
    [
      'snapshots[0].snapshot-id',
      (d: Record<string, unknown>) => ((d.snapshots as Record<string, unknown>[])[0]!['snapshot-id'] = 'x'),
      /'snapshots\[0\].snapshot-id' must be a long, got string "x"/,
    ],
    [
      'snapshots[0].manifest-list',
      (d: Record<string, unknown>) => delete (d.snapshots as Record<string, unknown>[])[0]!['manifest-list'],
      /'snapshots\[0\].manifest-list' is required but missing/,
    ],
    [
      'snapshots[0].summary.operation',
      (d: Record<string, unknown>) =>
        (((d.snapshots as Record<string, unknown>[])[0]!.summary as Record<string, unknown>).operation = 'merge'),
      /'snapshots\[0\].summary.operation' must be one of/,
    ],
    [
      'schemas[0].fields[1].type',
      (d: Record<string, unknown>) =>
        (((d.schemas as Record<string, unknown>[])[0]!.fields as Record<string, unknown>[])[1]!.type = 'varchar'),
      /'schemas\[0\].fields\[1\].type' unsupported type string "varchar"/,
    ],
    [
      'last-column-id',
      (d: Record<string, unknown>) => (d['last-column-id'] = 1.5),
      /'last-column-id' must be an int, got number 1.5/,
    ],
    [
      'properties',
      (d: Record<string, unknown>) => ((d.properties as Record<string, unknown>)['x'] = 1),
      /'properties.x' must be a string, got number 1/,
    ],
    [
      'refs.main.type',
      (d: Record<string, unknown>) => ((d.refs as Record<string, Record<string, unknown>>).main!.type = 'trunk'),
      /'refs.main.type' must be one of "branch", "tag"/,
    ],
    [
      'format-version 3',
      (d: Record<string, unknown>) => (d['format-version'] = 3),
      /'format-version' is 3; this implementation reads format versions 1 and 2/,
    ],
    [
      'duplicate field id',
      (d: Record<string, unknown>) =>
        (((d.schemas as Record<string, unknown>[])[0]!.fields as Record<string, unknown>[])[1]!.id = 1),
      /'schemas\[0\]' field id 1 is used more than once/,
    ],
  ])('reports %s', (_name, fn, message) => {
    expect(() => parseTableMetadata(mutate(athenaText, fn), 'meta.json')).toThrow(message);
  });

  it.each([
    [
      'current-snapshot-id',
      (d: Record<string, unknown>) => (d['current-snapshot-id'] = 5),
      /'current-snapshot-id' 5 is not in snapshots/,
    ],
    [
      'refs.main',
      (d: Record<string, unknown>) => ((d.refs as Record<string, unknown>).main = { 'snapshot-id': 5, type: 'branch' }),
      /'refs.main.snapshot-id' 5 is not in snapshots/,
    ],
    [
      'current-schema-id',
      (d: Record<string, unknown>) => (d['current-schema-id'] = 7),
      /'current-schema-id' 7 is not in schemas/,
    ],
    [
      'default-spec-id',
      (d: Record<string, unknown>) => (d['default-spec-id'] = 7),
      /'default-spec-id' 7 is not in partition-specs/,
    ],
    [
      'sequence numbers',
      (d: Record<string, unknown>) => (d['last-sequence-number'] = 0),
      /'snapshots\[0\].sequence-number' 1 is above last-sequence-number 0/,
    ],
  ])('rejects a dangling %s', (_name, fn, message) => {
    expect(() => parseTableMetadata(mutate(athenaText, fn), 'meta.json')).toThrow(message);
  });

  it('reports truncated, empty and non-object files', () => {
    const source = 's3://b/t/metadata/00003-x.metadata.json';
    expect(() => parseTableMetadata(athenaText.slice(0, athenaText.length / 2), source)).toThrow(
      new RegExp(`^${source.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: is not valid JSON: `),
    );
    expect(() => parseTableMetadata('  \n', source)).toThrow(`${source}: is empty`);
    expect(() => parseTableMetadata('[1,2]', source)).toThrow(`${source}: must be a JSON object, got an array`);
    const err = (() => {
      try {
        parseTableMetadata('{}', source);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(InvalidMetadataError);
    expect((err as InvalidMetadataError).source).toBe(source);
  });
});

describe('v1 metadata', () => {
  const v1 = JSON.stringify({
    'format-version': 1,
    'table-uuid': 'fb072c92-a02b-11e9-ae9c-1bb7bc9eca94',
    location: 's3://b/wh/data.db/table',
    'last-updated-ms': 1515100955770,
    'last-column-id': 2,
    schema: {
      type: 'struct',
      fields: [
        { id: 1, name: 'id', required: true, type: 'long' },
        { id: 2, name: 'ts', required: false, type: 'timestamptz' },
      ],
    },
    'partition-spec': [{ name: 'ts_day', transform: 'day', 'source-id': 2 }],
    properties: { 'write.format.default': 'avro' },
    'current-snapshot-id': '@ID@',
    snapshots: [
      {
        'snapshot-id': '@ID@',
        'timestamp-ms': 1515100955770,
        summary: { operation: 'append' },
        'manifest-list': 's3://b/wh/.../s1.avro',
      },
    ],
  }).replaceAll('"@ID@"', '3051729675574597004'); // the spec's example id, beyond 2^53

  it('comes back in v2 shape with the Appendix E defaults, keeping format-version 1', () => {
    const m = parseTableMetadata(v1, 'v1.json');
    expect(m['format-version']).toBe(1);
    expect(m['last-sequence-number']).toBe(0);
    expect(m.schemas).toHaveLength(1);
    expect(m['current-schema-id']).toBe(0);
    expect(m['partition-specs']).toEqual([
      { 'spec-id': 0, fields: [{ name: 'ts_day', transform: 'day', 'source-id': 2, 'field-id': 1000 }] },
    ]);
    expect(m['last-partition-id']).toBe(1000);
    expect(m['sort-orders']).toEqual([{ 'order-id': 0, fields: [] }]);
    expect(m.snapshots![0]!['sequence-number']).toBe(0);
    expect(m['current-snapshot-id']).toBe(3051729675574597004n);
    expect(m.refs).toEqual({ main: { 'snapshot-id': 3051729675574597004n, type: 'branch' } });
  });

  it('is never written back as v2 silently: serializing v1 metadata is refused until it is upgraded', () => {
    const m = parseTableMetadata(v1, 'v1.json');
    expect(() => serializeTableMetadata(m)).toThrow(
      /'format-version' is 1: writing v1 metadata is not supported; upgrade the table at s3:\/\/b\/wh\/data\.db\/table to format-version 2 first/,
    );
    const upgraded = JSON.parse(serializeTableMetadata({ ...m, 'format-version': 2 })) as Record<string, unknown>;
    expect(upgraded['format-version']).toBe(2);
    expect(upgraded['table-uuid']).toBe('fb072c92-a02b-11e9-ae9c-1bb7bc9eca94');
  });

  it('refuses v1 snapshots that list manifests inline', () => {
    const inline = v1.replace('"manifest-list":"s3://b/wh/.../s1.avro"', '"manifests":["s3://b/m1.avro"]');
    expect(() => parseTableMetadata(inline, 'v1.json')).toThrow(
      /'snapshots\[0\].manifests' v1 snapshots with an inline manifest list are not supported/,
    );
  });
});

describe('serializeTableMetadata', () => {
  it('writes compact v2 JSON in Java key order, -1 for no snapshot', () => {
    const m = parseTableMetadata(
      readFileSync(`${ICEBERG_FIXTURES}/java/bunnies/metadata/v1.metadata.json`, 'utf8'),
      'v1',
    );
    const text = serializeTableMetadata(m);
    expect(Object.keys(JSON.parse(text))).toEqual([
      'format-version', 'table-uuid', 'location', 'last-sequence-number', 'last-updated-ms', 'last-column-id',
      'current-schema-id', 'schemas', 'default-spec-id', 'partition-specs', 'last-partition-id',
      'default-sort-order-id', 'sort-orders', 'properties', 'current-snapshot-id', 'refs', 'snapshots',
      'statistics', 'partition-statistics', 'snapshot-log', 'metadata-log',
    ]); // prettier-ignore
    expect(text).toContain('"current-snapshot-id":-1');
    expect(text).not.toContain('\n');
  });

  it('always writes the main branch of the current snapshot, as the spec requires of refs', () => {
    const m = parseTableMetadata(athenaText, athena);
    const current = m['current-snapshot-id']!;
    // Metadata built in code (not parsed) may leave refs out or hold only tags; before, main was then missing.
    const variants: TableMetadata['refs'][] = [undefined, {}, { audit: { 'snapshot-id': current, type: 'tag' } }];
    for (const refs of variants) {
      const written = oracle(serializeTableMetadata({ ...m, refs }));
      expect((written.refs as Record<string, unknown>).main).toEqual({ 'snapshot-id': current, type: 'branch' });
    }
    const tagged = oracle(
      serializeTableMetadata({ ...m, refs: { audit: { 'snapshot-id': current, type: 'tag', 'max-ref-age-ms': 5 } } }),
    );
    expect(Object.keys(tagged.refs as object)).toEqual(['main', 'audit']);
    // No current snapshot: no main.
    const empty = parseTableMetadata(
      readFileSync(`${ICEBERG_FIXTURES}/java/bunnies/metadata/v1.metadata.json`, 'utf8'),
      'v1',
    );
    expect(oracle(serializeTableMetadata({ ...empty, refs: undefined })).refs).toEqual({});
  });

  it('refuses metadata whose references dangle', () => {
    const m = parseTableMetadata(athenaText, athena);
    expect(() => serializeTableMetadata({ ...m, 'current-snapshot-id': 42n })).toThrow(
      /'current-snapshot-id' 42 is not in snapshots/,
    );
    expect(() => serializeTableMetadata({ ...m, 'table-uuid': '' })).toThrow(/table-uuid/);
  });
});
