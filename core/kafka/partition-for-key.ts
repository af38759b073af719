// partitionForKey: the partition a keyed record lands on, as the client's default partitioner (the one
// produceRecords uses) picks it: toPositive(murmur2(keyBytes)) % numPartitions, like Kafka's Java producer. For
// code that must know a record's partition before producing it (the generator numbers offsets per partition).
import { Partitioners, type PartitionerArgs, type PartitionMetadata } from 'kafkajs';
import { KafkaConfigError } from './errors.js';

const partitioner = Partitioners.DefaultPartitioner();
const metadataByCount = new Map<number, PartitionMetadata[]>();

export function partitionForKey(key: string | Buffer, numPartitions: number): number {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw new KafkaConfigError(`partitionForKey: partition count ${numPartitions} is not an integer >= 1`);
  }
  let partitionMetadata = metadataByCount.get(numPartitions);
  if (!partitionMetadata) {
    partitionMetadata = Array.from({ length: numPartitions }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [0],
      isr: [0],
    }));
    metadataByCount.set(numPartitions, partitionMetadata);
  }
  const args: PartitionerArgs = { topic: '', partitionMetadata, message: { key, value: null } };
  return partitioner(args);
}
