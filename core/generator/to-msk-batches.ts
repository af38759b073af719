// MSK batches: records grouped into the event Lambda's MSK event source mapping delivers (see MSKEvent in
// @types/aws-lambda and https://docs.aws.amazon.com/lambda/latest/dg/with-msk.html): one topic per mapping, records
// keyed "<topic>-<partition>", each with base64 key and value and headers as arrays of byte values. A batch closes
// at `batchSize` records or before its JSON would pass Lambda's 6 MB invocation payload limit.
import type { MSKEvent, MSKRecord } from 'aws-lambda';
import type { GeneratedRecord } from './record.js';

export interface MskBatchOptions {
  /** Records per batch (the mapping's BatchSize); default 100, Lambda's default for MSK. */
  batchSize?: number;
  /** Largest event JSON in bytes; default 6,000,000 (Lambda's synchronous invocation payload limit is 6 MB). */
  maxPayloadBytes?: number;
  eventSourceArn?: string;
  bootstrapServers?: string;
}

export const DEFAULT_EVENT_SOURCE_ARN =
  'arn:aws:kafka:us-east-1:123456789012:cluster/shoplake-local/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0-1';
export const DEFAULT_BOOTSTRAP_SERVERS =
  'b-1.shoplakelocal.abc123.c2.kafka.us-east-1.amazonaws.com:9098,b-2.shoplakelocal.abc123.c2.kafka.us-east-1.amazonaws.com:9098';

/** Bytes a record adds to the event JSON, estimated from above (base64 grows 4/3, header bytes up to 4 chars). */
function recordBytes(r: GeneratedRecord): number {
  let headers = 0;
  for (const [name, value] of Object.entries(r.headers)) headers += name.length + 8 + 4 * Buffer.byteLength(value);
  return 200 + r.topic.length + Math.ceil((4 * (Buffer.byteLength(r.key) + r.value.length)) / 3) + headers;
}

/** The MSK record Lambda would hand over for a generated record. */
export function toMskRecord(r: GeneratedRecord): MSKRecord {
  return {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    timestampType: 'CREATE_TIME',
    key: Buffer.from(r.key, 'utf8').toString('base64'),
    value: r.value.toString('base64'),
    headers: Object.entries(r.headers).map(([name, value]) => ({ [name]: [...Buffer.from(value, 'utf8')] })),
  };
}

interface Pending {
  records: GeneratedRecord[];
  bytes: number;
}

/**
 * Groups records into MSK events, one topic per event, keeping each partition's records in offset order. Emits a
 * topic's batch as soon as it is full, and every partial batch at the end, in the order the topics first appeared.
 */
export function* toMskBatches(records: Iterable<GeneratedRecord>, options: MskBatchOptions = {}): Generator<MSKEvent> {
  const batchSize = options.batchSize ?? 100;
  const maxBytes = options.maxPayloadBytes ?? 6_000_000;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    throw new Error(`toMskBatches: batchSize must be an integer in [1, 10000], got ${String(batchSize)}`);
  }
  const arn = options.eventSourceArn ?? DEFAULT_EVENT_SOURCE_ARN;
  const servers = options.bootstrapServers ?? DEFAULT_BOOTSTRAP_SERVERS;
  const envelopeBytes = 100 + arn.length + servers.length;
  const pending = new Map<string, Pending>();
  const event = (batch: GeneratedRecord[]): MSKEvent => {
    const grouped: MSKEvent['records'] = {};
    for (const r of batch) (grouped[`${r.topic}-${r.partition}`] ??= []).push(toMskRecord(r));
    return { eventSource: 'aws:kafka', eventSourceArn: arn, bootstrapServers: servers, records: grouped };
  };
  for (const r of records) {
    const size = recordBytes(r);
    if (envelopeBytes + size > maxBytes) {
      throw new Error(
        `toMskBatches: record ${r.topic}-${r.partition}@${r.offset} needs ~${size} bytes, above maxPayloadBytes ${maxBytes}`,
      );
    }
    let p = pending.get(r.topic);
    if (!p) pending.set(r.topic, (p = { records: [], bytes: envelopeBytes }));
    if (p.bytes + size > maxBytes) {
      yield event(p.records);
      p.records = [];
      p.bytes = envelopeBytes;
    }
    p.records.push(r);
    p.bytes += size;
    if (p.records.length === batchSize) {
      yield event(p.records);
      p.records = [];
      p.bytes = envelopeBytes;
    }
  }
  for (const p of pending.values()) if (p.records.length > 0) yield event(p.records);
}
