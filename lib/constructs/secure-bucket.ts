// An S3 bucket as every shoplake bucket must be: public access blocked, TLS 1.2+ enforced by bucket policy, SSE-KMS
// with a bucket key, objects owned by the bucket owner, server access logs, and an abort rule for stale multipart
// uploads, and object events to EventBridge. The template construct of this folder: Props interface, sensible defaults, grant-free (callers write
// least-privilege statements themselves).
import type { RemovalPolicy } from 'aws-cdk-lib';
import { Duration } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface SecureBucketProps {
  /** Explicit, globally unique name (lib/stacks/common.ts bucketName). */
  readonly bucketName: string;
  /** The customer-managed key for SSE-KMS. */
  readonly encryptionKey: kms.IKey;
  /** Where server access logs go (the access-logs bucket). */
  readonly accessLogs: s3.IBucket;
  /** Prefix of this bucket's access logs in the access-logs bucket, e.g. `bronze/`. */
  readonly accessLogsPrefix: string;
  /** Keep every version of every object (protects Iceberg files from accidental overwrite or delete). */
  readonly versioned: boolean;
  /** Non-current versions are deleted after this many days (versioned buckets only). */
  readonly noncurrentVersionRetentionDays?: number;
  /** Further lifecycle rules (tiering, expiration). */
  readonly lifecycleRules?: s3.LifecycleRule[];
  readonly removalPolicy: RemovalPolicy;
}

export class SecureBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const rules: s3.LifecycleRule[] = [
      { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
    ];
    if (props.versioned && props.noncurrentVersionRetentionDays !== undefined) {
      rules.push({
        id: 'expire-noncurrent-versions',
        noncurrentVersionExpiration: Duration.days(props.noncurrentVersionRetentionDays),
        expiredObjectDeleteMarker: true,
      });
    }
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: props.versioned,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: props.accessLogsPrefix,
      lifecycleRules: [...rules, ...(props.lifecycleRules ?? [])],
      removalPolicy: props.removalPolicy,
    });
    // Object events to EventBridge (audit and automation hooks), set on the L1 so no notifications Lambda is needed.
    (this.bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
  }
}
