// A customer-managed KMS key as every shoplake key must be: automatic rotation, an alias, and a key policy that
// denies kms:CreateGrant unless the grant is for an AWS resource or made by an AWS service (Control Tower
// CT.KMS.PR.3). MSK (EBS volumes) creates its grants as an AWS service, so it keeps working.
import type { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface LakeKeyProps {
  readonly alias: string;
  readonly description: string;
  readonly removalPolicy: RemovalPolicy;
}

export class LakeKey extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: LakeKeyProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      alias: props.alias,
      description: props.description,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyGrantsExceptForAwsServices',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }),
    );
  }
}
