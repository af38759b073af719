/* eslint-disable @typescript-eslint/no-explicit-any -- the tests mutate arbitrary contract and event JSON */
// The linter over the real contracts, and every kind of contract mistake in temporary copies of glue-schemas/:
// each must fail with a message naming the file and the field.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ContractError } from '../../../core/contracts/index.js';
import { loadContractsFromDir, readContractFiles } from '../../../core/contracts/load-dir.js';
import { lintContracts } from '../../../core/contracts/lint.js';

const SOURCE = fileURLToPath(new URL('../../../glue-schemas/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'shoplake-lint-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** A fresh copy of the contracts with `mutate` applied to one file's JSON; returns the load error message. */
function loadWith(file: string, mutate: (json: any) => void): string {
  const dir = join(tmp, String(n++));
  for (const part of ['envelope.json', 'topics.json', 'events', 'system'])
    cpSync(join(SOURCE, part), join(dir, part), { recursive: true });
  const path = join(dir, file);
  const json = JSON.parse(readFileSync(path, 'utf8'));
  mutate(json);
  writeFileSync(path, JSON.stringify(json));
  try {
    loadContractsFromDir(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(ContractError);
    return (err as Error).message;
  }
  return 'loaded without error';
}

const field = (c: any, name: string) => c.fields.find((f: any) => f.name === name);
const lineItem = (c: any, name: string) => field(c, 'line_items').type.element.fields.find((f: any) => f.name === name);
const OC = 'events/order_created.json';

type Case = [string, string, (c: any) => void, string[]];
const cases: Case[] = [
  [
    'duplicate id',
    OC,
    (c) => (lineItem(c, 'quantity').id = 162),
    ['field "line_items[].quantity" (id 162)', 'duplicate id', '"line_items[].line_item_id"'],
  ],
  [
    'id reused by a list element-id',
    OC,
    (c) => (field(c, 'line_items').type['element-id'] = 100),
    ['duplicate id', '"order_id"'],
  ],
  [
    'id in the envelope range',
    OC,
    (c) => (field(c, 'tags').id = 7),
    ['field "tags" (id 7)', 'outside the payload range', 'reserved for the envelope'],
  ],
  [
    'id in the system column range',
    OC,
    (c) => (lineItem(c, 'sku').id = 92),
    ['field "line_items[].sku" (id 92)', 'outside the payload range'],
  ],
  ['unknown type', OC, (c) => (field(c, 'tags').type = 'varchar'), ['field "tags" (id 118)', 'unknown type "varchar"']],
  [
    'decimal beyond precision 38',
    OC,
    (c) => (field(c, 'total_price').type = 'decimal(40,2)'),
    ['field "total_price"', 'unknown type "decimal(40,2)"'],
  ],
  [
    'unknown nested type',
    OC,
    (c) => (field(c, 'customer').type.type = 'record'),
    ['field "customer" (id 130)', 'unknown type "record"'],
  ],
  [
    'partition on a missing field',
    OC,
    (c) => (c.table.partition_spec[0].source = 'created'),
    ['table.partition_spec[0].source', '"created" is not a primitive field'],
  ],
  [
    'partition on a list field',
    OC,
    (c) => (c.table.partition_spec[0].source = 'line_items'),
    ['table.partition_spec[0].source', '"line_items"'],
  ],
  [
    'bad transform',
    OC,
    (c) => c.table.partition_spec.push({ source: 'shop_id', transform: 'bucket[0]', name: 'shop_id_bucket' }),
    ['table.partition_spec[1].transform', '"bucket[0]" is not an Iceberg transform'],
  ],
  [
    'transform that cannot apply',
    OC,
    (c) => c.table.partition_spec.push({ source: 'shop_id', transform: 'day', name: 'shop_id_day' }),
    ['table.partition_spec[1].transform', 'day cannot apply to "shop_id" of type string'],
  ],
  [
    'partition name colliding with a column',
    OC,
    (c) => (c.table.partition_spec[0].name = 'order_id'),
    ['table.partition_spec[0].name', 'collides with a column'],
  ],
  [
    'sort on a missing field',
    OC,
    (c) => (c.table.sort_order[1].source = 'order'),
    ['table.sort_order[1].source', '"order"'],
  ],
  [
    'bad sort direction',
    OC,
    (c) => (c.table.sort_order[0].direction = 'up'),
    ['table.sort_order[0].direction', '"asc" or "desc"'],
  ],
  [
    'optional identifier field',
    OC,
    (c) => (c.table.identifier_fields = ['email']),
    ['table.identifier_fields', '"email" must be required'],
  ],
  [
    'missing identifier field',
    OC,
    (c) => (c.table.identifier_fields = ['id']),
    ['table.identifier_fields', '"id" is not a primitive field'],
  ],
  [
    'no identifier field',
    OC,
    (c) => (c.table.identifier_fields = []),
    ['table.identifier_fields', 'at least one field'],
  ],
  [
    'child list not found',
    OC,
    (c) => (c.children[0].list = 'items'),
    ['children[0] "order_line_items".list', '"items" is not a payload field'],
  ],
  [
    'child list not a list of structs',
    OC,
    (c) => (c.children[0].list = 'tags'),
    ['children[0] "order_line_items".list', 'must be a list of structs'],
  ],
  [
    'child carries a missing field',
    OC,
    (c) => c.children[0].carry.push('order_total'),
    ['children[0] "order_line_items".carry', '"order_total"'],
  ],
  [
    'child identifier not in the child',
    OC,
    (c) => (c.children[0].identifier_fields = ['event_id', 'line_id']),
    ['children[0] "order_line_items".identifier_fields', '"line_id"'],
  ],
  [
    'child partition source not carried',
    OC,
    (c) => (c.children[0].carry = ['event_id', 'order_id']),
    ['children[0] "order_line_items".partition_spec[0].source', '"event_time"'],
  ],
  [
    'child table named like an event',
    OC,
    (c) => (c.children[0].table = 'order_updated'),
    ['children[0] "order_updated"', 'already used by events/order_updated.json'],
  ],
  ['unknown topic', OC, (c) => (c.topic = 'payments'), ['topic', '"payments" is not declared in topics.json']],
  [
    'event_type not the file name',
    OC,
    (c) => (c.event_type = 'order_placed'),
    ['event_type', 'must equal the file name "order_created"'],
  ],
  [
    'misspelt field key',
    OC,
    (c) => (field(c, 'tags').requird = true),
    ['field "tags" (id 118)', 'unknown key "requird"'],
  ],
  [
    'missing required flag',
    OC,
    (c) => delete field(c, 'tags').required,
    ['field "tags" (id 118)', 'required must be true or false'],
  ],
  [
    'direct PII on a number',
    OC,
    (c) => (lineItem(c, 'product_id').pii = 'direct'),
    ['field "line_items[].product_id" (id 163)', 'pii "direct" needs type string'],
  ],
  [
    'unknown PII class',
    OC,
    (c) => (field(c, 'email').pii = 'secret'),
    ['field "email" (id 103)', 'pii must be none, indirect or direct'],
  ],
  [
    'PII class on a struct',
    OC,
    (c) => (field(c, 'customer').pii = 'direct'),
    ['field "customer" (id 130)', 'must have pii "none"'],
  ],
  [
    'binary in an event',
    OC,
    (c) => (field(c, 'tags').type = 'binary'),
    ['field "tags" (id 118)', 'binary has no JSON form'],
  ],
  [
    'duplicate name in a struct',
    OC,
    (c) => (field(c, 'customer').type.fields[2].name = 'email'),
    ['field "customer.email" (id 133)', 'duplicate name "email"'],
  ],
  [
    'payload field named like the envelope',
    OC,
    (c) => (field(c, 'tags').name = 'shop_id'),
    ['field "shop_id" (id 118)', 'duplicate name "shop_id"'],
  ],
  [
    'payload field named like a system column',
    OC,
    (c) => (field(c, 'tags').name = 'ingest_time'),
    ['duplicate name "ingest_time", also id 118'],
  ],
  ['field named constructor', OC, (c) => (field(c, 'tags').name = 'constructor'), ['field "constructor"', 'reserved']],
  ['upper-case name', OC, (c) => (field(c, 'tags').name = 'Tags'), ['field "Tags"', 'lower snake case']],
  [
    'check that does not apply',
    OC,
    (c) => (field(c, 'order_id').checks = { max_length: 5 }),
    ['field "order_id" (id 100) checks', '"max_length" does not apply to long'],
  ],
  [
    'invalid pattern',
    OC,
    (c) => (field(c, 'currency').checks = { pattern: '^[A-Z{3}$(' }),
    ['field "currency" (id 104) checks', 'not a valid regular expression'],
  ],
  [
    'min above max',
    OC,
    (c) => (lineItem(c, 'quantity').checks = { min: 5, max: 1 }),
    ['field "line_items[].quantity" (id 169) checks', 'min 5 is above max 1'],
  ],
  [
    'doc too long for Glue',
    OC,
    (c) => (field(c, 'tags').doc = 'x'.repeat(256)),
    ['field "tags" (id 118)', '256 characters'],
  ],
  [
    'missing retention',
    OC,
    (c) => delete c.table.retention_days.silver,
    ['table.retention_days.silver', 'integer >= 1'],
  ],
  [
    'bronze retention disagreeing within a topic',
    'events/order_updated.json',
    (c) => (c.table.retention_days.bronze = 30),
    ['events/order_updated.json', 'table.retention_days.bronze', 'bronze.orders is one table'],
  ],
  [
    'map with non-string keys',
    OC,
    (c) => (field(c, 'note_attributes').type.key = 'long'),
    ['field "note_attributes" (id 125)', 'map keys must be type string'],
  ],
  [
    'envelope id outside 1-89',
    'envelope.json',
    (c) => (c.fields[0].id = 95),
    ['envelope.json', 'field "event_id" (id 95)', 'outside the envelope range 1-89'],
  ],
  [
    'topic key not in the envelope',
    'topics.json',
    (c) => (c.topics[0].key = 'order_id'),
    ['topics.json', 'topic "orders"', 'key "order_id" is not an envelope field'],
  ],
  [
    'quarantine partition on a missing field',
    'system/quarantine.json',
    (c) => (c.table.partition_spec[0].source = 'quarantine_time'),
    ['system/quarantine.json', 'table.partition_spec[0].source'],
  ],
  [
    'topic without events',
    'topics.json',
    (c) => c.topics.push({ topic: 'payments', domain: 'payments', key: 'shop_id', doc: 'Payments.' }),
    ['topics.json', 'topic "payments"', 'no event contract uses it'],
  ],
  [
    'bronze with retention of its own',
    'system/bronze.json',
    (c) => (c.table.retention_days = { bronze: 7 }),
    ['system/bronze.json', 'table.retention_days', 'comes from the events'],
  ],
];

describe('lint', () => {
  it('the real contracts lint clean', () => {
    expect(lintContracts(readContractFiles(SOURCE))).toEqual([]);
  });

  it.each(cases)('%s: names the file and the field', (_name, file, mutate, expected) => {
    const message = loadWith(file, mutate);
    expect(message).toContain(`glue-schemas/${file}`);
    for (const part of expected) expect(message).toContain(part);
  });

  it('a file that is not JSON names the file', () => {
    const dir = join(tmp, 'notjson');
    for (const part of ['envelope.json', 'topics.json', 'events', 'system'])
      cpSync(join(SOURCE, part), join(dir, part), { recursive: true });
    writeFileSync(join(dir, 'events/page_viewed.json'), '{ "event_type": "page_viewed", ');
    expect(() => readContractFiles(dir)).toThrow(/glue-schemas\/events\/page_viewed.json: not valid JSON/);
  });

  it('a file that is not an object, or misses system/silver.json, fails clearly', () => {
    const files = readContractFiles(SOURCE);
    const broken = {
      ...files,
      events: [...files.events, { path: 'events/x.json', json: [1, 2] }],
      system: files.system.filter((f) => !f.path.endsWith('silver.json')),
    };
    const msgs = lintContracts(broken).map((p) => `${p.file}: ${p.where}: ${p.message}`);
    expect(msgs).toContain('events/x.json: file: must be a JSON object, got an array');
    expect(msgs).toContain('system/silver.json: file: missing: it declares the silver system columns');
  });
});
