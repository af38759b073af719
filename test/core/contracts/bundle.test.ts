// The Lambda bundles core/contracts with esbuild: the contracts must travel inside the bundle (static JSON imports)
// and work from there, with no glue-schemas/ folder at run time.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import type * as Contracts from '../../../core/contracts/index.js';
import { NOW, valid } from './fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'shoplake-bundle-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('esbuild bundle of core/contracts', () => {
  it('carries every contract and validates and conforms from a folder without glue-schemas/', async () => {
    const entry = fileURLToPath(new URL('../../../core/contracts/index.ts', import.meta.url));
    const out = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      logLevel: 'silent',
    });
    const text = out.outputFiles[0]!.text;
    expect(text).not.toMatch(/readFileSync|readdirSync/);
    const file = join(tmp, 'contracts.mjs');
    writeFileSync(file, text);
    const m = (await import(pathToFileURL(file).href)) as typeof Contracts;
    expect([...m.contracts().events.keys()]).toHaveLength(m.EVENT_TYPES.length);
    expect(m.validate(valid('order_created'), { now: NOW }).ok).toBe(true);
    const bad = m.validate({ ...valid('order_created'), currency: 'usd' }, { now: NOW });
    expect(bad.ok ? [] : bad.errors.map((e) => e.code)).toEqual(['pattern_mismatch']);
    const row = m.conform(valid('page_viewed'), { ingest_time: 1, is_late: false }, (v) => `#${v}`).row;
    expect(row.ip).toBe('#203.0.113.7');
  });
});
