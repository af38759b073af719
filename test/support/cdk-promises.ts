// The promises the CDK app makes, asserted on one synthesized environment. test/lib/app.test.ts calls
// describePromises() for every environment.
import { describe, expect, it } from 'vitest';
import { asArray, iamStatements, resourcesOf, type Resources, type SynthResult } from './cdk-app.js';

/** Actions that do not support resource-level permissions: the only ones allowed on Resource "*". */
export const STAR_RESOURCE_ACTIONS = new Set([
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeVpcs',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
  'ecr:GetAuthorizationToken',
]);
const DATA_SERVICES = [
  's3',
  'glue',
  'kafka',
  'kafka-cluster',
  'kms',
  'secretsmanager',
  'athena',
  'lambda',
  'ecs',
  'sns',
];

function all(s: SynthResult): { part: string; resources: Resources; json: Record<string, unknown> }[] {
  return s.stackParts.map((part) => {
    const json = s.templateJson(part);
    return { part, json, resources: resourcesOf(json) };
  });
}

function ofType(
  s: SynthResult,
  type: string,
): { part: string; id: string; props: Record<string, unknown>; deletion?: string }[] {
  return all(s).flatMap(({ part, resources }) =>
    Object.entries(resources)
      .filter(([, r]) => r.Type === type)
      .map(([id, r]) => ({ part, id, props: r.Properties ?? {}, deletion: r.DeletionPolicy })),
  );
}

function decodeJson(x: unknown): unknown {
  return typeof x === 'string' && (x.startsWith('{') || x.startsWith('[')) ? JSON.parse(x) : x;
}

/** Every field id in a CloudFormation Iceberg schema (nested types are Iceberg JSON inside the Type string). */
function cfnFieldIds(fields: { Id: number; Type: string }[]): number[] {
  const ids: number[] = [];
  const visit = (t: unknown): void => {
    if (typeof t !== 'object' || t === null) return;
    const n = t as Record<string, unknown>;
    if (n.type === 'struct') {
      for (const f of n.fields as { id: number; type: unknown }[]) {
        ids.push(f.id);
        visit(f.type);
      }
    } else if (n.type === 'list') {
      ids.push(n['element-id'] as number);
      visit(n.element);
    } else if (n.type === 'map') {
      ids.push(n['key-id'] as number, n['value-id'] as number);
      visit(n.key);
      visit(n.value);
    }
  };
  for (const f of fields) {
    ids.push(f.Id);
    visit(decodeJson(f.Type));
  }
  return ids;
}

function modelFieldIds(fields: readonly { id: number; type: unknown }[]): number[] {
  return cfnFieldIds(
    fields.map((f) => ({ Id: f.id, Type: typeof f.type === 'string' ? f.type : JSON.stringify(f.type) })),
  );
}

