// Write: the Parquet codec and level a table's writer uses. The table's write.parquet.compression-codec and
// write.parquet.compression-level win; a table without a level gets the pipeline's default zstd level.
import { promises as fs } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalCatalog } from '../../../core/iceberg/catalog/local-catalog.js';
import { Transaction } from '../../../core/iceberg/transaction/transaction.js';
import { createPipeline } from '../../../core/pipeline/index.js';
import type { PipelineOptions } from '../../../core/pipeline/index.js';
import { tableCompression } from '../../../core/iceberg/parquet/compression.js';
import { PARQUET_COMPRESSION_LEVEL } from '../../../core/iceberg/spec/table-properties.js';
import { generatedRecords, tableRows, tempDir } from '../../support/lake-audit.js';

const SALT = 'test-salt-0123456789abcdef';
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

describe('tableCompression', () => {
  it('uses the default zstd level when the table sets no level', () => {
    expect(tableCompression({}, 1)).toEqual({ codec: 'ZSTD', level: 1 });
    expect(tableCompression({ 'write.parquet.compression-codec': 'zstd' }, undefined)).toEqual({
      codec: 'ZSTD',
      level: undefined,
    });
  });

  it("lets the table's level win, for any codec", () => {
    expect(tableCompression({ [PARQUET_COMPRESSION_LEVEL]: '9' }, 1)).toEqual({ codec: 'ZSTD', level: 9 });
    expect(
      tableCompression({ 'write.parquet.compression-codec': 'gzip', [PARQUET_COMPRESSION_LEVEL]: '4' }, 1),
    ).toEqual({ codec: 'GZIP', level: 4 });
  });

  it('never applies the zstd default to another codec', () => {
    expect(tableCompression({ 'write.parquet.compression-codec': 'gzip' }, 1)).toEqual({
      codec: 'GZIP',
      level: undefined,
    });
    expect(tableCompression({ 'write.parquet.compression-codec': 'snappy' }, 1).level).toBeUndefined();
  });

  it('rejects a level that is not an integer, naming the property', () => {
    expect(() => tableCompression({ [PARQUET_COMPRESSION_LEVEL]: 'fast' }, 1)).toThrow(
      /write\.parquet\.compression-level="fast" is not an integer/,
    );
  });
});

describe('compression level of the files the pipeline writes', () => {
  // one topic (fewer tables to create): its bronze table holds the raw payloads, the bulk of the bytes
  const records = generatedRecords({
    events: 800,
    seed: 5,
    badShare: 0,
    duplicateShare: 0,
    lateShare: 0,
  }).records.filter((r) => r.topic === 'behaviour');

  /** Lands the same records into a fresh warehouse; returns the bronze bytes and the catalog. */
  async function land(
    options: Partial<PipelineOptions>,
    tableLevel?: string,
  ): Promise<{ bytes: number; catalog: LocalCatalog }> {
    const dir = await tempDir('pipeline-write-');
    dirs.push(dir);
    const catalog = new LocalCatalog(dir);
    if (tableLevel !== undefined) {
      // create the tables first (an empty batch commits nothing), then set the level on bronze.behaviour
      const first = createPipeline({ catalog, piiSalt: SALT });
      await first.checkpoint('behaviour');
      const table = await catalog.loadTable({ namespace: 'bronze', name: 'behaviour' });
      await new Transaction(catalog, table).setProperties({ [PARQUET_COMPRESSION_LEVEL]: tableLevel }).commit();
    }
    const result = await createPipeline({ catalog, piiSalt: SALT, ...options }).process(records);
    expect(records.length).toBeGreaterThan(100);
    expect(result.bronze.landed).toBe(records.length);
    return { bytes: result.tables['bronze.behaviour']!.bytes, catalog };
  }

  it("writes smaller files at a higher level, with the same rows (the pipeline's zstdLevel)", async () => {
    const fast = await land({ zstdLevel: 1 });
    const small = await land({ zstdLevel: 9 });
    expect(small.bytes).toBeLessThan(fast.bytes);
    const a = await tableRows(fast.catalog, 'bronze', 'behaviour', ['kafka_offset', 'payload']);
    const b = await tableRows(small.catalog, 'bronze', 'behaviour', ['kafka_offset', 'payload']);
    expect(a.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
  });

  it('follows the table property over the pipeline default', async () => {
    const byTable = await land({ zstdLevel: 1 }, '9');
    const byPipeline = await land({ zstdLevel: 9 });
    const fast = await land({ zstdLevel: 1 });
    expect(byTable.bytes).toBe(byPipeline.bytes);
    expect(byTable.bytes).toBeLessThan(fast.bytes);
  });
});
