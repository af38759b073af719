// streamPosition: where a local run continues on a warehouse that already holds data, read from the tables
// themselves (nothing is kept beside them): per topic-partition the next Kafka offset (the bronze checkpoint + 1,
// as a consumer resumes), how many records were consumed so far, and the stream time reached (the highest silver
// watermark). A re-run appends new records after the committed ones instead of replaying offsets the exactly-once
// guard would skip, and continues the simulated clock so that its events are not all flagged late.
import type { Pipeline } from '../pipeline/index.js';
import { committedState } from '../pipeline/index.js';
import { NoSuchTableError } from '../iceberg/catalog/errors.js';

export interface StreamPosition {
  /** topic -> partition -> first offset of this run (0 for a partition never committed). */
  nextOffsets: Map<string, Map<number, number>>;
  /** Records committed to bronze so far (offsets are dense from 0, so the sum of the checkpoints + 1). */
  consumed: number;
  /** Highest event_time (µs since epoch) any silver table has seen; null on an empty warehouse. */
  watermarkUs: number | null;
}

export async function streamPosition(pipeline: Pipeline): Promise<StreamPosition> {
  const catalog = pipeline.tables.catalog;
  const nextOffsets = new Map<string, Map<number, number>>();
  let consumed = 0;
  for (const topic of pipeline.contracts.topics) {
    // checkpoint() creates a missing table; a topic never written has nothing to resume.
    if (!(await catalog.tableExists(pipeline.tables.identifier(topic.bronzeTable.qualifiedName)))) continue;
    const next = new Map<number, number>();
    for (const [partition, offset] of await pipeline.checkpoint(topic.topic)) {
      next.set(partition, offset + 1);
      consumed += offset + 1;
    }
    nextOffsets.set(topic.topic, next);
  }
  let watermarkUs: number | null = null;
  for (const def of pipeline.contracts.tables) {
    if (def.kind !== 'silver') continue;
    try {
      const w = committedState(
        (await catalog.loadTable(pipeline.tables.identifier(def.qualifiedName))).metadata,
      ).watermark;
      if (w !== null && (watermarkUs === null || w > watermarkUs)) watermarkUs = w;
    } catch (e) {
      if (!(e instanceof NoSuchTableError)) throw e;
    }
  }
  return { nextOffsets, consumed, watermarkUs };
}
