// Catalog errors beside CommitConflictError (catalog.ts): each names the namespace or table and the cause.
import type { TableIdentifier } from './catalog.js';

const name = (id: TableIdentifier): string => `${id.namespace}.${id.name}`;

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
 * The catalog call failed in a way that leaves it unknown whether the commit landed (e.g. a lost response that
 * a re-check could not settle). Do not retry blindly and do not delete the new metadata file: reload the table.
 */
export class CommitStateUnknownError extends Error {
  constructor(
    readonly table: TableIdentifier,
    readonly metadataLocation: string,
    options?: { cause?: unknown },
  ) {
    super(
      `commit state unknown for ${name(table)}: ${metadataLocation} may or may not be the current metadata; reload the table before retrying`,
      options,
    );
    this.name = 'CommitStateUnknownError';
  }
}
