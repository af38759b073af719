// produceRecords: write records to Kafka in size-bounded batches, each awaited (acks=all by default), then
// disconnect. Keyed records land on the partition kafkajs' default partitioner picks: murmur2(key) like the Java
// client, so all events of one shop_id stay in order on one partition. Accepts an iterable or an async iterable,
// so a generator can stream events without holding them all in memory.
import { Partitioners, type Kafka, type Message } from 'kafkajs';
import { COMPRESSION_TYPES, KAFKA_COMPRESSIONS, type KafkaCompression } from './compression.js';
import { connectWithRetry } from './connect.js';
import { kafkaSettings } from './create-kafka.js';
import { classifyKafkaError, KafkaConfigError, KafkaProduceError, rootMessage } from './errors.js';

export interface KafkaRecord {
  topic: string;
  /** Partitioning key (e.g. shop_id); null/undefined spreads records round-robin. */
  key?: string | Buffer | null;
  /** null is a tombstone. */
  value: Buffer | string | null;
  headers?: Record<string, string | Buffer>;
  /** Overrides the partitioner. */
  partition?: number;
  /** Record timestamp in ms since the epoch; default: now. */
  timestamp?: number;
}

export interface ProduceOptions {
  /** Flush a batch when its estimated size would pass this; default 1 MiB (every partition's share stays under
   * the brokers' default message.max.bytes). */
  maxBatchBytes?: number;
  /** Flush a batch at this many records; default 10,000. */
  maxBatchRecords?: number;
  /** Reject a record bigger than this before sending; default 1 MiB, MSK's default max.message.bytes. */
  maxRecordBytes?: number;
  /** -1 (all in-sync replicas, default), 1 (leader) or 0 (no acknowledgement). */
  acks?: -1 | 0 | 1;
  /** Record-batch codec; default 'none'. Consumers built here read all of them (compression.ts). */
  compression?: KafkaCompression;
  /** Idempotent producer (needs kafka-cluster:WriteDataIdempotently with MSK IAM); default false. */
  idempotent?: boolean;
  /** Called after each acknowledged batch with the running total of records. */
  onProgress?: (acknowledged: number) => void;
}

export interface ProduceSummary {
  records: number;
  /** Estimated record bytes (key, value, headers and per-record framing), before compression. */
  bytes: number;
  batches: number;
  /** Records per topic. */
  topics: Record<string, number>;
}

const MiB = 1024 * 1024;
/** Per-record framing in a v2 record batch (varints, attributes, deltas) as an upper estimate. */
const RECORD_OVERHEAD = 32;

function byteLength(v: string | Buffer | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}

function isBytes(v: unknown): v is string | Buffer {
  return typeof v === 'string' || Buffer.isBuffer(v);
}

function positiveInt(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < 1) throw new KafkaConfigError(`produceRecords ${name}: ${v} is not an integer >= 1`);
  return v;
}

/** Checks one record and returns its estimated size; throws naming the record and field. */
function checkRecord(r: KafkaRecord, index: number, maxRecordBytes: number): number {
  const where = `record #${index}`;
  if (!r || typeof r !== 'object') throw new KafkaConfigError(`${where}: not an object`);
  if (typeof r.topic !== 'string' || r.topic === '')
    throw new KafkaConfigError(`${where}: topic must be a non-empty string`);
  const at = `${where} (topic '${r.topic}')`;
  if (r.value !== null && !isBytes(r.value))
    throw new KafkaConfigError(`${at}: value must be a Buffer, a string or null`);
  if (r.key !== undefined && r.key !== null && !isBytes(r.key)) {
    throw new KafkaConfigError(`${at}: key must be a Buffer, a string, null or absent`);
  }
  if (r.partition !== undefined && (!Number.isInteger(r.partition) || r.partition < 0)) {
    throw new KafkaConfigError(`${at}: partition must be an integer >= 0, got ${String(r.partition)}`);
  }
  if (r.timestamp !== undefined && !Number.isSafeInteger(r.timestamp)) {
    throw new KafkaConfigError(`${at}: timestamp must be an integer (ms since the epoch)`);
  }
  let size = RECORD_OVERHEAD + byteLength(r.key) + byteLength(r.value);
  for (const [name, v] of Object.entries(r.headers ?? {})) {
    if (!isBytes(v)) throw new KafkaConfigError(`${at}: header '${name}' must be a Buffer or a string`);
    size += Buffer.byteLength(name) + byteLength(v) + 8;
  }
  if (size > maxRecordBytes) {
    throw new KafkaConfigError(`${at}: ${size} bytes exceeds maxRecordBytes ${maxRecordBytes}`);
  }
  return size;
}

