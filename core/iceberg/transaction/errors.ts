// Why a commit did not happen. Every message names the table and the cause.
import type { TableIdentifier } from '../catalog/catalog.js';

export const tableName = (id: TableIdentifier): string => `${id.namespace}.${id.name}`;

/**
 * An operation cannot be applied to the table as it now is (format/spec.md "Commit Conflict Resolution and Retry"):
 * a file it removes is gone, a concurrent append added files its filter matches, the schema changed under a schema
 * update, or the request itself is invalid. Never retried: the table is left as it was.
 */
export class ValidationError extends Error {
  constructor(
    readonly table: TableIdentifier,
    readonly operation: string,
    message: string,
  ) {
    super(`cannot ${operation} on ${tableName(table)}: ${message}`);
    this.name = 'ValidationError';
  }
}

/** Every attempt lost the race to a concurrent writer (commit.retry.num-retries exhausted). The table is unchanged. */
export class CommitFailedError extends Error {
  constructor(
    readonly table: TableIdentifier,
    readonly attempts: number,
    options: { cause: unknown },
  ) {
    super(
      `commit to ${tableName(table)} failed after ${attempts} attempt(s): concurrent writers kept committing first ` +
        `(last conflict: ${(options.cause as Error).message}); raise commit.retry.num-retries or retry later`,
      options,
    );
    this.name = 'CommitFailedError';
  }
}

/**
 * The catalog failed with something other than a conflict (network, permissions, a full disk, or the catalog's
 * own CommitStateUnknownError), and reloading the table did not show the new snapshots, so whether the commit
 * landed is unknown. The files the commit wrote are kept, because the table may reference them; reload the table
 * to find out. Mirrors Java's CommitStateUnknownException.
 */
export class CommitOutcomeUnknownError extends Error {
  constructor(
    readonly table: TableIdentifier,
    options: { cause: unknown },
  ) {
    super(
      `commit to ${tableName(table)} ended in an unknown state (${(options.cause as Error).message}); ` +
        `its files were kept: reload the table to see whether the commit landed`,
      options,
    );
    this.name = 'CommitOutcomeUnknownError';
  }
}
