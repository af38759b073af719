// Child process of crash-exit.test.ts: lands a fixed generated data set into a local warehouse and is killed on
// purpose by SHOPLAKE_FAULT (process.exit at the crash point). Run again and again until it exits 0.
//   node --import tsx crash-worker.ts <warehouse> lambda|ecs <run number>
// The records come from <warehouse>/../records.json (writeRecords), so the worker needs no generator.
// lambda: batches are fixed; <warehouse>/progress holds the next batch index, written after the batch is
//         acknowledged (a crash before that retries the same batch, as the MSK event source mapping does);
// ecs:    resume every partition at the bronze checkpoint + 1, batch sizes differ from run to run.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { LocalCatalog } from '../../../core/iceberg/catalog/local-catalog.js';
import { createPipeline } from '../../../core/pipeline/pipeline.js';
import { faultInjector } from '../../../core/pipeline/faults.js';
import type { PipelineRecord } from '../../../core/pipeline/decode.js';
import { prng } from '../../support/prng.js';

export const WORKER_SALT = 'test-salt-0123456789abcdef';

const b64 = (u: Uint8Array | null): string | null => (u === null ? null : Buffer.from(u).toString('base64'));
const bytes = (s: string | null): Uint8Array | null => (s === null ? null : Buffer.from(s, 'base64'));

export async function writeRecords(file: string, records: PipelineRecord[]): Promise<void> {
  const json = records.map((r) => ({
    ...r,
    key: b64(r.key),
    value: b64(r.value),
    headers: r.headers.map((h) => ({ key: h.key, value: b64(h.value) })),
  }));
  await fs.writeFile(file, JSON.stringify(json));
}

async function readRecords(file: string): Promise<PipelineRecord[]> {
  type Stored = Omit<PipelineRecord, 'key' | 'value' | 'headers'> & {
    key: string | null;
    value: string | null;
    headers: { key: string; value: string | null }[];
  };
  const stored = JSON.parse(await fs.readFile(file, 'utf8')) as Stored[];
  return stored.map((r) => ({
    ...r,
    key: bytes(r.key),
    value: bytes(r.value),
    headers: r.headers.map((h) => ({ key: h.key, value: bytes(h.value) })),
  }));
}

export function lambdaBatches(records: PipelineRecord[]): PipelineRecord[][] {
  const topics = new Map<string, PipelineRecord[]>();
  for (const r of records) (topics.get(r.topic) ?? topics.set(r.topic, []).get(r.topic)!).push(r);
  const out: PipelineRecord[][] = [];
  for (const list of topics.values()) for (let i = 0; i < list.length; i += 90) out.push(list.slice(i, i + 90));
  return out;
}

async function main(): Promise<void> {
  const [dir, mode, runArg] = process.argv.slice(2) as [string, string, string];
  const run = Number(runArg);
  const random = prng(1000 + run);
  const catalog = new LocalCatalog(dir);
  const pipeline = createPipeline({
    catalog,
    piiSalt: WORKER_SALT,
    fault: faultInjector(process.env.SHOPLAKE_FAULT, random),
  });
  const records = await readRecords(path.join(dir, '..', 'records.json'));
  if (mode === 'lambda') {
    const progress = path.join(dir, 'progress');
    const batches = lambdaBatches(records);
    let next = Number(await fs.readFile(progress, 'utf8').catch(() => '0'));
    for (; next < batches.length; next++) {
      await pipeline.process(batches[next]!);
      await fs.writeFile(`${progress}.tmp`, String(next + 1));
      await fs.rename(`${progress}.tmp`, progress);
    }
    return;
  }
  const remaining: PipelineRecord[] = [];
  const checkpoints = new Map<string, Map<number, number>>();
  for (const topic of new Set(records.map((r) => r.topic))) checkpoints.set(topic, await pipeline.checkpoint(topic));
  for (const r of records) if (r.offset > (checkpoints.get(r.topic)!.get(r.partition) ?? -1)) remaining.push(r);
  const size = 40 + Math.floor(random() * 200);
  for (let i = 0; i < remaining.length; i += size) await pipeline.process(remaining.slice(i, i + size));
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`crash-worker failed: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
