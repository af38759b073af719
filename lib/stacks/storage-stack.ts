// Storage: the customer-managed KMS keys and every bucket of the lake (bronze, silver, gold, ops, Athena results,
// access logs) with per-layer lifecycle. Table data expires per table (min of the contract's retention and the
// environment's), only under `<table>/data/`: Iceberg metadata is never expired by S3, only by snapshot expiry.
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { LakeKey } from '../constructs/lake-key.js';
import { SecureBucket } from '../constructs/secure-bucket.js';
import type { LakeLayer, TableRetention } from '../schemas/model.js';
import { bucketName, removalPolicy, ShoplakeStack, type ShoplakeStackProps } from './common.js';

export interface StorageStackProps extends ShoplakeStackProps {
  /** Every table of the lake with its contract retention, to expire data files per table. */
  readonly tables: readonly TableRetention[];
}

export class StorageStack extends ShoplakeStack {
  /** Encrypts the lake's objects, MSK storage and Athena results. */
  readonly dataKey: kms.Key;
  /** Encrypts every CloudWatch log group of the environment. */
  readonly logsKey: kms.Key;
  readonly accessLogs: s3.Bucket;
  readonly buckets: Readonly<Record<LakeLayer | 'athenaResults', s3.Bucket>>;

  constructor(scope: Construct, id: string, props: StorageStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removal = removalPolicy(config);

    this.dataKey = new LakeKey(this, 'DataKey', {
      alias: `alias/shoplake-${config.name}-data`,
      description: `shoplake ${config.name}: lake objects, MSK storage, Athena results`,
      removalPolicy: removal,
    }).key;
    this.logsKey = new LakeKey(this, 'LogsKey', {
      alias: `alias/shoplake-${config.name}-logs`,
      description: `shoplake ${config.name}: CloudWatch log groups`,
      removalPolicy: removal,
    }).key;
    this.logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsUseOfTheKey',
        principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
          'kms:GenerateDataKey',
          'kms:DescribeKey',
        ],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:*`,
          },
        },
      }),
    );

    // S3 server access logs can only be delivered to a bucket encrypted with SSE-S3 (docs/security.md).
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      bucketName: bucketName(config, 'access-logs'),
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: Duration.days(config.storage.accessLogRetentionDays) },
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(1),
          expiredObjectDeleteMarker: true,
        },
        { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: removal,
    });
    (this.accessLogs.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };

    const retention = config.storage.retentionDays;
    const tiering = config.storage.bronzeTiering;
    const tableRules = (layer: LakeLayer): s3.LifecycleRule[] =>
      props.tables
        .filter((t) => t.namespace === layer)
        .map((t) => {
          const days = Math.min(t.retentionDays ?? retention[layer], retention[layer]);
          const transitions: s3.Transition[] = [];
          if (layer === 'bronze' && tiering.infrequentAccessAfterDays < days) {
            transitions.push({
              storageClass: s3.StorageClass.INFREQUENT_ACCESS,
              transitionAfter: Duration.days(tiering.infrequentAccessAfterDays),
            });
          }
          if (layer === 'bronze' && tiering.glacierInstantAfterDays < days) {
            transitions.push({
              storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(tiering.glacierInstantAfterDays),
            });
          }
          return {
            id: `expire-${t.name}-data`,
            prefix: `${t.name}/data/`,
            expiration: Duration.days(days),
            transitions,
          };
        });
    const lakeBucket = (layer: LakeLayer, extra: s3.LifecycleRule[] = []): s3.Bucket =>
      new SecureBucket(this, layer[0]!.toUpperCase() + layer.slice(1), {
        bucketName: bucketName(config, layer),
        encryptionKey: this.dataKey,
        accessLogs: this.accessLogs,
        accessLogsPrefix: `${layer}/`,
        versioned: true,
        noncurrentVersionRetentionDays: config.storage.noncurrentVersionRetentionDays,
        lifecycleRules: [...tableRules(layer), ...extra],
        removalPolicy: removal,
      }).bucket;

    const opsDays = Duration.days(retention.ops);
    this.buckets = {
      bronze: lakeBucket('bronze'),
      silver: lakeBucket('silver'),
      gold: lakeBucket('gold'),
      ops: lakeBucket('ops', [
        { id: 'expire-audit', prefix: 'audit/', expiration: opsDays },
        // Batches the Lambda event source mapping gave up on (S3 on-failure destination) land under aws/lambda/.
        { id: 'expire-ingest-failures', prefix: 'aws/lambda/', expiration: opsDays },
      ]),
      athenaResults: new SecureBucket(this, 'AthenaResults', {
        bucketName: bucketName(config, 'athena-results'),
        encryptionKey: this.dataKey,
        accessLogs: this.accessLogs,
        accessLogsPrefix: 'athena-results/',
        versioned: true,
        noncurrentVersionRetentionDays: 1,
        lifecycleRules: [
          { id: 'expire-query-results', expiration: Duration.days(config.storage.athenaResultsRetentionDays) },
        ],
        removalPolicy: removal,
      }).bucket,
    };
  }
}
