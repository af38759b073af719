// Secrets: the PII hashing salt and the Shopify webhook signing secret, in Secrets Manager under their own KMS key.
// Consumers get the secret's ARN in an environment variable and read the value at runtime; no secret value is ever
// in a template, an environment variable or a log.
import type * as kms from 'aws-cdk-lib/aws-kms';
import { LakeKey } from '../constructs/lake-key.js';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { removalPolicy, ShoplakeStack, type ShoplakeStackProps } from './common.js';

export class SecretsStack extends ShoplakeStack {
  readonly secretsKey: kms.Key;
  /** HMAC-SHA256 key for PII of class `direct` in silver. Never rotated: rotation would break joins on hashes. */
  readonly piiSalt: secretsmanager.Secret;
  /** Shopify webhook signing secret; generated as a placeholder, set to the app's real secret after deploy. */
  readonly webhookSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: ShoplakeStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removal = removalPolicy(config);
    this.secretsKey = new LakeKey(this, 'SecretsKey', {
      alias: `alias/shoplake-${config.name}-secrets`,
      description: `shoplake ${config.name}: Secrets Manager secrets`,
      removalPolicy: removal,
    }).key;
    this.piiSalt = new secretsmanager.Secret(this, 'PiiSalt', {
      secretName: `shoplake/${config.name}/pii-salt`,
      description: 'HMAC-SHA256 salt for direct PII in silver tables (64 random characters)',
      encryptionKey: this.secretsKey,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: removal,
    });
    this.webhookSecret = new secretsmanager.Secret(this, 'WebhookSigningSecret', {
      secretName: `shoplake/${config.name}/shopify-webhook-signing-secret`,
      description: "Shopify webhook HMAC signing secret (replace with the app's secret: docs/deploy.md)",
      encryptionKey: this.secretsKey,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: removal,
    });
  }
}
