// EVERY acknowledged policy finding of the app, each with its reason; nothing else in lib/ calls
// Validations.acknowledge. cdk-nag 3 and CDK's validation framework match an acknowledgement by its exact id (the
// plugin, the rule and, for granular rules, the finding, e.g. `AwsSolutions::AwsSolutions-IAM5[Resource::*]`) on
// the construct it is placed on and everything below it. Acknowledgements sit on the narrowest construct that carries
// the finding, so a new wildcard anywhere else still fails synth. docs/security.md lists them for reviewers.
import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { EnvConfig } from '../config/types.js';
import { EncryptedLogGroup } from '../constructs/encrypted-log-group.js';
import type { Shoplake } from '../shoplake.js';
import { bucketName, type BucketRole } from '../stacks/common.js';

const NAG = 'AwsSolutions::';
const CFN = 'CloudFormation-Validate::';
const GUARD = 'cdk-validator-cfnguard::';

function ack(scope: IConstruct | undefined, id: string, reason: string): void {
  if (scope) Validations.of(scope).acknowledge({ id, reason });
}

export const REASONS = {
  eni:
    'EC2 network-interface actions for a function in a VPC (create, describe, delete ENIs) do not support ' +
    'resource-level permissions; AWS documents Resource "*" for them.',
  ecrToken:
    'ecr:GetAuthorizationToken does not support resource-level permissions (the image pull itself is scoped to the repository ARN).',
  objects:
    'Object keys of Iceberg data and metadata files are generated at write time; the grant is scoped to one bucket ' +
    '(one lake layer) or one table prefix, with no wildcard actions.',
  goldTables:
    'The gold build creates its own star-schema and mart tables at runtime; the grant is limited to the gold database.',
  schedulerTasks:
    'EventBridge Scheduler tags the tasks it starts (ecs:TagResource) and task ids exist only at run time; scoped to this cluster.',
  envVars:
    'The container environment holds names, ARNs and sizes only (never a secret value): the PII salt is read at ' +
    'runtime from Secrets Manager by its ARN.',
  node22:
    'Node.js 22 is the runtime shoplake is built and tested for (Lambda runs Node 22); a newer runtime is a ' +
    'deliberate upgrade, not a drift.',
  piiSalt:
    'The PII salt is an HMAC key: rotating it would change every hashed identifier and break joins across time. ' +
    'It is rotated only by a planned re-hash (docs/security.md).',
  webhook:
    "The Shopify webhook signing secret is issued by Shopify (the app's client secret); it is rotated in the Shopify " +
    'Partner dashboard and then written here, so a Secrets Manager rotation Lambda cannot rotate it.',
  frameworkManaged:
    'custom-resources Provider framework (aws-cdk-lib): its function role uses AWSLambdaBasicExecutionRole; it runs ' +
    'only at deploy time and only invokes the topics handler.',
  frameworkInvoke:
    'The Provider framework invokes the topics handler and its versions (lambda:InvokeFunction on <handler ARN>:*).',
  deployTimeOutsideVpc:
    'Deploy-time helper that calls only AWS control-plane APIs (MSK GetBootstrapBrokers, Lambda Invoke) and answers ' +
    'CloudFormation; it reads no data, and the VPC has no endpoint for those APIs (no NAT in prod).',
  crossStackRef:
    'False positive of the template-level rule: the property is set, to a cross-stack reference (Fn::GetStackOutput) of the ' +
    'key or subnet, which the rule cannot resolve; the test suite asserts it on the synthesized template and Control ' +
    "Tower's deploy-time hook sees the resolved value.",
  objectLock:
    'Object Lock would block what Iceberg maintenance must do (delete compacted and expired files, retention). ' +
    'Versioning with a non-current retention window protects against accidental deletes instead.',
  accessLogsKms:
    'S3 server access logs can only be delivered to a bucket encrypted with SSE-S3; SSE-KMS is not supported for ' +
    'the log target bucket.',
  accessLogsLogging: 'This is the server-access-log target bucket; logging it to itself would loop.',
  configuredZones:
    'The zones are listed in lib/config/<env>.ts on purpose: synth must work offline, with no availability-zone lookup.',
} as const;

