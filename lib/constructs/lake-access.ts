// Least-privilege IAM statements for the lake: S3 objects under a bucket or a table prefix, Glue tables by exact
// ARN, Kafka consumption on exact cluster, topic and group ARNs. No wildcard actions; the only wildcards in resources
// are object keys under a known prefix (keys are unknown before they are written).
import * as iam from 'aws-cdk-lib/aws-iam';
import type { KafkaCluster } from './kafka-cluster.js';

export interface S3AccessProps {
  readonly bucketName: string;
  /** Key prefixes (without leading slash, ending in `/`); omit for the whole bucket. */
  readonly prefixes?: readonly string[];
  readonly write: boolean;
  /** Delete objects (maintenance: compaction, orphan cleanup, expired metadata). */
  readonly delete: boolean;
  readonly partition: string;
}

export function s3Statements(p: S3AccessProps): iam.PolicyStatement[] {
  const bucketArn = `arn:${p.partition}:s3:::${p.bucketName}`;
  const objects = (p.prefixes ?? ['']).map((prefix) => `${bucketArn}/${prefix}*`);
  const actions = ['s3:GetObject'];
  if (p.write) actions.push('s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts');
  if (p.delete) actions.push('s3:DeleteObject');
  const list = new iam.PolicyStatement({ actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: [bucketArn] });
  if (p.prefixes) list.addCondition('StringLike', { 's3:prefix': p.prefixes.map((x) => `${x}*`) });
  return [new iam.PolicyStatement({ actions, resources: objects }), list];
}

export interface GlueAccessProps {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly database: string;
  /** Exact table names; `'*'` only where the tables are created at runtime (gold). */
  readonly tables: readonly string[];
  readonly write: boolean;
  /** Create tables (the gold job creates its own tables). */
  readonly create?: boolean;
}

export function glueStatements(p: GlueAccessProps): iam.PolicyStatement[] {
  const base = `arn:${p.partition}:glue:${p.region}:${p.account}`;
  const actions = ['glue:GetTable', 'glue:GetDatabase'];
  if (p.write) actions.push('glue:UpdateTable');
  if (p.create) actions.push('glue:CreateTable', 'glue:GetTables');
  return [
    new iam.PolicyStatement({
      actions,
      resources: [
        `${base}:catalog`,
        `${base}:database/${p.database}`,
        ...p.tables.map((t) => `${base}:table/${p.database}/${t}`),
      ],
    }),
  ];
}

/** Data-plane permissions for a consumer group reading topics over IAM auth. */
export function kafkaConsumerStatements(
  kafka: KafkaCluster,
  topics: readonly string[],
  groups: readonly string[],
): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      actions: [
        'kafka-cluster:Connect',
        'kafka-cluster:DescribeCluster',
        'kafka-cluster:DescribeClusterDynamicConfiguration',
      ],
      resources: [kafka.clusterArn],
    }),
    new iam.PolicyStatement({
      actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
      resources: topics.map((t) => kafka.topicArn(t)),
    }),
    new iam.PolicyStatement({
      actions: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
      resources: groups.map((g) => kafka.groupArn(g)),
    }),
  ];
}

/** ENI management for functions in a VPC. These EC2 actions do not support resource-level permissions. */
export function vpcNetworkInterfaceStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'VpcNetworkInterfaces',
    actions: [
      'ec2:CreateNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSubnets',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeVpcs',
      'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses',
      'ec2:UnassignPrivateIpAddresses',
    ],
    resources: ['*'],
  });
}
