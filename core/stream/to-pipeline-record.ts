// toPipelineRecord (the template the other files of this folder mirror: one exported operation, its types beside
// it, no I/O): a record as the Kafka client delivers it -> the client-neutral PipelineRecord core/pipeline takes.
// Never throws on record content: a null value or key stays null (the pipeline quarantines it with its reason),
// a missing or unparsable timestamp becomes null, repeated header keys become repeated headers.
import type { KafkaMessage } from '../kafka/index.js';
import type { KafkaHeader, PipelineRecord } from '../pipeline/index.js';

/** kafkajs' record timestamp types (its protocol/timestampTypes: 0 CreateTime, 1 LogAppendTime). */
const TIMESTAMP_TYPES: Record<number, PipelineRecord['timestampType']> = { 0: 'CREATE_TIME', 1: 'LOG_APPEND_TIME' };

type HeaderValue = Buffer | string | (Buffer | string | null | undefined)[] | null | undefined;

function headerBytes(v: Buffer | string | null | undefined): Uint8Array | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
}

export function toPipelineRecord(topic: string, partition: number, message: KafkaMessage): PipelineRecord {
  const ts = Number(message.timestamp);
  const context = (message as { batchContext?: { timestampType?: number } }).batchContext;
  const headers: KafkaHeader[] = [];
  for (const [key, value] of Object.entries((message.headers ?? {}) as Record<string, HeaderValue>)) {
    if (Array.isArray(value)) for (const v of value) headers.push({ key, value: headerBytes(v) });
    else headers.push({ key, value: headerBytes(value) });
  }
  return {
    topic,
    partition,
    offset: Number(message.offset),
    timestamp: Number.isFinite(ts) && ts >= 0 ? ts : null,
    timestampType: (context?.timestampType !== undefined && TIMESTAMP_TYPES[context.timestampType]) || null,
    key: message.key ?? null,
    value: message.value ?? null,
    headers,
  };
}

/** Bytes of a record's value (what the batch size and the buffer limit count). */
export function valueBytes(message: KafkaMessage): number {
  return message.value?.length ?? 0;
}
