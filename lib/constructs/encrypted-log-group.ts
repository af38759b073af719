// A CloudWatch log group encrypted with the environment's logs key, with the configured retention.
import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface EncryptedLogGroupProps {
  readonly encryptionKey: kms.IKey;
  /** One of CloudWatch's retention periods (lib/config/validate.ts checks it). */
  readonly retentionDays: number;
  readonly removalPolicy: RemovalPolicy;
  readonly logGroupName?: string;
}

export class EncryptedLogGroup extends Construct {
  readonly logGroup: logs.LogGroup;
  readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: EncryptedLogGroupProps) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: props.logGroupName,
      encryptionKey: props.encryptionKey,
      retention: props.retentionDays as logs.RetentionDays,
      removalPolicy: props.removalPolicy,
    });
  }
}
