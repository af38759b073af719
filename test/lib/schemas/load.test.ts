import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSchemaModel, SchemaError } from '../../../lib/schemas/load.js';
import { REPO_ROOT } from '../../support/cdk-app.js';

const derived = join(REPO_ROOT, 'glue-schemas', 'derived');
const tmp = mkdtempSync(join(tmpdir(), 'shoplake-schemas-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A fake repo root whose glue-schemas/derived/ is a copy of the real one, with `edit` applied to tables.json. */
function fakeRoot(name: string, edit?: (tables: { tables: Record<string, unknown>[] }) => void): string {
  const root = join(tmp, name);
  mkdirSync(join(root, 'glue-schemas'), { recursive: true });
  cpSync(derived, join(root, 'glue-schemas', 'derived'), { recursive: true });
  if (edit) {
    const file = join(root, 'glue-schemas', 'derived', 'tables.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { tables: Record<string, unknown>[] };
    edit(doc);
    writeFileSync(file, JSON.stringify(doc));
  }
  return root;
}

describe('loadSchemaModel', () => {
  const model = loadSchemaModel(REPO_ROOT);
  const raw = JSON.parse(readFileSync(join(derived, 'tables.json'), 'utf8')) as {
    tables: { namespace: string; name: string }[];
  };

  it('reads every derived table, contract and topic', () => {
    expect(model.tables.map((t) => `${t.namespace}.${t.name}`)).toEqual(
      raw.tables.map((t) => `${t.namespace}.${t.name}`),
    );
    const routing = JSON.parse(readFileSync(join(derived, 'routing.json'), 'utf8')) as {
      topics: { topic: string; event_types: string[] }[];
    };
    expect(model.topics).toEqual(routing.topics.map((t) => t.topic));
    expect(model.contracts.map((c) => c.eventType).sort()).toEqual(routing.topics.flatMap((t) => t.event_types).sort());
    for (const c of model.contracts) {
      expect(c.source).toBe(`glue-schemas/events/${c.eventType}.json`);
      expect((c.jsonSchema as { title: string }).title).toBe(c.eventType);
    }
  });

  it('fails with the command to run when the derived files are missing', () => {
    expect(() => loadSchemaModel(join(tmp, 'nowhere'))).toThrow(
      /glue-schemas\/derived\/tables.json not found.*npm run schemas:build/,
    );
  });

  it('names the file on malformed JSON', () => {
    const root = fakeRoot('malformed');
    writeFileSync(join(root, 'glue-schemas', 'derived', 'routing.json'), '{"topics": [');
    expect(() => loadSchemaModel(root)).toThrow(/glue-schemas\/derived\/routing.json: cannot read derived schema file/);
  });

  it('names the contract file of a malformed table', () => {
    const root = fakeRoot('bad-namespace', (d) => {
      d.tables[0]!.namespace = 'platinum';
    });
    expect(() => loadSchemaModel(root)).toThrow(SchemaError);
    expect(() => loadSchemaModel(root)).toThrow(
      new RegExp(
        `^${String(d0(raw).source_file)}: derived table .*namespace must be one of bronze, silver, ops, got "platinum"`,
      ),
    );
  });

  it('rejects a table declared twice', () => {
    const root = fakeRoot('twice', (d) => d.tables.push(structuredClone(d.tables[0]!)));
    expect(() => loadSchemaModel(root)).toThrow(/is declared twice/);
  });
});

function d0(raw: { tables: unknown[] }): { source_file: string } {
  return raw.tables[0] as { source_file: string };
}
