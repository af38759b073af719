// Positions: per assigned partition, the next offset this consumer needs, and the guard that keeps a micro-batch
// gap-free. The Iceberg checkpoint (bronze offset + 1) sets it on every assignment and after a failed commit;
// each accepted fetch moves it past the records taken. A fetch is accepted only when it was read from a position
// at or below the next offset: a fetch from further on (one made before a seek took effect, or after kafkajs reset
// an out-of-range offset) would skip records, and a batch's offsets say "everything up to here landed", so a gap
// would be silent loss. Records below the next offset (already taken, or at or below the checkpoint) are dropped.
import type { KafkaMessage } from '../kafka/index.js';

export interface PartitionPosition {
  /** Next offset to take into a batch. */
  next: number;
  /** Next offset after the Iceberg checkpoint (what is committed); for lag. */
  committed: number;
  /** Whether bronze had a checkpoint for it when assigned. */
  hadCheckpoint: boolean;
  /** The offset of the last seek issued for it (a fetch from further on after that seek is a retention gap). */
  seekedTo: number | null;
  /** Highest high watermark seen in a fetch (log end offset), for lag. */
  highWatermark: number | null;
}

export type FetchVerdict =
  /** Take these messages (in offset order, all >= the previous next offset). */
  | { kind: 'take'; messages: KafkaMessage[] }
  /**
   * The fetch started beyond the next offset: drop it. Either it was made before a seek took effect (seek back to
   * `next`), or the records from `next` on are gone from Kafka (retention): the caller checks the partition's log
   * start offset and, only if it is past `next`, moves on with `skipTo` (never on a guess).
   */
  | { kind: 'beyond'; next: number; seekedTo: number | null }
  /** Not an assigned partition (a fetch from before a rebalance): drop it. */
  | { kind: 'unassigned' };

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class Positions {
  private readonly byKey = new Map<string, PartitionPosition & { topic: string; partition: number }>();

  /** Forgets every partition, then starts each given one at its checkpoint + 1 (0 without a checkpoint). */
  reset(assignment: Record<string, number[]>, checkpoints: Map<string, Map<number, number>>): void {
    this.byKey.clear();
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) {
        const cp = checkpoints.get(topic)?.get(partition);
        const next = cp === undefined ? 0 : cp + 1;
        this.byKey.set(key(topic, partition), {
          topic,
          partition,
          next,
          committed: next,
          hadCheckpoint: cp !== undefined,
          seekedTo: null,
          highWatermark: null,
        });
      }
    }
  }

  get(topic: string, partition: number): PartitionPosition | undefined {
    return this.byKey.get(key(topic, partition));
  }

  /** Assigned partitions, grouped by topic (for pause/resume and seeks). */
  assigned(): { topic: string; partitions: number[] }[] {
    const byTopic = new Map<string, number[]>();
    for (const p of this.byKey.values())
      (byTopic.get(p.topic) ?? byTopic.set(p.topic, []).get(p.topic)!).push(p.partition);
    return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
  }

  all(): (PartitionPosition & { topic: string; partition: number })[] {
    return [...this.byKey.values()];
  }

  /** Records a seek to the partition's next offset. */
  sought(topic: string, partition: number, offset: number): void {
    const p = this.byKey.get(key(topic, partition));
    if (p) p.seekedTo = offset;
  }

  /**
   * Judges one fetch of a partition: `fetchedOffset` is the offset the fetch asked for. On 'take', the partition's
   * next offset moves past the last message taken.
   */
  judge(
    topic: string,
    partition: number,
    fetchedOffset: number,
    messages: KafkaMessage[],
    highWatermark: number | null,
  ): FetchVerdict {
    const p = this.byKey.get(key(topic, partition));
    if (!p) return { kind: 'unassigned' };
    if (highWatermark !== null && highWatermark > (p.highWatermark ?? -1)) p.highWatermark = highWatermark;
    if (fetchedOffset > p.next) return { kind: 'beyond', next: p.next, seekedTo: p.seekedTo };
    const taken: KafkaMessage[] = [];
    for (const m of messages) {
      const offset = Number(m.offset);
      if (offset < p.next) continue;
      taken.push(m);
      p.next = offset + 1;
    }
    return { kind: 'take', messages: taken };
  }

  /**
   * The records of a partition from its next offset up to `offset` - 1 no longer exist in Kafka (the caller read
   * the log start offset): continue from `offset`. Returns how many offsets were skipped.
   */
  skipTo(topic: string, partition: number, offset: number): number {
    const p = this.byKey.get(key(topic, partition));
    if (!p || offset <= p.next) return 0;
    const skipped = offset - p.next;
    p.next = offset;
    return skipped;
  }

  /** After a commit: the partitions' committed position (highest offset landed + 1). */
  committedUpTo(offsets: Record<string, Record<number, number>>): void {
    for (const [topic, parts] of Object.entries(offsets)) {
      for (const [partition, offset] of Object.entries(parts)) {
        const p = this.byKey.get(key(topic, Number(partition)));
        if (p && offset + 1 > p.committed) p.committed = offset + 1;
      }
    }
  }

  /** Records in Kafka beyond the Iceberg checkpoint, over the assigned partitions whose log end is known. */
  lag(): number {
    let lag = 0;
    for (const p of this.byKey.values())
      if (p.highWatermark !== null) lag += Math.max(0, p.highWatermark - p.committed);
    return lag;
  }
}
