// Which partition a keyed record lands on, exactly as Kafka's Java producer (and the client behind core/kafka)
// choose it: toPositive(murmur2(keyBytes)) % numPartitions. core/kafka computes it; this module checks the count
// and caches the answer per key, since the key is the shop_id and a run has few shops.
import { partitionForKey } from '../kafka/index.js';

export class KafkaPartitioner {
  readonly #cache = new Map<string, number>();

  constructor(readonly numPartitions: number) {
    if (!Number.isInteger(numPartitions) || numPartitions < 1) {
      throw new Error(`partitions must be a positive integer, got ${numPartitions}`);
    }
  }

  /** The partition of a record with this key (the same for every topic with this partition count). */
  partitionOf(key: string): number {
    let p = this.#cache.get(key);
    if (p === undefined) {
      p = partitionForKey(key, this.numPartitions);
      this.#cache.set(key, p);
    }
    return p;
  }
}
