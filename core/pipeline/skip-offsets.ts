// Skip offsets: the operator's way past records no client can read (a record batch that is corrupt on the broker
// makes every fetch of its partition fail, so the consumer stops on it after each restart). The consumers resume at
// bronze's checkpoint + 1, so skipping is a commit like any other: offsets checkpoint + 1 .. through go through the
// pipeline as records that were not read (PipelineRecord.skipped) and land in bronze without a payload and in
// ops.quarantine as `skipped`, with the operator's reason. Nothing is lost silently: count in = count out still
// holds over Kafka's offsets, and the quarantine says which offsets were never read and why. Should the records
// be read later, the pipeline skips them in every table (they are at or below bronze's checkpoint: batch.ts).
// Guards, each refusing before anything is written:
// - only the offsets right after the checkpoint (no gap: offsets between the checkpoint and the range would be
//   taken as committed and never read), at most MAX_SKIPPED_OFFSETS;
// - bronze.<topic> must exist and the partition must have a checkpoint (else a wrong warehouse, namespace or
//   partition number would skip real records from offset 0), unless `fromStart` says so;
// - no table of the topic may be ahead of bronze on the partition (a consumer is committing, or stopped between
//   the commits of its tables);
// - bronze must not move while the skip's batch is built (a consumer is running); a consumer commit after that is
//   refused to one of the two by the offset guard (exactly-once.ts). Stop the consumers first all the same: the
//   tables are idempotent one by one because every writer lands the same records, and a skip lands other rows for
//   the same offsets, so a racing consumer's silver rows can land before its bronze commit fails.
import { NoSuchTableError } from '../iceberg/catalog/errors.js';
import type { BatchResult } from './batch.js';
import type { PipelineRecord } from './decode.js';
import { committedState, getOffset } from './exactly-once.js';
import type { Pipeline } from './pipeline.js';

/**
 * Most offsets one call skips: a guard against a typo in `through`. A record batch holds far fewer records; skip
 * a longer range in steps.
 */
export const MAX_SKIPPED_OFFSETS = 100_000;
/** Longest reason kept (it is stored in every quarantine row of the range). */
export const MAX_SKIP_REASON_LENGTH = 500;

export interface SkipOffsetsRequest {
  topic: string;
  partition: number;
  /** The last offset to skip; the first is the partition's checkpoint + 1. */
  through: number;
  /** Why, for the quarantine rows (an incident, the error the consumer stopped on). */
  reason: string;
  /** The partition has no checkpoint yet (nothing of it landed): skip from offset 0. */
  fromStart?: boolean;
  /** Only report what would be skipped. */
  dryRun?: boolean;
}

export interface SkipOffsetsResult {
  topic: string;
  partition: number;
  /** The catalog table whose offsets are the checkpoint, `<namespace>.<name>`. */
  bronzeTable: string;
  /** Bronze's checkpoint of the partition before the skip; -1 when nothing landed yet. */
  checkpoint: number;
  /** First and last skipped offset. */
  from: number;
  through: number;
  count: number;
  dryRun: boolean;
  /** The commit (null on a dry run). */
  batch: BatchResult | null;
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
  const bronze = pipeline.contracts.tables.find((t) => t.kind === 'bronze' && t.topic === topic);
  if (!bronze) throw new SkipOffsetsError(`topic ${JSON.stringify(topic)} is not declared in glue-schemas/topics.json`);
  const id = pipeline.tables.identifier(bronze.qualifiedName);
  const bronzeTable = `${id.namespace}.${id.name}`;
  const checkpoint = await landedThrough(pipeline, bronze.qualifiedName, topic, partition);
  if (checkpoint === null) {
    throw new SkipOffsetsError(
      `no table ${bronzeTable} in this catalog: check the warehouse and the namespaces (SHOPLAKE_NAMESPACE_BRONZE, ` +
        '_SILVER, _OPS: the deployed databases are shoplake_<env>_bronze, ...)',
    );
  }
  if (checkpoint < 0 && !request.fromStart) {
    throw new SkipOffsetsError(
      `${bronzeTable} has no checkpoint for partition ${partition}: nothing of it has landed. Check the partition ` +
        'and the namespaces; to skip from offset 0, say so (fromStart, --from-start)',
    );
  }
  const from = checkpoint + 1;
  if (through < from) {
    throw new SkipOffsetsError(
      `nothing to skip: ${topic}/${partition} has landed through offset ${checkpoint}, and through=${through}`,
    );
  }
  const count = through - checkpoint;
  if (count > MAX_SKIPPED_OFFSETS) {
    throw new SkipOffsetsError(
      `refusing to skip ${count} offsets (${from}..${through}) of ${topic}/${partition} in one call: at most ` +
        `${MAX_SKIPPED_OFFSETS}; check 'through', or skip in steps`,
    );
  }
  for (const def of pipeline.contracts.tables) {
    if ((def.topic !== topic && def.kind !== 'ops') || def === bronze) continue;
    const landed = await landedThrough(pipeline, def.qualifiedName, topic, partition);
    if (landed !== null && landed > checkpoint) {
      throw new SkipOffsetsError(
        `${def.qualifiedName} has landed ${topic}/${partition} through offset ${landed}, past bronze's checkpoint ` +
          `${checkpoint}: a consumer is committing, or stopped between the commits of its tables. Stop the ` +
          'consumers of the topic; if this stays, let a consumer replay from the checkpoint first',
      );
    }
  }
  const result: SkipOffsetsResult = {
    topic,
    partition,
    bronzeTable,
    checkpoint,
    from,
    through,
    count,
    dryRun: request.dryRun === true,
    batch: null,
  };
  if (result.dryRun) return result;

  const records: PipelineRecord[] = [];
  for (let offset = from; offset <= through; offset++) {
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
  const batch = pipeline.batch();
  await batch.add(records);
  // The batch read bronze's offsets when it met the first record: had a consumer committed since the checks, part
  // of the range would silently count as landed. Offsets only grow, so an unchanged checkpoint now means the batch
  // saw it too; a commit after this point is refused by the offset guard.
  const now = await landedThrough(pipeline, bronze.qualifiedName, topic, partition);
  if (now !== checkpoint) {
    throw new SkipOffsetsError(
      `${bronzeTable} moved from offset ${checkpoint} to ${now} on ${topic}/${partition} during the skip: a consumer ` +
        'is running. Nothing was skipped; stop the consumers of the topic and run it again',
    );
  }
  result.batch = await batch.commit();
  return result;
}

/** The offset a table has landed of a partition (-1: none), or null when the table does not exist. Creates nothing. */
async function landedThrough(
  pipeline: Pipeline,
  qualifiedName: string,
  topic: string,
  partition: number,
): Promise<number | null> {
  try {
    const table = await pipeline.tables.catalog.loadTable(pipeline.tables.identifier(qualifiedName));
    return getOffset(committedState(table.metadata).offsets, topic, partition);
  } catch (e) {
    if (e instanceof NoSuchTableError) return null;
    throw e;
  }
}
