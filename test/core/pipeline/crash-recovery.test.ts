// Exactly once under crashes, in process: a fault injector that throws at every crash point with some
// probability, batches retried the way Lambda retries them (the same batch again, in the same or a new
// container) and the way the ECS consumer resumes (from the bronze checkpoint, batched differently). Afterwards
// every table holds exactly the keys a crash-free run holds: 0 lost, 0 duplicated.
// crash-exit.test.ts does the same with real process exits (SHOPLAKE_FAULT) in child processes.
import { describe, expect, it } from 'vitest';
import { createPipeline, FAULT_POINTS } from '../../../core/pipeline/index.js';
import type { FaultInjector, FaultPoint, Pipeline, PipelineRecord } from '../../../core/pipeline/index.js';
import { auditLake, compareAudits, generatedRecords, localWarehouses } from '../../support/lake-audit.js';
import { prng } from '../../support/prng.js';

const SALT = 'test-salt-0123456789abcdef';
const warehouse = localWarehouses('crash-recovery-');

class Crash extends Error {}

/** Crashes at each point in turn (the next crash waits for the next point of the cycle), with some probability. */
function crasher(random: () => number, probability: number, hits: Map<FaultPoint, number>): FaultInjector {
  let next = 0;
  return (point) => {
    if (point !== FAULT_POINTS[next % FAULT_POINTS.length] || random() >= probability) return;
    next++;
    hits.set(point, (hits.get(point) ?? 0) + 1);
    throw new Crash(`crash at ${point}`);
  };
}

function byTopic(records: PipelineRecord[], size: number): PipelineRecord[][] {
  const topics = new Map<string, PipelineRecord[]>();
  for (const r of records) (topics.get(r.topic) ?? topics.set(r.topic, []).get(r.topic)!).push(r);
  const out: PipelineRecord[][] = [];
  for (const list of topics.values()) for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

const data = generatedRecords({
  events: 900,
  seed: 31,
  badShare: 0.04,
  duplicateShare: 0.05,
  lateShare: 0.05,
  oversizedBytes: 70_000,
});

async function referenceAudit() {
  const catalog = await warehouse('crash-ref-');
  await createPipeline({ catalog, piiSalt: SALT }).process(data.records);
  return auditLake(catalog);
}

describe('crash recovery (in process)', () => {
  it('Lambda-style retries of the same batch: 0 lost, 0 duplicated in every table', { timeout: 240_000 }, async () => {
    const catalog = await warehouse('crash-lambda-');
    const random = prng(7);
    const hits = new Map<FaultPoint, number>();
    const fault = crasher(random, 0.6, hits);
    let pipeline: Pipeline = createPipeline({ catalog, piiSalt: SALT, fault });
    let failures = 0;
    for (const batch of byTopic(data.records, 120)) {
      for (let attempt = 1; ; attempt++) {
        expect(attempt, 'a batch never got through').toBeLessThan(40);
        try {
          const r = await pipeline.process(batch);
          expect(r.landed + r.quarantined + r.duplicates + r.alreadyCommitted).toBe(r.recordsIn);
          expect(r.bronze.landed + r.bronze.alreadyCommitted).toBe(r.recordsIn);
          break;
        } catch (e) {
          failures++;
          // A crash kills the container; any other failure leaves it warm. Either way the batch comes again.
          if (e instanceof Crash || random() < 0.5) pipeline = createPipeline({ catalog, piiSalt: SALT, fault });
        }
      }
    }
    expect(failures).toBeGreaterThan(5);
    expect(new Set(hits.keys())).toEqual(new Set(FAULT_POINTS));
    expect(compareAudits(await auditLake(catalog), await referenceAudit())).toEqual([]);
  });

  it(
    'ECS-style resume from the bronze checkpoint with different batch sizes: 0 lost, 0 duplicated',
    { timeout: 240_000 },
    async () => {
      const catalog = await warehouse('crash-ecs-');
      const random = prng(11);
      const hits = new Map<FaultPoint, number>();
      const fault = crasher(random, 0.6, hits);
      let restarts = 0;
      for (let run = 0; ; run++) {
        expect(run, 'never finished').toBeLessThan(60);
        const pipeline = createPipeline({ catalog, piiSalt: SALT, fault });
        try {
          const checkpoints = new Map<string, Map<number, number>>();
          for (const topic of new Set(data.records.map((r) => r.topic)))
            checkpoints.set(topic, await pipeline.checkpoint(topic));
          const remaining = data.records.filter((r) => r.offset > (checkpoints.get(r.topic)!.get(r.partition) ?? -1));
          if (remaining.length === 0) break;
          const size = 50 + Math.floor(random() * 400);
          for (let i = 0; i < remaining.length; i += size) {
            const batch = pipeline.batch();
            // A micro-batch built from several fetches, all topics and partitions mixed.
            for (let j = i; j < Math.min(i + size, remaining.length); j += 60)
              await batch.add(remaining.slice(j, Math.min(j + 60, i + size)));
            await batch.commit();
          }
        } catch (e) {
          if (!(e instanceof Crash) && !(e as Error).message.includes('crash at')) throw e;
          restarts++;
        }
      }
      expect(restarts).toBeGreaterThan(3);
      expect(new Set(hits.keys())).toEqual(new Set(FAULT_POINTS));
      expect(compareAudits(await auditLake(catalog), await referenceAudit())).toEqual([]);
    },
  );
});
