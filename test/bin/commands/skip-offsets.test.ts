// `shoplake skip-offsets` through the real CLI (child processes) on a local warehouse: a dry run changes nothing,
// the skip moves the checkpoint and quarantines the range with the reason, and bad or pointless requests fail with
// the reason and exit 1 (or commander's usage error).
import { promises as fs } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCatalog } from '../../../core/iceberg/catalog/local-catalog.js';
import { createPipeline } from '../../../core/pipeline/index.js';
import { generatedRecords, tableRows, tempDir } from '../../support/lake-audit.js';
import { shoplake } from '../cli.js';

const { records } = generatedRecords({ events: 600, seed: 8, partitions: 2 });
const p0 = records.filter((r) => r.topic === 'behaviour' && r.partition === 0);
let warehouse: string;

beforeAll(async () => {
  warehouse = await tempDir('shoplake-skip-cli-');
  await createPipeline({ catalog: new LocalCatalog(warehouse), piiSalt: 'test-salt-0123456789abcdef' }).process(
    p0.slice(0, 20),
  );
});
afterAll(async () => {
  await fs.rm(warehouse, { recursive: true, force: true });
});

const checkpoint = async () =>
  (await createPipeline({ catalog: new LocalCatalog(warehouse), piiSalt: 'x'.repeat(32) }).checkpoint('behaviour')).get(
    0,
  );
const args = (...more: string[]) => [
  'skip-offsets',
  '--warehouse',
  warehouse,
  '--topic',
  'behaviour',
  '--partition',
  '0',
  ...more,
];

describe('shoplake skip-offsets', () => {
  it('--dry-run reports the range and changes nothing; then the skip lands it and moves the checkpoint', async () => {
    const last = p0[19]!.offset;
    const dry = await shoplake(args('--through', String(last + 5), '--reason', 'INC-7 corrupt batch', '--dry-run'));
    expect(dry, dry.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(dry.stdout).toBe(
      `dry run: would skip behaviour/0 offsets ${last + 1}..${last + 5} (5); checkpoint of bronze.behaviour ${last}\n`,
    );
    expect(await checkpoint()).toBe(last);

    const run = await shoplake(args('--through', String(last + 5), '--reason', 'INC-7 corrupt batch', '--json'));
    expect(run, run.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toEqual({
      topic: 'behaviour',
      partition: 0,
      bronzeTable: 'bronze.behaviour',
      checkpointBefore: last,
      from: last + 1,
      through: last + 5,
      count: 5,
      dryRun: false,
      quarantined: 5,
    });
    expect(await checkpoint()).toBe(last + 5);
    const skipped = (await tableRows(new LocalCatalog(warehouse), 'ops', 'quarantine')).filter(
      (r) => r.reason_code === 'skipped',
    );
    expect(skipped.map((r) => Number(r.kafka_offset)).sort((a, b) => a - b)).toEqual(
      [1, 2, 3, 4, 5].map((i) => last + i),
    );
    expect((skipped[0]!.errors as { message: string }[])[0]!.message).toBe(
      'skipped by an operator: INC-7 corrupt batch',
    );
  }, 60_000);

  it('fails with the reason: nothing to skip, a bad offset, no reason', async () => {
    const nothing = await shoplake(args('--through', '3', '--reason', 'x'));
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(
      /^shoplake: nothing to skip: behaviour\/0 has landed through offset \d+, and through=3\n$/,
    );
    const bad = await shoplake(args('--through', '-4', '--reason', 'x'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--through must be a non-negative integer, got "-4"/);
    const noReason = await shoplake(args('--through', '900'));
    expect(noReason.code).toBe(1);
    expect(noReason.stderr).toMatch(/required option '--reason <text>' not specified/);
  }, 60_000);
});