function toMessage(r: KafkaRecord): Message {
  const m: Message = { value: r.value };
  if (r.key !== undefined) m.key = r.key;
  if (r.headers) m.headers = r.headers;
  if (r.partition !== undefined) m.partition = r.partition;
  if (r.timestamp !== undefined) m.timestamp = String(r.timestamp);
  return m;
}

/**
 * Sends every record and resolves once all are acknowledged. Throws KafkaConfigError for a bad record (naming its
 * index and field; every record before it has been sent and acknowledged), KafkaConnectError when the brokers stay
 * unreachable or refuse auth, KafkaProduceError when a batch fails after retries (with the count acknowledged
 * before it).
 */
export async function produceRecords(
  kafka: Kafka,
  records: Iterable<KafkaRecord> | AsyncIterable<KafkaRecord>,
  options: ProduceOptions = {},
): Promise<ProduceSummary> {
  const maxBatchBytes = positiveInt('maxBatchBytes', options.maxBatchBytes, MiB);
  const maxBatchRecords = positiveInt('maxBatchRecords', options.maxBatchRecords, 10_000);
  const maxRecordBytes = positiveInt('maxRecordBytes', options.maxRecordBytes, MiB);
  const acks = options.acks ?? -1;
  if (acks !== -1 && acks !== 0 && acks !== 1)
    throw new KafkaConfigError(`produceRecords acks: ${String(acks)} is not -1, 0 or 1`);
  const codec = options.compression ?? 'none';
  if (!KAFKA_COMPRESSIONS.includes(codec)) {
    throw new KafkaConfigError(
      `produceRecords compression: ${JSON.stringify(codec)} is not one of ${KAFKA_COMPRESSIONS.join(', ')}`,
    );
  }
  const compression = COMPRESSION_TYPES[codec];
  const settings = kafkaSettings(kafka);
  const log = kafka.logger().namespace('shoplake');
  const summary: ProduceSummary = { records: 0, bytes: 0, batches: 0, topics: {} };

  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    idempotent: options.idempotent ?? false,
    ...(options.idempotent ? { maxInFlightRequests: 1 } : {}),
  });
  let batch: KafkaRecord[] = [];
  let batchBytes = 0;

  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const byTopic = new Map<string, Message[]>();
    for (const r of batch) {
      let list = byTopic.get(r.topic);
      if (!list) byTopic.set(r.topic, (list = []));
      list.push(toMessage(r));
    }
    try {
      await producer.sendBatch({
        acks,
        compression,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    } catch (err) {
      const first = summary.records;
      throw new KafkaProduceError(
        `Kafka produce failed for records #${first}..#${first + batch.length - 1} ` +
          `(topics ${[...byTopic.keys()].join(', ')}) after retries: ${rootMessage(err)}; ` +
          `${first} record(s) before them were acknowledged`,
        classifyKafkaError(err),
        first,
        { cause: err },
      );
    }
    for (const [topic, messages] of byTopic) summary.topics[topic] = (summary.topics[topic] ?? 0) + messages.length;
    summary.records += batch.length;
    summary.bytes += batchBytes;
    summary.batches++;
    batch = [];
    batchBytes = 0;
    options.onProgress?.(summary.records);
  };

  await connectWithRetry(producer, {
    what: `producer ${settings.clientId}`,
    brokers: settings.brokers,
    auth: settings.auth,
    retry: settings.retry,
    log,
  });
  try {
    let index = 0;
    for await (const record of records) {
      let size: number;
      try {
        size = checkRecord(record, index++, maxRecordBytes);
      } catch (err) {
        // Write the good records before the bad one, so the caller knows exactly what landed: all before it.
        await flush();
        throw new KafkaConfigError(`${(err as Error).message}; the ${summary.records} record(s) before it were sent`);
      }
      if (batch.length > 0 && (batchBytes + size > maxBatchBytes || batch.length >= maxBatchRecords)) await flush();
      batch.push(record);
      batchBytes += size;
    }
    await flush();
    return summary;
  } finally {
    await producer.disconnect().catch((err: unknown) => log.warn(`producer disconnect failed: ${rootMessage(err)}`));
  }
}
