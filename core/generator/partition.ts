// Which partition a keyed record lands on, exactly as Kafka's Java producer (and kafkajs's DefaultPartitioner)
// choose it: toPositive(murmur2(keyBytes)) % numPartitions. kafkajs computes it; this module caches the answer per
// key, since the key is the shop_id and a run has few shops.
import { Partitioners } from 'kafkajs';
import type { PartitionerArgs, PartitionMetadata } from 'kafkajs';

export class KafkaPartitioner {
  readonly #partition = Partitioners.DefaultPartitioner();
  readonly #metadata: PartitionMetadata[];
  readonly #cache = new Map<string, number>();

  constructor(readonly numPartitions: number) {
    if (!Number.isInteger(numPartitions) || numPartitions < 1) {
      throw new Error(`partitions must be a positive integer, got ${numPartitions}`);
    }
    this.#metadata = Array.from({ length: numPartitions }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [0],
      isr: [0],
    }));
  }

  /** The partition of a record with this key (the same for every topic with this partition count). */
  partitionOf(key: string): number {
    let p = this.#cache.get(key);
    if (p === undefined) {
      const args: PartitionerArgs = { topic: '', partitionMetadata: this.#metadata, message: { key, value: null } };
      p = this.#partition(args);
      this.#cache.set(key, p);
    }
    return p;
  }
}
