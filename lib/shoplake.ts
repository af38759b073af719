// Builds one environment of shoplake into a CDK app: seven stacks, wired in dependency order. bin/app.ts and the
// tests both call this, so what the tests check is exactly what `cdk deploy` ships.
import { type App, Tags } from 'aws-cdk-lib';
import type { EnvConfig } from './config/types.js';
import { acknowledgeFindings } from './compliance/acknowledgements.js';
import type { SchemaModel } from './schemas/model.js';
import { CatalogStack } from './stacks/catalog-stack.js';
import { stackProps } from './stacks/common.js';
import { IngestStack } from './stacks/ingest-stack.js';
import { NetworkStack } from './stacks/network-stack.js';
import { ObservabilityStack } from './stacks/observability-stack.js';
import { SecretsStack } from './stacks/secrets-stack.js';
import { StorageStack } from './stacks/storage-stack.js';
import { StreamingStack } from './stacks/streaming-stack.js';
import { ConfigError } from './config/validate.js';

export interface Shoplake {
  readonly storage: StorageStack;
  readonly network: NetworkStack;
  readonly streaming: StreamingStack;
  readonly catalog: CatalogStack;
  readonly secrets: SecretsStack;
  readonly ingest: IngestStack;
  readonly observability: ObservabilityStack;
}

/** Every topic a contract routes from must be configured, and every configured topic must feed a contract. */
export function checkTopics(config: EnvConfig, model: SchemaModel): void {
  const configured = new Set(Object.keys(config.topics));
  const problems = [
    ...model.topics
      .filter((t) => !configured.has(t))
      .map(
        (t) =>
          `topics.${t}: the contracts route events from topic '${t}' (glue-schemas/topics.json) but it is not configured`,
      ),
    ...[...configured]
      .filter((t) => !model.topics.includes(t))
      .map((t) => `topics.${t}: no contract routes events from this topic (glue-schemas/topics.json)`),
  ];
  if (problems.length > 0) throw new ConfigError(config.name, problems);
}

export function buildShoplake(app: App, config: EnvConfig, model: SchemaModel): Shoplake {
  checkTopics(config, model);
  Tags.of(app).add('project', 'shoplake');
  Tags.of(app).add('environment', config.name);

  const storage = new StorageStack(app, `${config.name}-storage`, {
    ...stackProps(config, 'storage', 'KMS keys and the lake buckets'),
    tables: model.tables,
  });
  const network = new NetworkStack(app, `${config.name}-network`, {
    ...stackProps(config, 'network', 'VPC, flow logs and endpoints'),
    logsKey: storage.logsKey,
  });
  const streaming = new StreamingStack(app, `${config.name}-streaming`, {
    ...stackProps(config, 'streaming', 'MSK cluster and topics'),
    vpc: network.vpc,
    subnets: network.privateSubnets,
    dataKey: storage.dataKey,
    logsKey: storage.logsKey,
  });
  const catalog = new CatalogStack(app, `${config.name}-catalog`, {
    ...stackProps(config, 'catalog', 'Glue databases, Iceberg tables, schema registry, Athena'),
    model,
    dataKey: storage.dataKey,
  });
  catalog.addStackDependency(storage, 'tables live in the lake buckets');
  const secrets = new SecretsStack(
    app,
    `${config.name}-secrets`,
    stackProps(config, 'secrets', 'PII salt and webhook secret'),
  );
  const ingest = new IngestStack(app, `${config.name}-ingest`, {
    ...stackProps(config, 'ingest', 'Lambda and ECS consumers, scheduled jobs'),
    tables: model.tables,
    vpc: network.vpc,
    subnets: network.privateSubnets,
    kafka: streaming.kafka,
    dataKey: storage.dataKey,
    logsKey: storage.logsKey,
    piiSalt: secrets.piiSalt,
    secretsKey: secrets.secretsKey,
  });
  ingest.addStackDependency(streaming, 'topics exist before consumers read them');
  ingest.addStackDependency(catalog, 'tables exist before consumers commit to them');
  const observability = new ObservabilityStack(app, `${config.name}-observability`, {
    ...stackProps(config, 'observability', 'dashboard and alarms'),
    clusterName: streaming.kafka.clusterName,
    consumerGroups: ingest.consumerGroups,
    ingestFunction: ingest.ingestFunction,
    consumer: ingest.consumer,
  });
  const stacks = { storage, network, streaming, catalog, secrets, ingest, observability };
  acknowledgeFindings(stacks, config);
  return stacks;
}
