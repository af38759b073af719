// Custom resource handler (onEvent of a custom-resources Provider) that makes the topics of an MSK Serverless
// cluster match the config: create missing topics, add partitions, set retention. MSK Serverless has no
// AWS::MSK::Topic support, so this speaks the Kafka admin protocol with IAM auth from inside the VPC.
// Deploy-time infrastructure code, bundled by lib/constructs/kafka-topics.ts; it never imports core/.
import { generateAuthToken } from 'aws-msk-iam-sasl-signer-js';
import { ConfigResourceTypes, Kafka, logLevel, type Admin } from 'kafkajs';
import { planTopicChanges, type TopicSpec, type TopicState } from './plan.js';

interface TopicsEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: {
    readonly BootstrapBrokers: string;
    readonly Topics: string;
    readonly RemoveOnDelete: string;
  };
}

export async function handler(event: TopicsEvent): Promise<{ PhysicalResourceId: string }> {
  const props = event.ResourceProperties;
  const topics = JSON.parse(props.Topics) as TopicSpec[];
  const physicalId = event.PhysicalResourceId ?? `topics-${topics.map((t) => t.name).join('-')}`.slice(0, 200);
  const region = process.env.AWS_REGION;
  if (!region) throw new Error('AWS_REGION is not set');
  const kafka = new Kafka({
    clientId: 'shoplake-topics',
    brokers: props.BootstrapBrokers.split(','),
    ssl: true,
    sasl: {
      mechanism: 'oauthbearer',
      oauthBearerProvider: async () => ({ value: (await generateAuthToken({ region })).token }),
    },
    logLevel: logLevel.WARN,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (event.RequestType === 'Delete') {
      if (props.RemoveOnDelete === 'true') await admin.deleteTopics({ topics: topics.map((t) => t.name) });
      return { PhysicalResourceId: physicalId };
    }
    const changes = planTopicChanges(topics, await describe(admin, topics));
    for (const change of changes) {
      console.log(JSON.stringify({ msg: 'topic change', ...change }));
      if (change.kind === 'create') {
        await admin.createTopics({
          waitForLeaders: true,
          topics: [
            {
              topic: change.spec.name,
              numPartitions: change.spec.partitions,
              replicationFactor: change.spec.replicationFactor ?? -1,
              configEntries: Object.entries(change.spec.configs).map(([name, value]) => ({ name, value })),
            },
          ],
        });
      } else if (change.kind === 'add-partitions') {
        await admin.createPartitions({ topicPartitions: [{ topic: change.name, count: change.to }] });
      } else {
        await admin.alterConfigs({
          validateOnly: false,
          resources: [
            {
              type: ConfigResourceTypes.TOPIC,
              name: change.name,
              configEntries: Object.entries(change.configs).map(([name, value]) => ({ name, value })),
            },
          ],
        });
      }
    }
    return { PhysicalResourceId: physicalId };
  } finally {
    await admin.disconnect();
  }
}

async function describe(admin: Admin, wanted: readonly TopicSpec[]): Promise<Map<string, TopicState>> {
  const names = new Set(await admin.listTopics());
  const present = wanted.filter((t) => names.has(t.name));
  const state = new Map<string, TopicState>();
  if (present.length === 0) return state;
  const meta = await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) });
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: present.map((t) => ({
      type: ConfigResourceTypes.TOPIC,
      name: t.name,
      configNames: Object.keys(t.configs),
    })),
  });
  for (const t of meta.topics) {
    const entries = configs.resources.find((r) => r.resourceName === t.name)?.configEntries ?? [];
    state.set(t.name, {
      name: t.name,
      partitions: t.partitions.length,
      configs: Object.fromEntries(entries.map((e) => [e.configName, e.configValue])),
    });
  }
  return state;
}
