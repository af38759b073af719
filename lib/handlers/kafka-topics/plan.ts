// Pure planning for the topics custom resource: given the topics the config wants and the topics the cluster has,
// the Kafka admin operations to run. Partitions only grow; a shrink is refused with a clear error.

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  /** Omitted on MSK Serverless, which always keeps 3 replicas. */
  readonly replicationFactor?: number;
  readonly configs: Readonly<Record<string, string>>;
}

export interface TopicState {
  readonly name: string;
  readonly partitions: number;
  readonly configs: Readonly<Record<string, string>>;
}

export type TopicChange =
  | { readonly kind: 'create'; readonly spec: TopicSpec }
  | { readonly kind: 'add-partitions'; readonly name: string; readonly from: number; readonly to: number }
  | { readonly kind: 'alter-configs'; readonly name: string; readonly configs: Readonly<Record<string, string>> };

export class TopicPlanError extends Error {}

export function planTopicChanges(
  desired: readonly TopicSpec[],
  existing: ReadonlyMap<string, TopicState>,
): TopicChange[] {
  const changes: TopicChange[] = [];
  for (const spec of desired) {
    const current = existing.get(spec.name);
    if (!current) {
      changes.push({ kind: 'create', spec });
      continue;
    }
    if (spec.partitions < current.partitions) {
      throw new TopicPlanError(
        `topic ${spec.name}: config asks for ${spec.partitions} partitions but it has ${current.partitions}; ` +
          'Kafka cannot remove partitions (raise topics.' +
          spec.name +
          '.partitions back, or recreate the topic by hand)',
      );
    }
    if (spec.partitions > current.partitions) {
      changes.push({ kind: 'add-partitions', name: spec.name, from: current.partitions, to: spec.partitions });
    }
    const drift = Object.entries(spec.configs).some(([k, v]) => current.configs[k] !== v);
    if (drift) changes.push({ kind: 'alter-configs', name: spec.name, configs: spec.configs });
  }
  return changes;
}
