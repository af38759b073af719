import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadQueries } from '../../../lib/constructs/named-queries.js';
import { loadSchemaModel } from '../../../lib/schemas/load.js';
import { REPO_ROOT } from '../../support/cdk-app.js';

const model = loadSchemaModel(REPO_ROOT);
const databases = {
  bronze: 'shoplake_t_bronze',
  silver: 'shoplake_t_silver',
  gold: 'shoplake_t_gold',
  ops: 'shoplake_t_ops',
};
const knownTables = new Set(model.tables.map((t) => `${t.namespace}.${t.name}`));
const tmp = mkdtempSync(join(tmpdir(), 'shoplake-sql-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('named queries from lib/athena-queries', () => {
  const dir = join(REPO_ROOT, 'lib', 'athena-queries');

  it('loads every .sql file with its description and the environment database names', () => {
    const queries = loadQueries({ directory: dir, displayPath: 'lib/athena-queries', databases, knownTables });
    expect(queries.map((q) => `${q.name}.sql`)).toEqual(
      readdirSync(dir)
        .filter((f) => f.endsWith('.sql'))
        .sort(),
    );
    for (const q of queries) {
      expect(q.description.length).toBeGreaterThan(10);
      expect(q.sql).not.toMatch(/\{\{/);
      expect(q.sql).toMatch(/shoplake_t_(silver|ops|bronze)\./);
    }
  });

  it('fails on a query over a table no contract declares, naming the file and the table', () => {
    const d = join(tmp, 'unknown-table');
    mkdirSync(d);
    writeFileSync(join(d, 'bad.sql'), '-- a query\nSELECT * FROM {{silver}}.orders_v2;\n');
    expect(() => loadQueries({ directory: d, displayPath: 'queries', databases, knownTables })).toThrow(
      'queries/bad.sql: table silver.orders_v2 is not declared by any contract',
    );
  });

  it('fails on a file without a description line or with an unknown placeholder', () => {
    const d = join(tmp, 'bad-files');
    mkdirSync(d);
    writeFileSync(join(d, 'a.sql'), 'SELECT 1;\n');
    expect(() => loadQueries({ directory: d, displayPath: 'q', databases, knownTables })).toThrow(
      'q/a.sql: the first line must be "-- <description>"',
    );
    writeFileSync(join(d, 'a.sql'), '-- x\nSELECT * FROM {{platinum}}.t;\n');
    expect(() => loadQueries({ directory: d, displayPath: 'q', databases, knownTables })).toThrow(
      'q/a.sql: unknown placeholder {{platinum}}',
    );
  });
});
