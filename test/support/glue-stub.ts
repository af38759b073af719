// GlueStub: an in-memory AWS Glue Data Catalog behind the real GlueClient. It is the client's requestHandler, so
// every call goes through the SDK's real JSON 1.1 serialization and error deserialization; only the HTTP hop is
// replaced. It keeps Glue's semantics where our catalog depends on them:
// - database and table names are stored lowercase (as Glue does);
// - a table's VersionId is "0" on create and goes up by one on every UpdateTable;
// - UpdateTable with a VersionId other than the current one -> ConcurrentModificationException;
// - UpdateTable without SkipArchive=true archives the previous version (GetTableVersions lists them);
// - missing database/table -> EntityNotFoundException; duplicate -> AlreadyExistsException;
// - GetTables and GetDatabases paginate with NextToken.
// `onCall` runs before each operation, e.g. to let another writer update a table between our GetTable and our
// UpdateTable, or to arrange failures for later calls.
import { Readable } from 'node:stream';
import { GlueClient } from '@aws-sdk/client-glue';
import type { Database, Table, TableInput, DatabaseInput } from '@aws-sdk/client-glue';

interface StoredTable {
  table: Table;
  versions: Table[];
}

interface HttpRequestLike {
  headers: Record<string, string>;
  body?: unknown;
}

class GlueError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export class GlueStub {
  readonly databases = new Map<string, Database>();
  readonly tables = new Map<string, Map<string, StoredTable>>();
  /** Every operation called, in order (e.g. 'GetTable', 'UpdateTable'). */
  readonly calls: string[] = [];
  /** Called before every operation, with its name and parsed input. */
  onCall: ((op: string, input: Record<string, unknown>) => void) | undefined;
  /** The next `n` calls of operation `op` fail with `type` (HTTP 500 for InternalServiceException). */
  private failures: { op: string; type: string; n: number; applyFirst: boolean }[] = [];

