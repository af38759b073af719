import { describe, expect, it } from 'vitest';
import {
  planTopicChanges,
  TopicPlanError,
  type TopicSpec,
  type TopicState,
} from '../../../../lib/handlers/kafka-topics/plan.js';

const spec = (name: string, partitions: number, retention = '604800000'): TopicSpec => ({
  name,
  partitions,
  configs: { 'cleanup.policy': 'delete', 'retention.ms': retention },
});
const state = (name: string, partitions: number, retention = '604800000'): [string, TopicState] => [
  name,
  { name, partitions, configs: { 'cleanup.policy': 'delete', 'retention.ms': retention } },
];

describe('planTopicChanges', () => {
  it('creates missing topics and leaves matching ones alone', () => {
    const changes = planTopicChanges([spec('orders', 6), spec('behaviour', 12)], new Map([state('orders', 6)]));
    expect(changes).toEqual([{ kind: 'create', spec: spec('behaviour', 12) }]);
  });

  it('grows partitions and corrects drifted retention', () => {
    const changes = planTopicChanges([spec('orders', 12, '259200000')], new Map([state('orders', 6)]));
    expect(changes).toEqual([
      { kind: 'add-partitions', name: 'orders', from: 6, to: 12 },
      { kind: 'alter-configs', name: 'orders', configs: spec('orders', 12, '259200000').configs },
    ]);
  });

  it('refuses to shrink a topic, naming the config key', () => {
    expect(() => planTopicChanges([spec('orders', 3)], new Map([state('orders', 6)]))).toThrow(TopicPlanError);
    expect(() => planTopicChanges([spec('orders', 3)], new Map([state('orders', 6)]))).toThrow(
      /topic orders: config asks for 3 partitions but it has 6; Kafka cannot remove partitions \(raise topics.orders.partitions back/,
    );
  });

  it('is idempotent: nothing to do when the cluster matches', () => {
    expect(planTopicChanges([spec('a', 1), spec('b', 2)], new Map([state('a', 1), state('b', 2)]))).toEqual([]);
  });
});
