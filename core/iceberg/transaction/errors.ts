// Why a commit did not happen. Every message names the table and the cause.
import type { TableIdentifier } from '../catalog/catalog.js';
import { tableName } from '../catalog/errors.js';

// One definition each, in catalog/ (the lowest layer that throws them); re-exported for the transaction's callers.
export { CommitStateUnknownError, tableName } from '../catalog/errors.js';

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
