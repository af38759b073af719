/* eslint-disable @typescript-eslint/no-explicit-any -- the tests mutate arbitrary contract and event JSON */
// Derivation: a field's id, type and nullability survive into every derived artifact (Iceberg schema, Glue
// columns, registry JSON Schema, TypeScript types), for the real contracts and for a changed one; the registry
// schemas are checked by a real JSON Schema validator (Ajv) against the same events as ours.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import {
  contracts,
  derivedArtifacts,
  EVENT_TYPES,
  eventJsonSchema,
  glueColumns,
  icebergPartitionSpec,
  icebergSchema,
  icebergSortOrder,
  loadContracts,
  routing,
  validate,
} from '../../../core/contracts/index.js';
import type { ContractField, ContractSet, ContractType, TableDef } from '../../../core/contracts/index.js';
import type { IcebergType, NestedField } from '../../../core/iceberg/spec/types.js';
import { readContractFiles } from '../../../core/contracts/load-dir.js';
import { writeDerived } from '../../../core/contracts/build.js';
import { typesModule } from '../../../core/contracts/codegen.js';
import { NOW, valid } from './fixtures.js';

const SOURCE = fileURLToPath(new URL('../../../glue-schemas/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'shoplake-derive-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A minimal parser of Hive type strings, to read the Glue types back into a tree. */
type Hive = string | { struct: [string, Hive][] } | { array: Hive } | { map: [Hive, Hive] };
function parseHive(s: string): Hive {
  let i = 0;
  const word = () => {
    const m = /^[a-z_0-9]+(\(\d+,\d+\))?/.exec(s.slice(i))!;
    i += m[0].length;
    return m[0];
  };
  const expect1 = (c: string) => {
    if (s[i] !== c) throw new Error(`expected ${c} at ${i} in ${s}`);
    i++;
  };
  const type = (): Hive => {
    const w = word();
    if (w === 'struct') {
      expect1('<');
      const fields: [string, Hive][] = [];
      do {
        if (s[i] === ',') i++;
        const name = word();
        expect1(':');
        fields.push([name, type()]);
      } while (s[i] === ',');
      expect1('>');
      return { struct: fields };
    }
    if (w === 'array') {
      expect1('<');
      const t = type();
      expect1('>');
      return { array: t };
    }
    if (w === 'map') {
      expect1('<');
      const k = type();
      expect1(',');
      const v = type();
      expect1('>');
      return { map: [k, v] };
    }
    return w;
  };
  const t = type();
  expect(i).toBe(s.length);
  return t;
}

const HIVE_OF: Record<string, string> = { long: 'bigint', timestamptz: 'timestamp', uuid: 'string' };
/** The contract type as the Hive tree it must become. */
function expectedHive(t: ContractType): Hive {
  if (typeof t === 'string') return HIVE_OF[t] ?? t.replace(/\s/g, '');
  if (t.type === 'struct') return { struct: t.fields.map((f) => [f.name, expectedHive(f.type)]) };
  if (t.type === 'list') return { array: expectedHive(t.element) };
  return { map: [expectedHive(t.key), expectedHive(t.value)] };
}

/** Every (id, name, required, type) of a contract field list, nested ids included. */
function contractIds(fields: ContractField[]): Map<number, string> {
  const out = new Map<number, string>();
  const ofType = (t: ContractType, path: string): string => {
    if (typeof t === 'string') return t.replace(/\s/g, '');
    if (t.type === 'struct') {
      for (const f of t.fields) out.set(f.id, `${path}.${f.name}:${f.required}:${ofType(f.type, `${path}.${f.name}`)}`);
      return 'struct';
    }
    if (t.type === 'list') {
      out.set(t['element-id'], `${path}[]:${t['element-required']}:${ofType(t.element, `${path}[]`)}`);
      return 'list';
    }
    out.set(t['key-id'], `${path}{k}:true:${ofType(t.key, `${path}{k}`)}`);
    out.set(t['value-id'], `${path}{v}:${t['value-required']}:${ofType(t.value, `${path}{v}`)}`);
    return 'map';
  };
  for (const f of fields) out.set(f.id, `${f.name}:${f.required}:${ofType(f.type, f.name)}`);
  return out;
}

/** The same, read from an Iceberg schema JSON. */
function icebergIds(fields: NestedField[]): Map<number, string> {
  const out = new Map<number, string>();
  const ofType = (t: IcebergType, path: string): string => {
    if (typeof t === 'string') return t.replace(/\s/g, '');
    if (t.type === 'struct') {
      for (const f of t.fields) out.set(f.id, `${path}.${f.name}:${f.required}:${ofType(f.type, `${path}.${f.name}`)}`);
      return 'struct';
    }
    if (t.type === 'list') {
      out.set(t['element-id'], `${path}[]:${t['element-required']}:${ofType(t.element, `${path}[]`)}`);
      return 'list';
    }
    out.set(t['key-id'], `${path}{k}:true:${ofType(t.key, `${path}{k}`)}`);
    out.set(t['value-id'], `${path}{v}:${t['value-required']}:${ofType(t.value, `${path}{v}`)}`);
    return 'map';
  };
  for (const f of fields) out.set(f.id, `${f.name}:${f.required}:${ofType(f.type, f.name)}`);
  return out;
}

function checkTable(t: TableDef): void {
  const schema = icebergSchema(t);
  expect(icebergIds(schema.fields), t.qualifiedName).toEqual(contractIds(t.fields));
  expect(schema.fields.map((f) => f.doc)).toEqual(t.fields.map((f) => f.doc));
  const byName = new Map(schema.fields.map((f) => [f.name, f]));
  expect(schema['identifier-field-ids']).toEqual(t.identifierFields.map((n) => byName.get(n)!.id));
  for (const id of schema['identifier-field-ids']!) expect(schema.fields.find((f) => f.id === id)!.required).toBe(true);
  const byId = new Map(schema.fields.map((f) => [f.id, f]));
  const spec = icebergPartitionSpec(t);
  expect(spec.fields.map((f) => [byId.get(f['source-id'])!.name, f.transform])).toEqual(
    t.partitionSpec.map((p) => [p.source, p.transform]),
  );
  expect(spec.fields.map((f) => f['field-id'])).toEqual(spec.fields.map((_, i) => 1000 + i));
  const order = icebergSortOrder(t);
  expect(order.fields.map((f) => [byId.get(f['source-id'])!.name, f.direction, f['null-order']])).toEqual(
    t.sortOrder.map((s) => [s.source, s.direction, s.null_order]),
  );
  const cols = glueColumns(t);
  expect(cols.map((c) => c.name)).toEqual(t.fields.map((f) => f.name));
  for (const [i, f] of t.fields.entries()) {
    const c = cols[i]!;
    expect(c.parameters['iceberg.field.id']).toBe(String(f.id));
    expect(c.parameters['iceberg.field.optional']).toBe(String(!f.required));
    expect(c.comment).toBe(f.doc);
    expect(parseHive(c.type), `${t.qualifiedName}.${f.name}`).toEqual(expectedHive(f.type));
  }
}

function checkJsonSchema(set: ContractSet, type: string): void {
  const e = set.events.get(type)!;
  const s = eventJsonSchema(e) as any;
  const walk = (fields: ContractField[], node: any) => {
    expect(node.additionalProperties).toBe(true);
    expect(node.required).toEqual(fields.filter((f) => f.required).map((f) => f.name));
    for (const f of fields) {
      const p = node.properties[f.name];
      expect(p['x-iceberg-field-id'], f.name).toBe(f.id);
      expect(p['x-pii']).toBe(f.pii);
      const inner = f.required ? p : p.anyOf[0];
      if (!f.required) expect(p.anyOf[1]).toEqual({ type: 'null' });
      if (typeof f.type !== 'string' && f.type.type === 'struct') walk(f.type.fields, inner);
      if (typeof f.type !== 'string' && f.type.type === 'list') {
        expect(inner.type).toBe('array');
        const item = f.type['element-required'] ? inner.items : inner.items.anyOf[0];
        if (typeof f.type.element !== 'string' && f.type.element.type === 'struct') walk(f.type.element.fields, item);
      }
    }
  };
  walk(e.fields, s);
  expect(s.properties.event_type.const).toBe(type);
}

describe('derivation from the real contracts', () => {
  const set = contracts();

  it.each(set.tables.map((t) => [t.qualifiedName, t] as const))(
    '%s: ids, types, nullability and docs survive into Iceberg and Glue',
    (_n, t) => {
      checkTable(t);
    },
  );

  it.each(EVENT_TYPES)('%s: the registry JSON Schema carries every field id and nullability', (type) => {
    checkJsonSchema(set, type);
  });

  it('routing covers every event type once, every topic with its bronze table, every child table', () => {
    const r = routing(set);
    expect(r.event_types.map((e) => e.event_type).sort()).toEqual([...EVENT_TYPES].sort());
    for (const t of r.topics) {
      expect(t.bronze_table).toBe(`bronze.${t.topic}`);
      for (const e of t.event_types) expect(r.event_types.find((x) => x.event_type === e)!.topic).toBe(t.topic);
    }
    expect(r.topics.flatMap((t) => t.event_types).sort()).toEqual([...EVENT_TYPES].sort());
    const children = set.tables.filter((t) => t.kind === 'child').map((t) => t.qualifiedName);
    expect(r.event_types.flatMap((e) => e.child_tables).sort()).toEqual(children.sort());
    expect(r.quarantine_table).toBe('ops.quarantine');
  });

  it('child tables carry the parent ids, and bronze/quarantine carry the envelope as optional', () => {
    for (const t of set.tables.filter((x) => x.kind === 'child')) {
      const parent = set.tables.find((p) => p.qualifiedName === t.parentTable)!;
      for (const f of t.fields) {
        const inParent = contractIds(parent.fields).get(f.id);
        expect(inParent, `${t.qualifiedName}.${f.name}`).toBeDefined();
      }
    }
    for (const t of set.tables.filter((x) => x.kind === 'bronze' || x.kind === 'ops')) {
      for (const env of set.envelope) {
        const f = t.fields.find((x) => x.id === env.id)!;
        expect([f.name, f.required]).toEqual([env.name, false]);
      }
    }
  });

  it('glue-schemas/derived written by the build equals the derivation, file by file', () => {
    const out = join(tmp, 'derived');
    const written = writeDerived(set, out);
    const artifacts = derivedArtifacts(set);
    expect(written.sort()).toEqual([...artifacts.keys()].sort());
    for (const [path, json] of artifacts) expect(JSON.parse(readFileSync(join(out, path), 'utf8'))).toEqual(json);
  });
});

describe('derivation follows a changed field into every artifact', () => {
  const files = readContractFiles(SOURCE);
  const oc = files.events.find((f) => f.path === 'events/order_created.json')!.json as any;
  const qty = oc.fields
    .find((f: any) => f.name === 'line_items')
    .type.element.fields.find((f: any) => f.name === 'quantity');
  Object.assign(qty, { id: 199, type: 'long', required: false });
  const set = loadContracts(files);

  it('Iceberg schema, Glue columns (parent and child), JSON Schema and TS types all say id 199, long, optional', () => {
    for (const name of ['silver.order_created', 'silver.order_line_items'])
      checkTable(set.tables.find((t) => t.qualifiedName === name)!);
    const child = set.tables.find((t) => t.qualifiedName === 'silver.order_line_items')!;
    const col = glueColumns(child).find((c) => c.name === 'quantity')!;
    expect([col.type, col.parameters['iceberg.field.id'], col.parameters['iceberg.field.optional']]).toEqual([
      'bigint',
      '199',
      'true',
    ]);
    const f = icebergSchema(child).fields.find((x) => x.name === 'quantity')!;
    expect([f.id, f.type, f.required]).toEqual([199, 'long', false]);
    const js = eventJsonSchema(set.events.get('order_created')!) as any;
    const item = js.properties.line_items.items;
    expect(item.required).not.toContain('quantity');
    expect(item.properties.quantity['x-iceberg-field-id']).toBe(199);
    expect(item.properties.quantity.anyOf).toEqual([expect.objectContaining({ type: 'integer' }), { type: 'null' }]);
    expect(typesModule(set)).toMatch(/Units ordered\. \*\/\nquantity\?: number \| null;/);
    expect(typesModule(contracts())).toMatch(/Units ordered\. \*\/\nquantity: number;/);
  });
});

describe('the registry JSON Schemas, checked by Ajv (a real draft-07 validator)', () => {
  const ajv = new Ajv({ allErrors: true, validateFormats: false, keywords: ['x-iceberg-field-id', 'x-pii'] });
  const compiled = new Map(EVENT_TYPES.map((t) => [t, ajv.compile(eventJsonSchema(contracts().events.get(t)!))]));

  it.each(EVENT_TYPES)(
    '%s: Ajv accepts the valid event and undeclared keys, rejects missing and mistyped fields',
    (type) => {
      const check = compiled.get(type)!;
      expect(check(valid(type)), JSON.stringify(check.errors)).toBe(true);
      for (const f of contracts().events.get(type)!.fields) {
        const e = valid(type);
        e[f.name] = [[1]];
        expect(check(e), f.name).toBe(false);
        if (f.required) {
          delete e[f.name];
          expect(check(e), f.name).toBe(false);
        }
      }
      // Open content, like the validator's default (unknownFields 'ignore').
      expect(check({ ...valid(type), surprise: 1 })).toBe(true);
    },
  );

  it('never rejects an event shoplake accepts (the registry schema is never stricter than the validator)', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const values = [null, 0, -1, 2.5, '', 'x', '12.30', '2025-03-15T12:00:00Z', true, [], {}];
    let agreed = 0;
    for (let i = 0; i < 3000; i++) {
      const type = EVENT_TYPES[i % EVENT_TYPES.length]!;
      const e = valid(type);
      const f = contracts().events.get(type)!.fields[Math.floor(rand() * contracts().events.get(type)!.fields.length)]!;
      e[f.name] = values[Math.floor(rand() * values.length)];
      const ours = validate(e, { now: NOW }).ok;
      const theirs = compiled.get(type)!(e);
      if (ours) expect(theirs, `${type}.${f.name}=${JSON.stringify(e[f.name])}`).toBe(true);
      if (ours === theirs) agreed++;
    }
    expect(agreed).toBeGreaterThan(2500);
  });
});
