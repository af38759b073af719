// The PII salt: the per-environment secret key of the HMAC-SHA256 that silver applies to PII of class direct.
// On AWS it is a Secrets Manager secret (SHOPLAKE_SALT_SECRET_ARN; SecretString, the value itself or JSON
// {"salt": "..."}); locally a file or a variable. The value is never logged, and errors never quote it.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export interface SaltSource {
  secretArn?: string;
  file?: string;
  value?: string;
}

/** Shortest salt accepted (createPiiHasher's minimum). */
export const MIN_SALT_LENGTH = 16;

export async function loadPiiSalt(source: SaltSource, client?: SecretsManagerClient): Promise<string> {
  if (source.secretArn) {
    const { GetSecretValueCommand, SecretsManagerClient: Client } = await import('@aws-sdk/client-secrets-manager');
    const sm = client ?? new Client({});
    let text: string | undefined;
    try {
      const res = await sm.send(new GetSecretValueCommand({ SecretId: source.secretArn }));
      text = res.SecretString ?? (res.SecretBinary ? Buffer.from(res.SecretBinary).toString('utf8') : undefined);
    } catch (e) {
      throw new Error(
        `cannot read the PII salt secret ${source.secretArn}: ${(e as Error).name}: ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    }
    return checked(fromSecret(text), `secret ${source.secretArn}`);
  }
  if (source.file) {
    let text: string;
    try {
      text = await fs.readFile(source.file, 'utf8');
    } catch (e) {
      throw new Error(`cannot read the PII salt file ${source.file}: ${(e as Error).message}`, { cause: e });
    }
    return checked(text.trim(), `file ${source.file}`);
  }
  if (source.value !== undefined) return checked(source.value, 'SHOPLAKE_PII_SALT');
  throw new Error(
    'no PII salt: set SHOPLAKE_SALT_SECRET_ARN (AWS), or SHOPLAKE_PII_SALT_FILE / SHOPLAKE_PII_SALT locally',
  );
}

/** A local development salt: read from `file`, or created there (random, mode 0600) on first use. */
export async function loadOrCreateDevSalt(file: string): Promise<string> {
  try {
    return checked((await fs.readFile(file, 'utf8')).trim(), `file ${file}`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await fs.mkdir(path.dirname(file), { recursive: true });
  const salt = randomBytes(32).toString('hex');
  try {
    await fs.writeFile(file, `${salt}\n`, { mode: 0o600, flag: 'wx' });
    return salt;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateDevSalt(file);
    throw e;
  }
}

function fromSecret(text: string | undefined): string {
  if (text === undefined) return '';
  const t = text.trim();
  if (t.startsWith('{')) {
    try {
      const o = JSON.parse(t) as { salt?: unknown };
      if (typeof o.salt === 'string') return o.salt;
    } catch {
      // not JSON: the value itself
    }
  }
  return t;
}

function checked(salt: string, where: string): string {
  if (salt.length < MIN_SALT_LENGTH) {
    throw new Error(`the PII salt in ${where} is shorter than ${MIN_SALT_LENGTH} characters`);
  }
  return salt;
}
