// MSK IAM auth: an OAUTHBEARER token provider for kafkajs built on aws-msk-iam-sasl-signer-js. The token is a
// SigV4-presigned `kafka-cluster:Connect` URL, signed locally with the AWS default credential chain (on ECS: the task
// role) or with the given credentials provider. Tokens are reused until half their lifetime has passed, and
// concurrent connections share one signing call (kafkajs asks for a token on every new connection and re-auth).
import { generateAuthToken, generateAuthTokenFromCredentialsProvider } from 'aws-msk-iam-sasl-signer-js';
import type { OauthbearerProviderResponse } from 'kafkajs';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Same shape as the AWS SDK's AwsCredentialIdentityProvider (fromNodeProviderChain(), fromEnv(), ...). */
export type AwsCredentialsProvider = () => Promise<AwsCredentials>;

export interface MskIamTokenOptions {
  /** AWS region of the MSK cluster (the token is signed for kafka.<region>.amazonaws.com). */
  region: string;
  /** Credentials to sign with; default: the AWS default credential chain (env, SSO, ini, ECS task role, IMDS). */
  credentials?: AwsCredentialsProvider;
}

/** Signing failed: usually no AWS credentials (no task role, expired session) or a bad region. */
export class MskIamTokenError extends Error {
  override name = 'MskIamTokenError';
  /** kafkajs must not retry this on its own: connectWithRetry retries auth failures with backoff. */
  readonly retriable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export type OAuthBearerProvider = () => Promise<OauthbearerProviderResponse>;

export function mskIamTokenProvider(options: MskIamTokenOptions): OAuthBearerProvider {
  const { region, credentials } = options;
  if (!region) throw new MskIamTokenError('MSK IAM: a region is required to sign the auth token');
  let cached: { value: string; refreshAt: number } | undefined;
  let inFlight: Promise<OauthbearerProviderResponse> | undefined;

  const sign = async (): Promise<OauthbearerProviderResponse> => {
    const started = Date.now();
    let token: { token: string; expiryTime: number };
    try {
      token = credentials
        ? await generateAuthTokenFromCredentialsProvider({ region, awsCredentialsProvider: credentials })
        : await generateAuthToken({ region });
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new MskIamTokenError(
        `MSK IAM: cannot sign an auth token for region ${region}: ${why} ` +
          `(are AWS credentials available, e.g. the ECS task role?)`,
        { cause: err },
      );
    }
    cached = { value: token.token, refreshAt: started + (token.expiryTime - started) / 2 };
    return { value: token.token };
  };

  return () => {
    if (cached && Date.now() < cached.refreshAt) return Promise.resolve({ value: cached.value });
    inFlight ??= sign().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}
