// mskEvents: the producer side of a local run. Generated records (core/generator), each partition's offsets moved
// past what the warehouse already consumed, grouped into the MSK events Lambda's event source mapping delivers
// (toMskBatches: one topic per event, at most batchSize records and 6 MB, base64 keys and values). Returns the
// generator's stats when done. Runs in the producer thread (producer-thread.ts) or inline.
import type { MSKEvent } from 'aws-lambda';
import { generateEvents } from '../generator/generate-events.js';
import type { GenerationStats } from '../generator/generate-events.js';
import type { GenerateOptionsInput } from '../generator/options.js';
import type { GeneratedRecord } from '../generator/record.js';
import { toMskBatches } from '../generator/to-msk-batches.js';

export interface MskEventsOptions {
  generator: GenerateOptionsInput;
  /** topic -> partition -> first offset to use (0 when absent). */
  nextOffsets: Map<string, Map<number, number>>;
  batchSize: number;
}

export function* mskEvents(options: MskEventsOptions): Generator<MSKEvent, GenerationStats> {
  const stream = generateEvents(options.generator);
  yield* toMskBatches(shiftOffsets(stream, options.nextOffsets), { batchSize: options.batchSize });
  return stream.stats;
}

/** The records with each partition's offsets moved past what the warehouse already consumed. */
function* shiftOffsets(
  records: Iterable<GeneratedRecord>,
  next: Map<string, Map<number, number>>,
): Generator<GeneratedRecord> {
  for (const r of records) {
    const base = next.get(r.topic)?.get(r.partition) ?? 0;
    // A view of the record with only the offset changed (getters still run on the record itself).
    yield base === 0
      ? r
      : new Proxy(r, { get: (t, p) => (p === 'offset' ? base + t.offset : (Reflect.get(t, p, t) as unknown)) });
  }
}
