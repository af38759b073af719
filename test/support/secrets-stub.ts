// SecretsStub: AWS Secrets Manager's GetSecretValue behind the real SecretsManagerClient (its requestHandler, so
// the SDK's JSON 1.1 serialization and error parsing run for real; only the HTTP hop is replaced), with the real
// semantics the pipeline depends on: a known SecretId (ARN or name) returns its SecretString; an unknown one
// fails with ResourceNotFoundException; `failNext(n)` makes calls fail with InternalServiceError (HTTP 500).
import { Readable } from 'node:stream';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

interface HttpRequestLike {
  headers: Record<string, string>;
  body?: unknown;
}

export class SecretsStub {
  /** SecretId (ARN or name) -> SecretString. */
  readonly secrets = new Map<string, string>();
  /** Operations called, in order. */
  readonly calls: string[] = [];
  private failures = 0;

  client(): SecretsManagerClient {
    return new SecretsManagerClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'stub', secretAccessKey: 'stub' },
      maxAttempts: 1,
      requestHandler: { handle: (request: HttpRequestLike) => this.handle(request) },
    });
  }

  failNext(n = 1): void {
    this.failures += n;
  }

  private async handle(request: HttpRequestLike): Promise<{ response: unknown }> {
    const target = request.headers['x-amz-target'] ?? request.headers['X-Amz-Target'] ?? '';
    const op = target.replace(/^secretsmanager\./, '');
    this.calls.push(op);
    const body =
      request.body instanceof Uint8Array ? new TextDecoder().decode(request.body) : String(request.body ?? '{}');
    const input = JSON.parse(body || '{}') as { SecretId?: string };
    if (this.failures > 0) {
      this.failures--;
      return respond(500, { __type: 'InternalServiceError', Message: 'injected failure' }, 'InternalServiceError');
    }
    if (op !== 'GetSecretValue')
      return respond(
        400,
        { __type: 'InvalidRequestException', Message: `stub does not implement ${op}` },
        'InvalidRequestException',
      );
    const value = input.SecretId === undefined ? undefined : this.secrets.get(input.SecretId);
    if (value === undefined) {
      return respond(
        400,
        { __type: 'ResourceNotFoundException', Message: "Secrets Manager can't find the specified secret." },
        'ResourceNotFoundException',
      );
    }
    return respond(200, {
      ARN: input.SecretId,
      Name: input.SecretId,
      SecretString: value,
      VersionId: 'v1',
      VersionStages: ['AWSCURRENT'],
      CreatedDate: Date.now() / 1000,
    });
  }
}

function respond(statusCode: number, payload: unknown, errorType?: string): { response: unknown } {
  return {
    response: {
      statusCode,
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': `stub-${Math.random().toString(16).slice(2)}`,
        ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
      },
      body: Readable.from([Buffer.from(JSON.stringify(payload))]),
    },
  };
}
