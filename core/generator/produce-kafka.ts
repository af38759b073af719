// Sends generated records to Kafka through core/kafka (kafkajs behind one module). Records keep their key, value,
// headers and timestamp; the partition is left to the client's default partitioner, which hashes the key exactly
// as the generator did (murmur2), so records land where `partition` says whenever the topic has as many
// partitions as --partitions.
import { createKafka, produceRecords } from '../kafka/index.js';
import type { KafkaAuth, KafkaRecord, ProduceSummary } from '../kafka/index.js';
import type { GeneratedRecord } from './record.js';

export interface ProduceGeneratedOptions {
  /** "host:port,host:port". */
  brokers: string;
  clientId?: string;
  auth?: KafkaAuth;
  region?: string;
  /** Largest record the producer sends; default 1 MiB (MSK's default max.message.bytes). */
  maxRecordBytes?: number;
  onProgress?: (acknowledged: number) => void;
}

export async function produceGenerated(
  records: Iterable<GeneratedRecord>,
  options: ProduceGeneratedOptions,
): Promise<ProduceSummary> {
  const kafka = createKafka({
    brokers: options.brokers,
    clientId: options.clientId ?? 'shoplake-generate',
    auth: options.auth ?? 'none',
    logLevel: 'warn',
    ...(options.region ? { region: options.region } : {}),
  });
  return produceRecords(kafka, toKafkaRecords(records), {
    ...(options.maxRecordBytes ? { maxRecordBytes: options.maxRecordBytes } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}

function* toKafkaRecords(records: Iterable<GeneratedRecord>): Generator<KafkaRecord> {
  for (const r of records)
    yield { topic: r.topic, key: r.key, value: r.value, headers: { ...r.headers }, timestamp: r.timestamp };
}
