// Skip offsets: the operator's way past records no client can read (a record batch that is corrupt on the broker
// makes every fetch of its partition fail, so the consumer stops on it after each restart). The consumers resume at
// bronze's checkpoint + 1, so skipping is a commit like any other: offsets checkpoint + 1 .. through go through the
// pipeline as records that were not read (PipelineRecord.skipped) and land in bronze without a payload and in
// ops.quarantine as `skipped`, with the operator's reason. Nothing is lost silently: count in = count out still
// holds over Kafka's offsets, and the quarantine says which offsets were never read and why.
// Only the offsets right after the checkpoint can be skipped (no gap: offsets between the checkpoint and the skipped
// range would be taken as committed and never read). Stop the consumers of the topic first: the tables are
// idempotent one by one, which holds when every writer lands the same records, and a skip lands other rows for the
// same offsets. So it refuses while any table of the topic is ahead of bronze on the partition (a consumer is
// committing, or stopped between its tables' commits), and a consumer commit racing the skip's own is refused by
// the offset guard on bronze (exactly-once.ts) but may have landed its silver rows first.
import { NoSuchTableError } from '../iceberg/catalog/errors.js';
import type { BatchResult } from './batch.js';
import type { PipelineRecord } from './decode.js';
import { committedState, getOffset } from './exactly-once.js';
import type { Pipeline } from './pipeline.js';

/** Most offsets one call skips: a guard against a typo in `through` (skip in several calls beyond it). */
export const MAX_SKIPPED_OFFSETS = 1_000_000;
/** Longest reason kept (it is stored in every quarantine row of the range). */
export const MAX_SKIP_REASON_LENGTH = 500;
/** Records per commit: bounds memory on long ranges. */
const CHUNK = 100_000;

export interface SkipOffsetsRequest {
  topic: string;
  partition: number;
  /** The last offset to skip; the first is the partition's checkpoint + 1. */
  through: number;
  /** Why, for the quarantine rows (an incident, the error the consumer stopped on). */
  reason: string;
  /** Only report what would be skipped. */
  dryRun?: boolean;
}

export interface SkipOffsetsResult {
  topic: string;
  partition: number;
  /** bronze.<topic>'s checkpoint of the partition before the skip; -1 when nothing landed yet. */
  checkpoint: number;
  /** First and last skipped offset. */
  from: number;
  through: number;
  count: number;
  dryRun: boolean;
  /** One per commit (none on a dry run). */
  batches: BatchResult[];
}

export class SkipOffsetsError extends Error {
  override readonly name = 'SkipOffsetsError';
}

export async function skipOffsets(pipeline: Pipeline, request: SkipOffsetsRequest): Promise<SkipOffsetsResult> {
  const { topic, partition, through } = request;
  const reason = request.reason.trim();
  if (!Number.isSafeInteger(partition) || partition < 0) {
    throw new SkipOffsetsError(`partition must be a non-negative integer, got ${partition}`);
  }
  if (!Number.isSafeInteger(through) || through < 0) {
    throw new SkipOffsetsError(`through must be a non-negative offset, got ${through}`);
  }
  if (reason === '') throw new SkipOffsetsError('a reason is required (it is stored with every skipped offset)');
  if (reason.length > MAX_SKIP_REASON_LENGTH) {
    throw new SkipOffsetsError(`the reason is longer than ${MAX_SKIP_REASON_LENGTH} characters`);
  }
  // Also refuses a topic glue-schemas/topics.json does not declare.
  const checkpoint = (await pipeline.checkpoint(topic)).get(partition) ?? -1;
  const from = checkpoint + 1;
  if (through < from) {
    throw new SkipOffsetsError(
      `nothing to skip: ${topic}/${partition} has landed through offset ${checkpoint}, and through=${through}`,
    );
  }
  for (const def of pipeline.contracts.tables) {
    if (def.topic !== topic && def.kind !== 'ops') continue;
    let landed: number;
    try {
      const table = await pipeline.tables.catalog.loadTable(pipeline.tables.identifier(def.qualifiedName));
      landed = getOffset(committedState(table.metadata).offsets, topic, partition);
    } catch (e) {
      if (e instanceof NoSuchTableError) continue;
      throw e;
    }
    if (landed > checkpoint) {
      throw new SkipOffsetsError(
        `${def.qualifiedName} has landed ${topic}/${partition} through offset ${landed}, past bronze's checkpoint ` +
          `${checkpoint}: a consumer is committing, or stopped between the commits of its tables. Stop the ` +
          'consumers of the topic; if this stays, let a consumer replay from the checkpoint first',
      );
    }
  }
  const count = through - checkpoint;
  if (count > MAX_SKIPPED_OFFSETS) {
    throw new SkipOffsetsError(
      `refusing to skip ${count} offsets (${from}..${through}) of ${topic}/${partition} in one call: at most ` +
        `${MAX_SKIPPED_OFFSETS}; check 'through', or skip in steps`,
    );
  }
  const result: SkipOffsetsResult = {
    topic,
    partition,
    checkpoint,
    from,
    through,
    count,
    dryRun: request.dryRun === true,
    batches: [],
  };
  if (result.dryRun) return result;
  for (let first = from; first <= through; first += CHUNK) {
    const last = Math.min(through, first + CHUNK - 1);
    const records: PipelineRecord[] = [];
    for (let offset = first; offset <= last; offset++) {
      records.push({
        topic,
        partition,
        offset,
        timestamp: null,
        timestampType: null,
        key: null,
        value: null,
        headers: [],
        skipped: reason,
      });
    }
    result.batches.push(await pipeline.process(records));
  }
  return result;
}
