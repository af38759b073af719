// Catalog errors beside CommitConflictError (catalog.ts): each names the namespace or table and the cause.
import type { TableIdentifier } from './catalog.js';

/** `namespace.table`, as every catalog and transaction error names a table. */
export const tableName = (id: TableIdentifier): string => `${id.namespace}.${id.name}`;
const name = tableName;

export class NoSuchTableError extends Error {
  constructor(
    readonly table: TableIdentifier,
    detail?: string,
  ) {
    super(`table ${name(table)} does not exist${detail ? `: ${detail}` : ''}`);
    this.name = 'NoSuchTableError';
  }
}

export class TableAlreadyExistsError extends Error {
  constructor(
    readonly table: TableIdentifier,
    detail?: string,
  ) {
    super(`table ${name(table)} already exists${detail ? `: ${detail}` : ''}`);
    this.name = 'TableAlreadyExistsError';
  }
}

export class NoSuchNamespaceError extends Error {
  constructor(readonly namespace: string) {
    super(`namespace ${namespace} does not exist`);
    this.name = 'NoSuchNamespaceError';
  }
}

export class NamespaceAlreadyExistsError extends Error {
  constructor(readonly namespace: string) {
    super(`namespace ${namespace} already exists`);
    this.name = 'NamespaceAlreadyExistsError';
  }
}

/** Corrupt, missing or unreadable table metadata (spec/'s error, re-exported): names the file and the cause. */
export { InvalidMetadataError } from '../spec/json-object.js';

/** Namespace and table names: letters, digits, `_` and `-` (Glue allows lowercase letters, digits and `_`). */
export function checkName(kind: 'namespace' | 'table', value: string): void {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_-]{0,254}$/.test(value)) {
    throw new Error(`invalid ${kind} name ${JSON.stringify(value)}: use letters, digits, '_' and '-'`);
  }
}

/**
 * It is unknown whether a commit landed (Java's CommitStateUnknownException): the catalog call failed without
 * saying "conflict" (a lost response, a 5xx, a network error) and a re-check could not settle it. Thrown by the
 * catalogs (with the new metadata file) and by Transaction (when reloading the table did not show its snapshots).
 * The files the commit wrote are kept, because the table may reference them: reload the table before retrying.
 */
export class CommitStateUnknownError extends Error {
  constructor(
    readonly table: TableIdentifier,
    /** The metadata file the commit tried to make current, when the failing layer knows it. */
    readonly metadataLocation: string | undefined,
    options?: { cause?: unknown },
  ) {
    const file = metadataLocation === undefined ? '' : `: ${metadataLocation} may or may not be the current metadata`;
    const cause = options?.cause instanceof Error ? ` (${options.cause.message})` : '';
    super(
      `commit state unknown for ${name(table)}${file}${cause}; its files were kept: reload the table before retrying`,
      options,
    );
    this.name = 'CommitStateUnknownError';
  }
}
