/* eslint-disable @typescript-eslint/no-explicit-any -- the tests mutate arbitrary contract and event JSON */
// `npm run schemas:check` as part of `npm test`, and the evolution rules on in-memory variants of the contracts.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadContracts } from '../../../core/contracts/index.js';
import { readContractFiles } from '../../../core/contracts/load-dir.js';
import { compareReleases, releaseSnapshot, typeChange } from '../../../core/contracts/evolution.js';
import { checkRelease, writeRelease } from '../../../core/contracts/release.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const SOURCE = join(REPO, 'glue-schemas');
const tmp = mkdtempSync(join(tmpdir(), 'shoplake-evolution-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The released snapshot of the contracts after `mutate` changed their JSON (files by path). */
function snapshot(
  mutate: (file: (path: string) => any, files: ReturnType<typeof readContractFiles>) => void = () => {},
) {
  const files = readContractFiles(SOURCE);
  const file = (path: string) =>
    [files.envelope, files.topics, ...files.events, ...files.system].find((f) => f.path === path)!.json;
  mutate(file, files);
  return releaseSnapshot(loadContracts(files));
}
const OC = 'events/order_created.json';
const field = (c: any, name: string) => c.fields.find((f: any) => f.name === name);
const lineItem = (c: any, name: string) => field(c, 'line_items').type.element.fields.find((f: any) => f.name === name);
const bump = (c: any) => (c.schema_version += 1);

describe('schemas:check against the released snapshot in the repository', () => {
  it('the current contracts are compatible with glue-schemas/released/tables.json', () => {
    const r = checkRelease(REPO);
    expect(r.breaking).toEqual([]);
    expect(r.tables).toBeGreaterThan(20);
  });
});

describe('evolution rules', () => {
  const base = snapshot();

  it('identical contracts: nothing breaking, nothing noted', () => {
    expect(compareReleases(base, snapshot())).toEqual({ breaking: [], notes: [] });
  });

  type Case = [string, (file: (p: string) => any, files: any) => void, string];
  const allowed: Case[] = [
    [
      'new optional field',
      (f) => (
        f(OC).fields.push({
          id: 190,
          name: 'po_number',
          type: 'string',
          required: false,
          pii: 'none',
          doc: 'Purchase order.',
        }),
        bump(f(OC))
      ),
      'new field "po_number" (id 190)',
    ],
    [
      'new required field inside a new optional struct',
      (f) => (
        f(OC).fields.push({
          id: 191,
          name: 'gift',
          required: false,
          pii: 'none',
          doc: 'Gift.',
          type: {
            type: 'struct',
            fields: [{ id: 192, name: 'to', type: 'string', required: true, pii: 'indirect', doc: 'Recipient.' }],
          },
        }),
        bump(f(OC))
      ),
      'new field "gift.to" (id 192)',
    ],
    ['int -> long', (f) => ((lineItem(f(OC), 'quantity').type = 'long'), bump(f(OC))), 'widened from int to long'],
    [
      'decimal precision widened, same scale',
      (f) => ((field(f(OC), 'total_price').type = 'decimal(18,2)'), bump(f(OC))),
      'widened from decimal(12,2) to decimal(18,2)',
    ],
    [
      'required -> optional',
      (f) => ((field(f(OC), 'taxes_included').required = false), bump(f(OC))),
      '"taxes_included" made optional',
    ],
    ['sort order changed', (f) => f(OC).table.sort_order.reverse(), 'sort order changed'],
    [
      'new event type',
      (_f, files) =>
        files.events.push({
          path: 'events/order_fulfilled.json',
          json: { ...structuredClone(_f('events/order_cancelled.json')), event_type: 'order_fulfilled' },
        }),
      'silver.order_fulfilled: new table',
    ],
  ];
  it.each(allowed)('allowed: %s', (_name, mutate, note) => {
    const r = compareReleases(base, snapshot(mutate));
    expect(r.breaking).toEqual([]);
    expect(r.notes.join('\n')).toContain(note);
  });

  it('allowed: float -> double (on a released float field)', () => {
    const withFloat = (type: string, v: number) =>
      snapshot((f) => {
        f(OC).fields.push({ id: 193, name: 'score', type, required: false, pii: 'none', doc: 'Fraud score.' });
        f(OC).schema_version = v;
      });
    expect(compareReleases(withFloat('float', 2), withFloat('double', 3)).breaking).toEqual([]);
    expect(compareReleases(withFloat('double', 2), withFloat('float', 3)).breaking.join()).toContain(
      'changed type from double to float',
    );
  });

  it('docs, checks, retention and properties change freely, without a version bump', () => {
    const r = compareReleases(
      base,
      snapshot((f) => {
        field(f(OC), 'tags').doc = 'Order tags, comma separated.';
        lineItem(f(OC), 'quantity').checks = { min: 1, max: 500 };
        f(OC).table.retention_days.silver = 3650;
      }),
    );
    expect(r.breaking).toEqual([]);
  });

  const breaking: Case[] = [
    [
      'removed field',
      (f) => (f(OC).fields = f(OC).fields.filter((x: any) => x.name !== 'tags')),
      'silver.order_created (glue-schemas/events/order_created.json): field "tags" (id 118) was removed or renamed',
    ],
    [
      'renamed field',
      (f) => ((field(f(OC), 'tags').name = 'labels'), bump(f(OC))),
      'field id 118 renamed from "tags" to "labels"',
    ],
    ['changed id', (f) => ((field(f(OC), 'tags').id = 189), bump(f(OC))), 'field "tags" changed id from 118 to 189'],
    [
      'reused id for another field',
      (f) => {
        const c = f(OC);
        c.fields = c.fields.filter((x: any) => x.name !== 'tags');
        c.fields.push({ id: 118, name: 'labels', type: 'string', required: false, pii: 'none', doc: 'x' });
        bump(c);
      },
      'field id 118 renamed from "tags" to "labels"',
    ],
    [
      'narrowed long -> int',
      (f) => ((field(f(OC), 'order_number').type = 'int'), bump(f(OC))),
      'field "order_number" (id 101) changed type from long to int',
    ],
    [
      'decimal precision narrowed',
      (f) => ((field(f(OC), 'total_price').type = 'decimal(10,2)'), bump(f(OC))),
      'changed type from decimal(12,2) to decimal(10,2)',
    ],
    [
      'decimal scale changed',
      (f) => ((field(f(OC), 'total_price').type = 'decimal(14,4)'), bump(f(OC))),
      'changed type from decimal(12,2) to decimal(14,4)',
    ],
    [
      'boolean -> string',
      (f) => ((field(f(OC), 'taxes_included').type = 'string'), bump(f(OC))),
      'changed type from boolean to string',
    ],
    [
      'optional -> required',
      (f) => ((field(f(OC), 'tags').required = true), bump(f(OC))),
      'field "tags" (id 118) changed from optional to required',
    ],
    [
      'map value optional -> required',
      (f) => ((field(f(OC), 'note_attributes').type['value-required'] = true), bump(f(OC))),
      'field "note_attributes.value" (id 127) changed from optional to required',
    ],
    [
      'new required field',
      (f) => (
        f(OC).fields.push({ id: 190, name: 'po_number', type: 'string', required: true, pii: 'none', doc: 'PO.' }),
        bump(f(OC))
      ),
      'new field "po_number" (id 190) is required',
    ],
    [
      'changed partition source',
      (f) => (
        (f('events/order_cancelled.json').table.partition_spec[0].source = 'cancelled_at'),
        bump(f('events/order_cancelled.json'))
      ),
      'partition field "event_time_day" changed source from field id 4 to 104',
    ],
    [
      'changed partition transform',
      (f) => (f(OC).table.partition_spec[0].transform = 'hour'),
      'partition field day(4) as event_time_day changed to hour(4) as event_time_day',
    ],
    [
      'added partition field',
      (f) => f('events/page_viewed.json').table.partition_spec.push({ source: 'page_type', transform: 'identity' }),
      'partition field identity(120) as page_type added',
    ],
    [
      'changed identifier fields',
      (f) => (f(OC).table.identifier_fields = ['event_id', 'order_id']),
      'identifier fields changed from [event_id] to [event_id, order_id]',
    ],
    [
      'changed topic',
      (f) => {
        const c = f('events/refund_created.json');
        c.topic = 'customers';
        c.table.retention_days.bronze = 30;
      },
      'silver.refund_created (glue-schemas/events/refund_created.json): topic changed from orders to customers',
    ],
    [
      'removed event type',
      (_f, files) => (files.events = files.events.filter((x: any) => x.path !== 'events/search_performed.json')),
      'silver.search_performed (glue-schemas/events/search_performed.json): table removed',
    ],
    [
      'schema change without a version bump',
      (f) =>
        f(OC).fields.push({ id: 190, name: 'po_number', type: 'string', required: false, pii: 'none', doc: 'PO.' }),
      'the schema changed but schema_version is still 1: bump it',
    ],
  ];
  it.each(breaking)('breaking: %s', (_name, mutate, message) => {
    const r = compareReleases(base, snapshot(mutate));
    expect(r.breaking.join('\n')).toContain(message);
  });

  it('breaking: schema_version lowered', () => {
    const v2 = snapshot((f) => (f(OC).schema_version = 2));
    expect(compareReleases(v2, base).breaking.join()).toContain('schema_version went down from 2 to 1');
  });

  it('a system table change is checked the same way', () => {
    const r = compareReleases(
      base,
      snapshot(
        (f) =>
          (f('system/quarantine.json').fields = f('system/quarantine.json').fields.filter(
            (x: any) => x.name !== 'payload_bytes',
          )),
      ),
    );
    expect(r.breaking.join()).toContain(
      'ops.quarantine (glue-schemas/system/quarantine.json): field "payload_bytes" (id 101) was removed or renamed',
    );
  });

  it('type promotion table', () => {
    expect(
      ['int>long', 'float>double', 'decimal(9,2)>decimal(38,2)', 'long>long'].map((s) =>
        typeChange(...(s.split('>') as [string, string])),
      ),
    ).toEqual(['promotion', 'promotion', 'promotion', 'same']);
    expect(
      ['long>int', 'double>float', 'decimal(9,2)>decimal(9,3)', 'int>double', 'date>timestamptz'].map((s) =>
        typeChange(...(s.split('>') as [string, string])),
      ),
    ).toEqual(Array(5).fill('breaking'));
  });
});

describe('schemas release / check on a temporary repository', () => {
  it('release records, check passes, a breaking edit fails check and is refused by release unless forced', () => {
    const root = join(tmp, 'repo');
    cpSync(SOURCE, join(root, 'glue-schemas'), {
      recursive: true,
      filter: (p) => !p.includes('derived') && !p.includes('released'),
    });
    expect(checkRelease(root).breaking.join()).toContain('no released snapshot');
    expect(writeRelease(root, { force: false }).written).toBe(true);
    expect(checkRelease(root).breaking).toEqual([]);
    const file = join(root, 'glue-schemas', OC);
    const c = JSON.parse(readFileSync(file, 'utf8'));
    field(c, 'order_number').type = 'int';
    c.schema_version = 2;
    writeFileSync(file, JSON.stringify(c));
    const r = checkRelease(root);
    expect(r.breaking).toEqual([
      'silver.order_created (glue-schemas/events/order_created.json): field "order_number" (id 101) changed type from long to int (narrowed or incompatible)',
    ]);
    expect(writeRelease(root, { force: false }).written).toBe(false);
    expect(writeRelease(root, { force: true }).written).toBe(true);
    expect(checkRelease(root).breaking).toEqual([]);
  });
});
