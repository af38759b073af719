// Decode (the template the other step files mirror: one exported operation, its types beside it, no I/O):
// a Kafka record -> its value as text and as parsed JSON, or the reason it is neither. It never throws: a null
// value, bytes that are not UTF-8 and text that is not JSON each become a failure with a stable reason code,
// and the record still lands in bronze and then in ops.quarantine.
//
// Records come from the MSK event source mapping (base64 key and value, headers as byte arrays: fromMskEvent)
// or from a Kafka client (raw bytes: build PipelineRecord directly).
import { Buffer, isUtf8 } from 'node:buffer';
import type { MSKEvent, MSKRecord } from 'aws-lambda';

export interface KafkaHeader {
  key: string;
  value: Uint8Array | null;
}

/** One Kafka record, whichever client read it. */
export interface PipelineRecord {
  topic: string;
  partition: number;
  /** Kafka offset (a safe integer). */
  offset: number;
  /** Record timestamp in ms since epoch; null when the record has none (-1 on the wire). */
  timestamp: number | null;
  timestampType: 'CREATE_TIME' | 'LOG_APPEND_TIME' | null;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: KafkaHeader[];
  /**
   * Set only by skipOffsets (skip-offsets.ts), never from Kafka: the record was not read, an operator skipped its
   * offset for this reason. It lands in bronze without a payload and in ops.quarantine as `skipped`.
   */
  skipped?: string;
}

/** Reason codes of records that cannot even be read as JSON (the validator's codes cover the rest). */
export const DECODE_REASON_CODES = {
  null_value: 'the record has no value (a tombstone or a producer bug)',
  invalid_utf8: 'the value is not valid UTF-8',
  not_json: 'the value is not JSON text',
  skipped:
    'not read from Kafka: an operator skipped its offset (shoplake skip-offsets), e.g. past a batch no client can decode',
} as const;

export type DecodeReason = keyof typeof DECODE_REASON_CODES;

export interface DecodeFailure {
  code: DecodeReason;
  message: string;
}

export interface DecodedRecord {
  record: PipelineRecord;
  /** Size of the value in bytes (0 for a null value). */
  bytes: number;
  /** The value as text when it is valid UTF-8, else null. */
  text: string | null;
  /** The parsed JSON value (any JSON type) when `failure` is null. */
  event: unknown;
  failure: DecodeFailure | null;
}

export function decodeRecord(record: PipelineRecord): DecodedRecord {
  const value = record.value;
  if (record.skipped !== undefined) {
    return {
      record,
      bytes: 0,
      text: null,
      event: undefined,
      failure: { code: 'skipped', message: `skipped by an operator: ${record.skipped}` },
    };
  }
  if (value === null) {
    return {
      record,
      bytes: 0,
      text: null,
      event: undefined,
      failure: { code: 'null_value', message: 'value is null' },
    };
  }
  const buf = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (!isUtf8(buf)) {
    return {
      record,
      bytes: buf.length,
      text: null,
      event: undefined,
      failure: { code: 'invalid_utf8', message: `value (${buf.length} bytes) is not valid UTF-8` },
    };
  }
  const text = buf.toString('utf8');
  try {
    return { record, bytes: buf.length, text, event: JSON.parse(text), failure: null };
  } catch (e) {
    return { record, bytes: buf.length, text, event: undefined, failure: { code: 'not_json', message: jsonError(e) } };
  }
}

function jsonError(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.length > 200 ? `${m.slice(0, 197)}...` : m;
}

const fromBase64 = (s: string | null | undefined): Uint8Array | null =>
  s === null || s === undefined ? null : Buffer.from(s, 'base64');

/** The record an MSK event source mapping delivers, as a PipelineRecord. */
export function fromMskRecord(r: MSKRecord): PipelineRecord {
  const headers: KafkaHeader[] = [];
  const list = r.headers;
  if (list) {
    for (let i = 0; i < list.length; i++) {
      const h = list[i]!;
      const keys = Object.keys(h);
      for (let j = 0; j < keys.length; j++) {
        const bytes = h[keys[j]!];
        headers.push({ key: keys[j]!, value: bytes ? Buffer.from(bytes) : null });
      }
    }
  }
  const ts = r.timestamp;
  return {
    topic: r.topic,
    partition: r.partition,
    offset: Number(r.offset),
    timestamp: typeof ts === 'number' && ts >= 0 ? ts : null,
    timestampType: r.timestampType === 'CREATE_TIME' || r.timestampType === 'LOG_APPEND_TIME' ? r.timestampType : null,
    key: fromBase64(r.key as string | null | undefined),
    value: fromBase64(r.value as string | null | undefined),
    headers,
  };
}

/** Every record of an MSK event, partition by partition, each partition in offset order. */
export function fromMskEvent(event: MSKEvent): PipelineRecord[] {
  return [...mskRecords(event)];
}

/**
 * The same records as fromMskEvent, decoded one at a time as they are consumed: a batch then never holds the
 * decoded values of the whole event (`pipeline.process(mskRecords(event))`).
 */
export function* mskRecords(event: MSKEvent): Generator<PipelineRecord> {
  for (const records of Object.values(event.records ?? {})) {
    let sorted = true;
    for (let i = 1; i < records.length && sorted; i++) sorted = records[i - 1]!.offset <= records[i]!.offset;
    for (const r of sorted ? records : [...records].sort((a, b) => a.offset - b.offset)) yield fromMskRecord(r);
  }
}

/** The shape of a kafkajs message (KafkaMessage), without depending on kafkajs here. */
export interface KafkaJsMessageLike {
  key: Buffer | null;
  value: Buffer | null;
  /** ms since epoch, as a string */
  timestamp: string;
  /** as a string */
  offset: string;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

/** A message a kafkajs consumer delivered (eachBatch / eachMessage), as a PipelineRecord. */
export function fromKafkaJsMessage(topic: string, partition: number, m: KafkaJsMessageLike): PipelineRecord {
  const headers: KafkaHeader[] = [];
  for (const [key, v] of Object.entries(m.headers ?? {})) {
    for (const one of Array.isArray(v) ? v : [v]) {
      headers.push({ key, value: one === undefined ? null : typeof one === 'string' ? Buffer.from(one, 'utf8') : one });
    }
  }
  const ts = Number(m.timestamp);
  return {
    topic,
    partition,
    offset: Number(m.offset),
    timestamp: Number.isFinite(ts) && ts >= 0 ? ts : null,
    timestampType: null,
    key: m.key,
    value: m.value,
    headers,
  };
}
