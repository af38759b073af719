// Exactly once under real crashes: child processes (crash-worker.ts) land a data set into a local warehouse and
// exit abruptly (SHOPLAKE_FAULT, process.exit) at every crash point; each is started again until one finishes.
// The first runs each crash for sure at one point of FAULT_POINTS (probability 1: every point the pipeline
// defines fires, and the next run recovers from the state it left); the rest crash at random points mid-data-set.
// Then every table holds exactly the keys of a crash-free run: 0 lost, 0 duplicated.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalCatalog } from '../../../core/iceberg/catalog/local-catalog.js';
import { createPipeline, FAULT_EXIT_CODE, FAULT_POINTS } from '../../../core/pipeline/index.js';
import { auditLake, compareAudits, generatedRecords, tempDir } from '../../support/lake-audit.js';
import { WORKER_SALT, writeRecords } from './crash-worker.js';

const WORKER = fileURLToPath(new URL('./crash-worker.ts', import.meta.url));
const FAULTS = 'after-data-files:0.08,after-manifests:0.02,before-commit:0.02,after-commit:0.03,before-offset-ack:0.08';

const DATA = generatedRecords({
  events: 500,
  seed: 41,
  badShare: 0.04,
  duplicateShare: 0.05,
  lateShare: 0.05,
  oversizedBytes: 70_000,
});
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

function runWorker(
  dir: string,
  mode: string,
  run: number,
  faults: string,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, dir, mode, String(run)], {
      env: { ...process.env, SHOPLAKE_FAULT: faults },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

async function reference() {
  const dir = await tempDir('crash-exit-ref-');
  dirs.push(dir);
  const catalog = new LocalCatalog(dir);
  await createPipeline({ catalog, piiSalt: WORKER_SALT }).process(DATA.records);
  return auditLake(catalog);
}

describe.each(['lambda', 'ecs'])('crash recovery with process exits (%s)', (mode) => {
  it('restarts until done; every table ends with 0 lost and 0 duplicated', { timeout: 300_000 }, async () => {
    const root = await tempDir(`crash-exit-${mode}-`);
    dirs.push(root);
    await writeRecords(`${root}/records.json`, DATA.records);
    const dir = `${root}/warehouse`;
    const points = new Set<string>();
    let randomCrashes = 0;
    for (let run = 0; ; run++) {
      expect(run, 'the worker never finished').toBeLessThan(50);
      // Runs 0-4: one point each, sure to fire on its first reach; every later run starts from what it left.
      const point = FAULT_POINTS[run];
      const { code, stderr } = await runWorker(dir, mode, run, point ? `${point}:1` : FAULTS);
      if (point) {
        expect(code, stderr).toBe(FAULT_EXIT_CODE);
        expect(stderr).toContain(`injected crash at ${point}`);
      }
      if (code === 0) break;
      expect(code, stderr).toBe(FAULT_EXIT_CODE);
      const m = /injected crash at ([a-z-]+)/.exec(stderr);
      expect(m, stderr).not.toBeNull();
      points.add(m![1]!);
      if (!point) randomCrashes++;
    }
    // Every crash point the pipeline defines fired, and the runs after it recovered (the audit below).
    expect([...points].sort()).toEqual([...FAULT_POINTS].sort());
    expect(randomCrashes).toBeGreaterThan(0);
    expect(compareAudits(await auditLake(new LocalCatalog(dir)), await reference())).toEqual([]);
  });
});
