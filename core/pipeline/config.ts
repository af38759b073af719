// Config: the settings a consumer process reads from its environment (the Lambda function and the ECS task get
// them from the CDK app, lib/stacks/ingest-stack.ts; the CLI passes its flags instead), and the catalog they name.
// A malformed value is an error naming the variable. Secrets are never read here: salt.ts does that.
//   SHOPLAKE_WAREHOUSE                  s3://bucket/prefix or a local directory (required)
//   SHOPLAKE_CATALOG                    glue | local (default: glue for s3:// warehouses, else local)
//   SHOPLAKE_NAMESPACE_BRONZE/_SILVER/_OPS   catalog namespaces (Glue databases); default bronze, silver, ops
//   SHOPLAKE_SALT_SECRET_ARN            Secrets Manager secret holding the PII salt (AWS)
//   SHOPLAKE_PII_SALT_FILE, SHOPLAKE_PII_SALT   local development salt (a file, or the value itself)
//   SHOPLAKE_ALLOWED_LATENESS_SECONDS   default 3600
//   SHOPLAKE_DEDUP_WINDOW_DAYS          default 7
//   SHOPLAKE_UNKNOWN_FIELDS             ignore (default) | reject: keys a contract does not declare
//   SHOPLAKE_FAULT                      crash injection for tests (faults.ts)
import type { GlueClient } from '@aws-sdk/client-glue';
import type { UnknownFields } from '../contracts/index.js';
import type { Catalog } from '../iceberg/catalog/catalog.js';
import type { S3FileIOOptions } from '../iceberg/io/s3-file-io.js';
import { DEFAULT_ALLOWED_LATENESS_SECONDS } from './late.js';
import { DEFAULT_DEDUP_WINDOW_DAYS, DEFAULT_NAMESPACES } from './pipeline.js';
import type { SaltSource } from './salt.js';
import type { Namespaces } from './tables.js';

export interface PipelineSettings {
  warehouse: string;
  catalog: 'glue' | 'local';
  namespaces: Namespaces;
  salt: SaltSource;
  allowedLatenessSeconds: number;
  dedupWindowDays: number;
  unknownFields: UnknownFields;
}

export function settingsFromEnv(env: Record<string, string | undefined> = process.env): PipelineSettings {
  const get = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const warehouse = get('SHOPLAKE_WAREHOUSE');
  if (!warehouse) throw new Error('SHOPLAKE_WAREHOUSE is not set: give s3://bucket/prefix or a local directory');
  const catalog = get('SHOPLAKE_CATALOG') ?? (/^s3[an]?:\/\//.test(warehouse) ? 'glue' : 'local');
  if (catalog !== 'glue' && catalog !== 'local') {
    throw new Error(`SHOPLAKE_CATALOG=${JSON.stringify(catalog)}: use glue or local`);
  }
  const unknownFields = get('SHOPLAKE_UNKNOWN_FIELDS') ?? 'ignore';
  if (unknownFields !== 'ignore' && unknownFields !== 'reject') {
    throw new Error(`SHOPLAKE_UNKNOWN_FIELDS=${JSON.stringify(unknownFields)}: use ignore or reject`);
  }
  const number = (name: string, dflt: number): number => {
    const raw = get(name);
    if (raw === undefined) return dflt;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name}=${JSON.stringify(raw)} is not a non-negative number`);
    return n;
  };
  return {
    warehouse,
    catalog,
    namespaces: {
      bronze: get('SHOPLAKE_NAMESPACE_BRONZE') ?? DEFAULT_NAMESPACES.bronze,
      silver: get('SHOPLAKE_NAMESPACE_SILVER') ?? DEFAULT_NAMESPACES.silver,
      ops: get('SHOPLAKE_NAMESPACE_OPS') ?? DEFAULT_NAMESPACES.ops,
    },
    salt: {
      secretArn: get('SHOPLAKE_SALT_SECRET_ARN'),
      file: get('SHOPLAKE_PII_SALT_FILE'),
      value: env.SHOPLAKE_PII_SALT,
    },
    allowedLatenessSeconds: number('SHOPLAKE_ALLOWED_LATENESS_SECONDS', DEFAULT_ALLOWED_LATENESS_SECONDS),
    dedupWindowDays: number('SHOPLAKE_DEDUP_WINDOW_DAYS', DEFAULT_DEDUP_WINDOW_DAYS),
    unknownFields,
  };
}

export interface CatalogClients {
  /** Default: new GlueClient({}) (region and credentials from the environment). */
  glue?: GlueClient;
  /** S3 client or its config (endpoint overrides for tests). */
  s3?: S3FileIOOptions;
}

/**
 * The catalog the settings name; build it once per process (its clients keep their connections). The AWS SDK
 * is imported only when the settings need it (a local run starts faster).
 */
export async function openCatalog(
  settings: Pick<PipelineSettings, 'warehouse' | 'catalog'>,
  clients: CatalogClients = {},
): Promise<Catalog> {
  if (settings.catalog === 'local') {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(settings.warehouse) && !settings.warehouse.startsWith('file:')) {
      throw new Error(`SHOPLAKE_CATALOG=local needs a local warehouse directory, not ${settings.warehouse}`);
    }
    const { LocalCatalog } = await import('../iceberg/catalog/local-catalog.js');
    return new LocalCatalog(settings.warehouse);
  }
  const { fileIOFor } = await import('../iceberg/io/file-io-for.js');
  const io = fileIOFor(settings.warehouse, { s3: clients.s3 });
  const { GlueCatalog } = await import('../iceberg/catalog/glue-catalog.js');
  const glue = clients.glue ?? new (await import('@aws-sdk/client-glue')).GlueClient({});
  return new GlueCatalog({ client: glue, warehouse: settings.warehouse, io });
}