  /** A GlueClient wired to this stub (region and credentials are dummies; nothing leaves the process). */
  client(): GlueClient {
    return new GlueClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'stub', secretAccessKey: 'stub' },
      maxAttempts: 1,
      requestHandler: {
        handle: (request: HttpRequestLike) => this.handle(request),
      },
    });
  }

  /**
   * Makes the next `n` calls of `op` fail with `type`. With `applyFirst`, the operation takes effect and then the
   * error is returned (a lost response: the caller cannot know whether its write landed).
   */
  failNext(op: string, type: string, n = 1, applyFirst = false): void {
    this.failures.push({ op, type, n, applyFirst });
  }

  private async handle(request: HttpRequestLike): Promise<{ response: unknown }> {
    const target = request.headers['x-amz-target'] ?? request.headers['X-Amz-Target'] ?? '';
    const op = target.replace(/^AWSGlue\./, '');
    this.calls.push(op);
    const input = JSON.parse(await bodyText(request.body)) as Record<string, unknown>;
    this.onCall?.(op, input);
    const failure = this.failures.find((f) => f.op === op && f.n > 0);
    try {
      if (failure) {
        failure.n--;
        if (failure.applyFirst) this.dispatch(op, input);
        throw new GlueError(failure.type, `injected ${failure.type}`);
      }
      return respond(200, this.dispatch(op, input));
    } catch (e) {
      if (!(e instanceof GlueError)) throw e;
      const status = e.type === 'InternalServiceException' ? 500 : 400;
      return respond(status, { __type: e.type, Message: e.message }, e.type);
    }
  }

  private dispatch(op: string, input: Record<string, unknown>): unknown {
    switch (op) {
      case 'CreateDatabase':
        return this.createDatabase(input.DatabaseInput as DatabaseInput);
      case 'GetDatabase':
        return { Database: this.database(String(input.Name)) };
      case 'GetDatabases':
        return page([...this.databases.values()], input, 'DatabaseList');
      case 'DeleteDatabase':
        return this.deleteDatabase(String(input.Name));
      case 'CreateTable':
        return this.createTable(String(input.DatabaseName), input.TableInput as TableInput);
      case 'GetTable':
        return { Table: this.stored(String(input.DatabaseName), String(input.Name)).table };
      case 'GetTables':
        this.database(String(input.DatabaseName));
        return page(
          [...(this.tables.get(lower(input.DatabaseName))?.values() ?? [])].map((t) => t.table),
          input,
          'TableList',
        );
      case 'UpdateTable':
        return this.updateTable(input);
      case 'DeleteTable':
        return this.deleteTable(String(input.DatabaseName), String(input.Name));
      case 'GetTableVersions': {
        const s = this.stored(String(input.DatabaseName), String(input.TableName));
        return { TableVersions: s.versions.map((t) => ({ Table: t, VersionId: t.VersionId })) };
      }
      default:
        throw new GlueError('InvalidInputException', `GlueStub does not implement ${op}`);
    }
  }

  private createDatabase(input: DatabaseInput): unknown {
    const name = lower(input.Name);
    if (!/^[a-z0-9_]{1,252}$/.test(name)) throw new GlueError('InvalidInputException', `invalid database name ${name}`);
    if (this.databases.has(name)) throw new GlueError('AlreadyExistsException', `Database already exists.`);
    this.databases.set(name, { ...input, Name: name, CreateTime: new Date() });
    this.tables.set(name, new Map());
    return {};
  }

  private deleteDatabase(name: string): unknown {
    this.database(name);
    this.databases.delete(lower(name));
    this.tables.delete(lower(name));
    return {};
  }

  private database(name: string): Database {
    const db = this.databases.get(lower(name));
    if (!db) throw new GlueError('EntityNotFoundException', `Database ${name} not found.`);
    return db;
  }

  private stored(db: string, name: string): StoredTable {
    this.database(db);
    const t = this.tables.get(lower(db))?.get(lower(name));
    if (!t) throw new GlueError('EntityNotFoundException', `Table ${name} not found.`);
    return t;
  }

  private createTable(db: string, input: TableInput): unknown {
    this.database(db);
    const name = lower(input.Name);
    if (!name) throw new GlueError('InvalidInputException', 'TableInput.Name is required');
    const tables = this.tables.get(lower(db))!;
    if (tables.has(name)) throw new GlueError('AlreadyExistsException', `Table already exists.`);
    const now = new Date();
    tables.set(name, {
      table: { ...input, Name: name, DatabaseName: lower(db), CreateTime: now, UpdateTime: now, VersionId: '0' },
      versions: [],
    });
    return {};
  }

  private updateTable(input: Record<string, unknown>): unknown {
    const tableInput = input.TableInput as TableInput;
    const s = this.stored(String(input.DatabaseName), String(tableInput.Name));
    const expected = input.VersionId as string | undefined;
    if (expected !== undefined && expected !== s.table.VersionId) {
      throw new GlueError('ConcurrentModificationException', 'Update table failed due to concurrent modifications.');
    }
    if (input.SkipArchive !== true) s.versions.push(s.table);
    s.table = {
      ...tableInput,
      Name: s.table.Name,
      DatabaseName: s.table.DatabaseName,
      CreateTime: s.table.CreateTime,
      UpdateTime: new Date(),
      VersionId: String(Number(s.table.VersionId) + 1),
    };
    return {};
  }

  private deleteTable(db: string, name: string): unknown {
    this.stored(db, name);
    this.tables.get(lower(db))!.delete(lower(name));
    return {};
  }
}

function lower(v: unknown): string {
  return String(v ?? '').toLowerCase();
}

function page<T>(items: T[], input: Record<string, unknown>, key: string): unknown {
  const max = Number(input.MaxResults ?? 100);
  const start = Number(input.NextToken ?? 0);
  const slice = items.slice(start, start + max);
  const next = start + max < items.length ? String(start + max) : undefined;
  return { [key]: slice, ...(next ? { NextToken: next } : {}) };
}

async function bodyText(body: unknown): Promise<string> {
  if (body === undefined || body === null) return '{}';
  if (typeof body === 'string') return body || '{}';
  if (body instanceof Uint8Array) return new TextDecoder().decode(body) || '{}';
  throw new Error(`GlueStub: unexpected request body type ${typeof body}`);
}

function respond(statusCode: number, payload: unknown, errorType?: string): { response: unknown } {
  // Glue's JSON protocol sends timestamps as epoch seconds.
  const json = JSON.stringify(payload, function (this: Record<string, unknown>, k: string, v: unknown) {
    const raw = this[k];
    return raw instanceof Date ? raw.getTime() / 1000 : v;
  });
  return {
    response: {
      statusCode,
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': `stub-${Math.random().toString(16).slice(2)}`,
        ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
      },
      body: Readable.from([Buffer.from(json)]),
    },
  };
}
