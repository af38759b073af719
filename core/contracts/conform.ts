// conform(): a validated JSON event -> its silver row (DESIGN.md row representation) and its child rows.
// timestamptz ISO text -> microseconds, date -> days, decimal -> plain text at the column's scale, map -> Map,
// direct PII -> hashPii(value), absent optional -> null; the silver system columns come from `meta`.
// Child rows (order line items...) explode a list of structs and carry the parent's already-conformed keys.
// Compiled per table like the validator: one object literal per row keeps V8's hidden classes stable.
import type { ContractField, ContractType } from './format.js';
import { parsePrimitive } from './field-types.js';
import type { ContractSet, EventContract } from './load.js';
import { normalizeDecimal, parseDate, parseTimestamptz } from './wire-values.js';

export type Row = Record<string, unknown>;

export interface Conformed {
  /** `silver.<event_type>` */
  table: string;
  row: Row;
  /** One entry per child table of the event (possibly with no rows). */
  children: { table: string; rows: Row[] }[];
}

/** Hashes a direct-PII value (HMAC-SHA256 with the environment's salt: see pii.ts). */
export type HashPii = (value: string) => string;

/** Values of the silver system columns (glue-schemas/system/silver.json), keyed by column name. */
export type SystemValues = Record<string, unknown>;

export type Conform = (event: object, meta: SystemValues, hashPii: HashPii) => Conformed;

const helpers = { ts: parseTimestamptz, date: parseDate, dec: normalizeDecimal };

class Generator {
  private n = 0;
  readonly fns: string[] = [];

  /** Expression converting the non-null value `v` of type t. */
  conv(t: ContractType, pii: string, v: string): string {
    if (typeof t !== 'string') {
      const fn = `F${this.n++}`;
      if (t.type === 'struct') {
        this.fns.push(`function ${fn}(s) { var x; return ${this.literal(t.fields, 's')}; }`);
      } else if (t.type === 'list') {
        this.fns.push(
          `function ${fn}(a) { var r = new Array(a.length), e; for (var i = 0; i < a.length; i++) { e = a[i]; r[i] = e === null || e === undefined ? null : ${this.conv(t.element, pii, 'e')}; } return r; }`,
        );
      } else {
        this.fns.push(
          `function ${fn}(o) { var r = new Map(), ks = Object.keys(o), e; for (var i = 0; i < ks.length; i++) { e = o[ks[i]]; r.set(ks[i], e === null || e === undefined ? null : ${this.conv(t.value, pii, 'e')}); } return r; }`,
        );
      }
      return `${fn}(${v})`;
    }
    const p = parsePrimitive(t)!;
    if (p.kind === 'timestamptz') return `H.ts(${v})`;
    if (p.kind === 'date') return `H.date(${v})`;
    if (p.kind === 'decimal') return `H.dec(${v}, ${p.scale})`;
    if (pii === 'direct' && p.kind === 'string') return `h(${v})`;
    return v;
  }

  /** An object literal of the fields of `obj`, each converted or null. */
  literal(fields: ContractField[], obj: string): string {
    const props = fields.map((f) => {
      const conv = this.conv(f.type, f.pii, 'x');
      // Values kept as they are need no temporary: absent becomes null.
      if (conv === 'x') return `${f.name}: ${obj}.${f.name} ?? null`;
      return `${f.name}: (x = ${obj}.${f.name}) === null || x === undefined ? null : ${conv}`;
    });
    return `{ ${props.join(', ')} }`;
  }
}

function systemProps(columns: ContractField[]): string {
  return columns.map((c) => `${c.name}: m.${c.name} ?? null`).join(', ');
}

/** Generates the conform function of one event contract (exposed for tests). */
export function conformSource(e: EventContract, systemColumns: ContractField[]): string {
  const g = new Generator();
  const required = systemColumns
    .filter((c) => c.required)
    .map(
      (c) =>
        `if (m.${c.name} === undefined || m.${c.name} === null) throw new Error('conform: meta.${c.name} is required');`,
    )
    .join('\n');
  const rowLiteral = g.literal(e.fields, 'o').replace(/ }$/, `, ${systemProps(systemColumns)} }`);
  const children = e.children.map(({ spec, table }) => {
    const list = e.fields.find((f) => f.name === spec.list)!;
    const element = (list.type as { element: { fields: ContractField[] } }).element.fields;
    const carried = spec.carry.map((name) => `${name}: row.${name}`);
    const own = g.literal(element, 'el').slice(2, -2);
    return `{ table: ${JSON.stringify(table.qualifiedName)}, rows: (function () {
  var a = o.${spec.list}, out = [], el, x;
  if (a === null || a === undefined) return out;
  for (var i = 0; i < a.length; i++) { el = a[i]; if (el === null || el === undefined) continue;
    out.push({ ${[...carried, own, systemProps(systemColumns)].join(', ')} }); }
  return out; })() }`;
  });
  return `'use strict';
var h;
${g.fns.join('\n')}
return function conform_${e.eventType}(o, m, hashPii) {
h = hashPii;
${required}
var x;
var row = ${rowLiteral};
return { table: ${JSON.stringify(e.table.qualifiedName)}, row: row, children: [${children.join(', ')}] };
};`;
}

/** Builds conform() for a contract set. The event must have passed validate(): conform does not re-check it. */
export function createConformer(set: ContractSet): Conform {
  const compiled = new Map<string, (o: object, m: SystemValues, h: HashPii) => Conformed>();
  for (const [type, e] of set.events) {
    compiled.set(
      type,
      new Function('H', conformSource(e, set.systemColumns))(helpers) as (
        o: object,
        m: SystemValues,
        h: HashPii,
      ) => Conformed,
    );
  }
  return function conform(event: object, meta: SystemValues, hashPii: HashPii): Conformed {
    const type = (event as { event_type?: unknown }).event_type;
    const fn = typeof type === 'string' ? compiled.get(type) : undefined;
    if (!fn) throw new Error(`conform: unknown event_type ${JSON.stringify(type)} (validate the event first)`);
    return fn(event, meta, hashPii);
  };
}