export function describePromises(get: () => SynthResult): void {
  describe('policy checks', () => {
    it('synthesizes offline: no context lookup was needed', () => {
      expect(get().manifest.missing).toBeUndefined();
    });

    it('every validation plugin passed with zero unacknowledged findings', () => {
      const reports = get().report.pluginReports;
      expect(reports.map((r) => r.pluginName)).toEqual(
        expect.arrayContaining(['AwsSolutions', 'CloudFormation Validate']),
      );
      for (const r of reports) {
        expect({ plugin: r.pluginName, conclusion: r.conclusion, violations: r.violations }).toEqual({
          plugin: r.pluginName,
          conclusion: 'success',
          violations: [],
        });
      }
    });
  });

  describe('storage', () => {
    it('blocks public access and enforces bucket-owner ownership on every bucket', () => {
      const buckets = ofType(get(), 'AWS::S3::Bucket');
      expect(buckets.length).toBe(6);
      for (const b of buckets) {
        expect(b.props.PublicAccessBlockConfiguration).toEqual({
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
        expect(b.props.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
        expect(b.props.VersioningConfiguration).toEqual({ Status: 'Enabled' });
        const rules = (b.props.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
        expect(rules.some((r) => r.AbortIncompleteMultipartUpload !== undefined)).toBe(true);
      }
    });

    it('encrypts every lake bucket with the data key (SSE-KMS, bucket key) and logs access', () => {
      const { config } = get();
      for (const b of ofType(get(), 'AWS::S3::Bucket')) {
        const sse = (b.props.BucketEncryption as { ServerSideEncryptionConfiguration: Record<string, unknown>[] })
          .ServerSideEncryptionConfiguration[0]!;
        if (b.props.BucketName === `shoplake-${config.name}-${config.account}-${config.region}-access-logs`) {
          // S3 delivers server access logs only to SSE-S3 buckets (docs/security.md).
          expect(sse).toEqual({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } });
          continue;
        }
        expect(sse.BucketKeyEnabled).toBe(true);
        expect(sse.ServerSideEncryptionByDefault).toMatchObject({
          SSEAlgorithm: 'aws:kms',
          KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] },
        });
        expect(b.props.LoggingConfiguration).toMatchObject({
          DestinationBucketName: { Ref: expect.stringMatching(/^AccessLogs/) },
        });
      }
    });

    it('every bucket policy denies requests without TLS and below TLS 1.2', () => {
      const policies = ofType(get(), 'AWS::S3::BucketPolicy');
      expect(policies.length).toBe(6);
      for (const p of policies) {
        const st = (p.props.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
        expect(st).toContainEqual(
          expect.objectContaining({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Principal: { AWS: '*' },
          }),
        );
        expect(st).toContainEqual(
          expect.objectContaining({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
          }),
        );
      }
    });

    it('expires table data per table (min of contract and environment) and never touches Iceberg metadata', () => {
      const { config, model } = get();
      const buckets = ofType(get(), 'AWS::S3::Bucket');
      for (const t of model.tables) {
        const bucket = buckets.find(
          (b) => b.props.BucketName === `shoplake-${config.name}-${config.account}-${config.region}-${t.namespace}`,
        )!;
        const rules = (bucket.props.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
        const rule = rules.find((r) => r.Id === `expire-${t.name}-data`)!;
        const days = Math.min(t.retentionDays ?? Infinity, config.storage.retentionDays[t.namespace]);
        expect(rule).toMatchObject({ Prefix: `${t.name}/data/`, ExpirationInDays: days, Status: 'Enabled' });
        if (t.namespace === 'bronze' && config.storage.bronzeTiering.infrequentAccessAfterDays < days) {
          expect(rule.Transitions).toContainEqual({
            StorageClass: 'STANDARD_IA',
            TransitionInDays: config.storage.bronzeTiering.infrequentAccessAfterDays,
          });
        }
        for (const r of rules) expect(String(r.Prefix ?? '')).not.toMatch(/metadata/);
      }
    });

    it('rotates every KMS key and denies grants that are not for AWS resources', () => {
      const keys = ofType(get(), 'AWS::KMS::Key');
      expect(keys.length).toBeGreaterThanOrEqual(5);
      for (const k of keys) {
        expect(k.props.EnableKeyRotation).toBe(true);
        const st = (k.props.KeyPolicy as { Statement: Record<string, unknown>[] }).Statement;
        expect(st).toContainEqual(
          expect.objectContaining({ Sid: 'DenyGrantsExceptForAwsServices', Effect: 'Deny', Action: 'kms:CreateGrant' }),
        );
      }
    });
  });

  describe('network', () => {
    it('has only private subnets in the configured zones, flow logs and the endpoints', () => {
      const s = get();
      const t = s.template('network');
      const subnets = ofType(s, 'AWS::EC2::Subnet');
      expect(subnets.map((x) => x.props.AvailabilityZone).sort()).toEqual(
        s.config.network.natGateways > 0
          ? [...s.config.availabilityZones, ...s.config.availabilityZones].sort()
          : [...s.config.availabilityZones].sort(),
      );
      for (const x of subnets.filter((x) => x.props.MapPublicIpOnLaunch === true))
        throw new Error(`public IPs on ${x.id}`);
      t.resourceCountIs('AWS::EC2::FlowLog', 1);
      t.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
      const services = ofType(s, 'AWS::EC2::VPCEndpoint').map((e) => JSON.stringify(e.props.ServiceName));
      for (const svc of ['.s3', '.glue', '.kms', '.sts', '.logs', '.secretsmanager', '.ecr.api', '.ecr.dkr']) {
        expect(services.some((n) => n.includes(svc))).toBe(true);
      }
    });

    it('encrypts every log group with KMS and sets its retention', () => {
      const groups = ofType(get(), 'AWS::Logs::LogGroup');
      expect(groups.length).toBeGreaterThan(3);
      for (const g of groups) {
        expect(g.props.KmsKeyId).toBeDefined();
        expect(g.props.RetentionInDays).toBe(get().config.observability.logRetentionDays);
      }
    });
  });

  describe('streaming', () => {
    it('MSK requires IAM auth and TLS everywhere', () => {
      const s = get();
      if (s.config.streaming.mode === 'provisioned') {
        const [cluster] = ofType(s, 'AWS::MSK::Cluster');
        expect(cluster!.props.ClientAuthentication).toEqual({ Sasl: { Iam: { Enabled: true } } });
        expect(cluster!.props.EncryptionInfo).toMatchObject({
          EncryptionInTransit: { ClientBroker: 'TLS', InCluster: true },
          EncryptionAtRest: { DataVolumeKMSKeyId: expect.anything() },
        });
        expect(cluster!.props.LoggingInfo).toMatchObject({ BrokerLogs: { CloudWatchLogs: { Enabled: true } } });
        expect(cluster!.props.NumberOfBrokerNodes).toBe(
          s.config.streaming.brokersPerAz * s.config.availabilityZones.length,
        );
      } else {
        const [cluster] = ofType(s, 'AWS::MSK::ServerlessCluster');
        expect(cluster!.props.ClientAuthentication).toEqual({ Sasl: { Iam: { Enabled: true } } });
      }
    });

    it('admits only the consumers: the broker security group has one ingress, from the client group, on 9098', () => {
      const ingress = ofType(get(), 'AWS::EC2::SecurityGroupIngress');
      expect(ingress).toHaveLength(1);
      expect(ingress[0]!.props).toMatchObject({
        FromPort: 9098,
        ToPort: 9098,
        IpProtocol: 'tcp',
        SourceSecurityGroupId: expect.anything(),
      });
      for (const sg of ofType(get(), 'AWS::EC2::SecurityGroup')) {
        for (const rule of asArray(sg.props.SecurityGroupIngress as Record<string, unknown>[] | undefined)) {
          expect(rule.CidrIp).not.toBe('0.0.0.0/0');
        }
      }
    });

    it('declares every configured topic with its partitions and retention', () => {
      const s = get();
      if (s.config.streaming.mode !== 'provisioned') return;
      const topics = ofType(s, 'AWS::MSK::Topic');
      expect(topics.map((t) => t.props.TopicName).sort()).toEqual(Object.keys(s.config.topics).sort());
      for (const t of topics) {
        const cfg = s.config.topics[t.props.TopicName as string]!;
        expect(t.props.PartitionCount).toBe(cfg.partitions);
        const configs = JSON.parse(Buffer.from(t.props.Configs as string, 'base64').toString('utf8')) as Record<
          string,
          string
        >;
        expect(configs['retention.ms']).toBe(String(cfg.retentionHours * 3_600_000));
      }
    });
  });

  describe('catalog', () => {
    it('declares every contract table as an Iceberg table carrying the contract field ids', () => {
      const s = get();
      const tables = ofType(s, 'AWS::Glue::Table');
      expect(tables).toHaveLength(s.model.tables.length);
      for (const t of s.model.tables) {
        const cfn = tables.find(
          (x) => x.props.Name === t.name && x.props.DatabaseName === `shoplake_${s.config.name}_${t.namespace}`,
        );
        expect(cfn, `${t.namespace}.${t.name}`).toBeDefined();
        expect(cfn!.props.TableInput).toBeUndefined();
        const input = (cfn!.props.OpenTableFormatInput as { IcebergInput: Record<string, unknown> }).IcebergInput;
        expect(input).toMatchObject({ MetadataOperation: 'CREATE', Version: '2' });
        const ti = input.IcebergTableInput as {
          Location: string;
          Schema: { Fields: { Id: number; Type: string }[] };
          PartitionSpec: { Fields: { SourceId: number; FieldId: number; Transform: string }[] };
          Properties: Record<string, string>;
        };
        expect(ti.Location).toBe(
          `s3://shoplake-${s.config.name}-${s.config.account}-${s.config.region}-${t.namespace}/${t.name}`,
        );
        expect(cfnFieldIds(ti.Schema.Fields)).toEqual(modelFieldIds(t.schema.fields));
        expect(ti.PartitionSpec.Fields.map((p) => [p.SourceId, p.FieldId, p.Transform])).toEqual(
          t.partitionSpec.fields.map((p) => [p['source-id'], p['field-id'], p.transform]),
        );
        expect(ti.Properties).toMatchObject({ ...t.properties, 'write.format.default': 'parquet' });
      }
    });

    it('registers a JSON Schema per contract and configures the Athena workgroup', () => {
      const s = get();
      const schemas = ofType(s, 'AWS::Glue::Schema');
      expect(schemas.map((x) => x.props.Name).sort()).toEqual(s.model.contracts.map((c) => c.eventType).sort());
      for (const x of schemas) expect(x.props).toMatchObject({ DataFormat: 'JSON', Compatibility: 'BACKWARD' });
      const [wg] = ofType(s, 'AWS::Athena::WorkGroup');
      expect(wg!.props.WorkGroupConfiguration).toMatchObject({
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: true,
        BytesScannedCutoffPerQuery: s.config.athenaBytesScannedCutoff,
        ResultConfiguration: { EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: expect.anything() } },
      });
      expect(
        ofType(s, 'AWS::Glue::Database')
          .map((d) => (d.props.DatabaseInput as { Name: string }).Name)
          .sort(),
      ).toEqual(['bronze', 'gold', 'ops', 'silver'].map((l) => `shoplake_${s.config.name}_${l}`));
      expect(ofType(s, 'AWS::Athena::NamedQuery').length).toBeGreaterThanOrEqual(5);
    });
  });

  describe('ingest', () => {
    it('wires one event source mapping to every Lambda topic, with its settings and failure destination', () => {
      const s = get();
      const lambdaTopics = Object.entries(s.config.topics)
        .filter(([, t]) =>
          s.config.ingest.runtime === 'both' ? t.consumer === 'lambda' : s.config.ingest.runtime === 'lambda',
        )
        .map(([n]) => n);
      const esms = ofType(s, 'AWS::Lambda::EventSourceMapping');
      expect(
        esms
          .map((e) => asArray(e.props.Topics as string[]))
          .flat()
          .sort(),
      ).toEqual(lambdaTopics.sort());
      const l = s.config.ingest.lambda;
      for (const e of esms) {
        const topic = (e.props.Topics as string[])[0]!;
        expect(e.props).toMatchObject({
          BatchSize: l.batchSize,
          MaximumBatchingWindowInSeconds: l.batchingWindowSeconds,
          StartingPosition: l.startingPosition,
          AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: `shoplake-${s.config.name}-lambda-${topic}` },
          DestinationConfig: {
            OnFailure: {
              Destination: `arn:aws:s3:::shoplake-${s.config.name}-${s.config.account}-${s.config.region}-ops`,
            },
          },
        });
      }
      if (lambdaTopics.length === 0) return;
      const [fn] = ofType(s, 'AWS::Lambda::Function').filter(
        (f) => f.props.FunctionName === `shoplake-${s.config.name}-ingest`,
      );
      expect(fn!.props).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: l.memoryMiB,
        VpcConfig: expect.anything(),
      });
      const env = (fn!.props.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env).toMatchObject({
        SHOPLAKE_CATALOG: 'glue',
        SHOPLAKE_WAREHOUSE: `s3://shoplake-${s.config.name}-${s.config.account}-${s.config.region}-silver/`,
        SHOPLAKE_NAMESPACE_SILVER: `shoplake_${s.config.name}_silver`,
        SHOPLAKE_ALLOWED_LATENESS_SECONDS: String(s.config.ingest.allowedLatenessSeconds),
      });
      // The salt travels by reference to the secret, never as a value.
      expect(typeof env.SHOPLAKE_SALT_SECRET_ARN).toBe('object');
    });

    it('runs ECS tasks on arm64, non-root, with a read-only root filesystem, from the stream-jobs image', () => {
      const defs = ofType(get(), 'AWS::ECS::TaskDefinition');
      expect(defs.length).toBeGreaterThanOrEqual(2);
      for (const d of defs) {
        expect(d.props.RuntimePlatform).toEqual({ CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' });
        for (const c of d.props.ContainerDefinitions as Record<string, unknown>[]) {
          expect(c).toMatchObject({ ReadonlyRootFilesystem: true, User: '1000:1000' });
          expect(JSON.stringify(c.Image)).toContain('container-assets');
        }
      }
      const commands = defs.flatMap((d) =>
        (d.props.ContainerDefinitions as { Command: string[] }[]).map((c) => c.Command.join(' ')),
      );
      expect(commands).toEqual(expect.arrayContaining(['node dist/maintenance.mjs', 'node dist/gold.mjs']));
      const schedules = ofType(get(), 'AWS::Scheduler::Schedule');
      expect(schedules).toHaveLength(2);
      for (const sch of schedules)
        expect(sch.props).toMatchObject({
          KmsKeyArn: expect.anything(),
          Target: { EcsParameters: expect.objectContaining({ LaunchType: 'FARGATE' }) },
        });
    });

    it('uses no AWS managed policy on any role it defines', () => {
      for (const r of ofType(get(), 'AWS::IAM::Role').filter((r) => r.part === 'ingest'))
        expect(r.props.ManagedPolicyArns).toBeUndefined();
    });
  });

  describe('least privilege', () => {
    it('has no wildcard action on data services, and Resource "*" only where no ARN exists', () => {
      const s = get();
      for (const { part, json } of all(s)) {
        for (const { resource, statement } of iamStatements(json)) {
          if (statement.Effect !== 'Allow') continue;
          const actions = asArray(statement.Action as string | string[]);
          for (const a of actions) {
            const [service] = a.split(':');
            if (DATA_SERVICES.includes(service!)) expect(a, `${part}/${resource}`).not.toMatch(/\*/);
          }
          const resources = asArray(statement.Resource as unknown);
          if (resources.includes('*')) {
            for (const a of actions) expect(STAR_RESOURCE_ACTIONS.has(a), `${part}/${resource}: ${a} on *`).toBe(true);
          }
          for (const r of resources.filter((x): x is string => typeof x === 'string' && x.includes('*'))) {
            // Literal ARNs with a wildcard: only object keys under a bucket/prefix, or the gold database's tables.
            expect(r, `${part}/${resource}`).toMatch(
              /^(arn:aws:s3:::[a-z0-9-]+\/([a-z_/]+\/)?\*|arn:aws:glue:[^:]+:\d+:table\/shoplake_\w+_gold\/\*|\*)$/,
            );
          }
        }
      }
    });

    it('scopes Glue access to exact table ARNs of the contracts', () => {
      const s = get();
      const glue = all(s)
        .flatMap(({ json }) => iamStatements(json))
        .filter(({ statement }) => asArray(statement.Action as string[]).includes('glue:UpdateTable'));
      expect(glue.length).toBeGreaterThan(0);
      const allowed = new Set(
        s.model.tables.map(
          (t) =>
            `arn:aws:glue:${s.config.region}:${s.config.account}:table/shoplake_${s.config.name}_${t.namespace}/${t.name}`,
        ),
      );
      for (const { statement } of glue) {
        for (const r of asArray(statement.Resource as string[]).filter(
          (x) => typeof x === 'string' && x.includes(':table/'),
        )) {
          expect(allowed.has(r) || r.endsWith(`shoplake_${s.config.name}_gold/*`), r).toBe(true);
        }
      }
    });
  });

  describe('secrets and observability', () => {
    it('keeps the PII salt and the webhook secret in Secrets Manager under a KMS key, never in a template', () => {
      const secrets = ofType(get(), 'AWS::SecretsManager::Secret');
      expect(secrets).toHaveLength(2);
      for (const x of secrets) {
        expect(x.props.KmsKeyId).toBeDefined();
        expect(x.props.SecretString).toBeUndefined();
        expect(x.props.GenerateSecretString).toBeDefined();
      }
    });

    it('sends every alarm to the encrypted SNS topic and charts lag, errors and the EMF metrics', () => {
      const s = get();
      const [topic] = ofType(s, 'AWS::SNS::Topic');
      expect(topic!.props.KmsMasterKeyId).toBeDefined();
      const alarms = ofType(s, 'AWS::CloudWatch::Alarm').filter((a) => a.part === 'observability');
      expect(alarms.length).toBeGreaterThan(5);
      for (const a of alarms) {
        expect(a.props.AlarmActions).toEqual([{ Ref: topic!.id }]);
        expect(a.props.OKActions).toEqual([{ Ref: topic!.id }]);
      }
      const subs = ofType(s, 'AWS::SNS::Subscription');
      expect(subs.map((x) => x.props.Endpoint)).toEqual(
        s.config.observability.alarmEmail ? [s.config.observability.alarmEmail] : [],
      );
      const [dash] = ofType(s, 'AWS::CloudWatch::Dashboard');
      const body = JSON.stringify(dash!.props.DashboardBody);
      for (const m of [
        'MaxOffsetLag',
        'EstimatedMaxTimeLag',
        'records_in',
        'records_landed',
        'records_quarantined',
        'duplicates_skipped',
        'late_events',
        'commit_latency_ms',
        'batch_bytes',
      ]) {
        expect(body).toContain(m);
      }
      if (s.shoplake.ingest.ingestFunction)
        for (const m of ['Errors', 'Duration', 'Throttles']) expect(body).toContain(m);
      if (s.shoplake.ingest.consumer)
        for (const m of ['CPUUtilization', 'MemoryUtilization']) expect(body).toContain(m);
    });
  });
}