export function acknowledgeFindings(s: Shoplake, config: EnvConfig): void {
  const { region, account } = config;
  const objects = (bucket: BucketRole, prefix = '') => `arn:aws:s3:::${bucketName(config, bucket)}/${prefix}*`;

  // --- Network --------------------------------------------------------------------------------------------------
  ack(s.network.vpc, `${CFN}W3010`, REASONS.configuredZones);

  // --- Secrets -------------------------------------------------------------------------------------------------
  ack(s.secrets.piiSalt, `${NAG}AwsSolutions-SMG4`, REASONS.piiSalt);
  ack(s.secrets.webhookSecret, `${NAG}AwsSolutions-SMG4`, REASONS.webhook);

  // --- Storage (Control Tower rules) ---------------------------------------------------------------------------
  for (const bucket of [...Object.values(s.storage.buckets), s.storage.accessLogs]) {
    ack(bucket, `${GUARD}s3_bucket_object_lock_enabled_check`, REASONS.objectLock);
  }
  ack(s.storage.accessLogs, `${GUARD}s3_bucket_default_encryption_kms_check`, REASONS.accessLogsKms);
  ack(s.storage.accessLogs, `${GUARD}s3_bucket_logging_enabled_check`, REASONS.accessLogsLogging);

  // --- Streaming: deploy-time helpers ---------------------------------------------------------------------------
  const brokersFn = s.streaming.node.tryFindChild('AWS679f53fac002430cb0da5b7982bd2287');
  ack(brokersFn, `${GUARD}lambda_inside_vpc_check`, REASONS.deployTimeOutsideVpc);
  const topics = s.streaming.topics;
  if (topics.handler && topics.provider) {
    ack(topics.handler.role, `${NAG}AwsSolutions-IAM5[Resource::*]`, REASONS.eni);
    ack(topics.handler, `${NAG}AwsSolutions-L1`, REASONS.node22);
    ack(topics.handler, `${GUARD}lambda_inside_vpc_check`, REASONS.crossStackRef);
    const handlerId = Stack.of(topics.handler).getLogicalId(topics.handler.node.defaultChild as CfnElement);
    ack(
      topics.provider,
      `${NAG}AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]`,
      REASONS.frameworkManaged,
    );
    ack(topics.provider, `${NAG}AwsSolutions-IAM5[Resource::<${handlerId}.Arn>:*]`, REASONS.frameworkInvoke);
    ack(topics.provider, `${GUARD}lambda_inside_vpc_check`, REASONS.deployTimeOutsideVpc);
  }

  // --- Catalog ---------------------------------------------------------------------------------------------------
  ack(s.catalog.workGroup, `${GUARD}athena_workgroup_results_encrypted_at_rest_kms_check`, REASONS.crossStackRef);

  // --- Ingest: roles of the consumers and jobs ------------------------------------------------------------------
  const fn = s.ingest.ingestFunction;
  ack(fn?.role, `${NAG}AwsSolutions-IAM5[Resource::*]`, REASONS.eni);
  ack(fn?.function, `${NAG}AwsSolutions-L1`, REASONS.node22);
  ack(fn?.function, `${GUARD}lambda_inside_vpc_check`, REASONS.crossStackRef);
  for (const arn of [
    objects('bronze'),
    objects('silver'),
    objects('gold'),
    objects('ops', 'quarantine/'),
    objects('ops', 'aws/lambda/'),
  ]) {
    ack(s.ingest, `${NAG}AwsSolutions-IAM5[Resource::${arn}]`, REASONS.objects);
  }
  for (const taskDef of [
    s.ingest.maintenance.taskDefinition,
    s.ingest.gold.taskDefinition,
    s.ingest.consumer?.taskDefinition,
  ]) {
    ack(taskDef, `${NAG}AwsSolutions-ECS2`, REASONS.envVars);
    ack(taskDef?.executionRole, `${NAG}AwsSolutions-IAM5[Resource::*]`, REASONS.ecrToken);
  }
  ack(
    s.ingest.gold.taskRole,
    `${NAG}AwsSolutions-IAM5[Resource::arn:aws:glue:${region}:${account}:table/shoplake_${config.name}_gold/*]`,
    REASONS.goldTables,
  );
  const clusterId = Stack.of(s.ingest.cluster).getLogicalId(s.ingest.cluster.node.defaultChild as CfnElement);
  ack(
    s.ingest,
    `${NAG}AwsSolutions-IAM5[Resource::arn:aws:ecs:${region}:${account}:task/<${clusterId}>/*]`,
    REASONS.schedulerTasks,
  );

  // --- Every log group encrypted with a key of another stack (Control Tower template-level false positive) ------
  for (const stack of Object.values(s)) {
    for (const c of stack.node.findAll()) {
      if (c instanceof EncryptedLogGroup && Stack.of(c.encryptionKey) !== Stack.of(c)) {
        ack(c, `${GUARD}cloudwatch_log_group_encrypted_check`, REASONS.crossStackRef);
      }
    }
  }
}
