// Primitive type strings and walking a contract's nested fields. Shared by the linter and every derivation.
import type { ContractField, ContractType } from './format.js';

export type Primitive =
  | { kind: 'boolean' | 'int' | 'long' | 'float' | 'double' | 'date' | 'timestamptz' | 'string' | 'uuid' | 'binary' }
  | { kind: 'decimal'; precision: number; scale: number };

const SIMPLE = new Set([
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'date',
  'timestamptz',
  'string',
  'uuid',
  'binary',
]);
const DECIMAL = /^decimal\((\d{1,2}),\s?(\d{1,2})\)$/;

/** Parses a primitive type string; null when it is not one shoplake contracts may use. */
export function parsePrimitive(t: string): Primitive | null {
  if (SIMPLE.has(t)) return { kind: t as 'string' };
  const m = DECIMAL.exec(t);
  if (!m) return null;
  const precision = Number(m[1]);
  const scale = Number(m[2]);
  if (precision < 1 || precision > 38 || scale > precision) return null;
  return { kind: 'decimal', precision, scale };
}

/** The primitive of a type, or null for struct, list and map. Assumes a linted type. */
export function primitiveOf(t: ContractType): Primitive | null {
  return typeof t === 'string' ? parsePrimitive(t) : null;
}

export interface FieldVisit {
  field: ContractField;
  /** Dotted path of struct field names from the top, e.g. `customer.email`; list/map levels add `[]`/`{}`. */
  path: string;
  /** True when the field is inside a list or a map (its values are repeated). */
  repeated: boolean;
  /** True when an ancestor struct is optional, so the field can be null although it is required. */
  underOptional: boolean;
}

/** Visits every named field, depth first, in declaration order. */
export function walkFields(fields: readonly ContractField[], visit: (v: FieldVisit) => void): void {
  const walk = (fs: readonly ContractField[], prefix: string, repeated: boolean, underOptional: boolean): void => {
    for (const field of fs) {
      const path = prefix ? `${prefix}.${field.name}` : field.name;
      visit({ field, path, repeated, underOptional });
      walkType(field.type, path, repeated, underOptional || !field.required);
    }
  };
  const walkType = (t: ContractType, path: string, repeated: boolean, underOptional: boolean): void => {
    if (typeof t === 'string') return;
    if (t.type === 'struct') walk(t.fields, path, repeated, underOptional);
    else if (t.type === 'list') walkType(t.element, `${path}[]`, true, underOptional);
    else if (t.type === 'map') {
      walkType(t.key, `${path}{}`, true, underOptional);
      walkType(t.value, `${path}{}`, true, underOptional);
    }
  };
  walk(fields, '', false, false);
}

/** Every field id a list of fields declares (field ids, list element ids, map key and value ids) with a label. */
export function allIds(fields: readonly ContractField[]): { id: number; label: string }[] {
  const out: { id: number; label: string }[] = [];
  const ofType = (t: ContractType, label: string): void => {
    if (typeof t === 'string') return;
    if (t.type === 'struct') for (const f of t.fields) ofField(f, `${label}.${f.name}`);
    else if (t.type === 'list') {
      out.push({ id: t['element-id'], label: `${label} (element-id)` });
      ofType(t.element, `${label}[]`);
    } else if (t.type === 'map') {
      out.push({ id: t['key-id'], label: `${label} (key-id)` }, { id: t['value-id'], label: `${label} (value-id)` });
      ofType(t.key, `${label}{}`);
      ofType(t.value, `${label}{}`);
    }
  };
  const ofField = (f: ContractField, label: string): void => {
    out.push({ id: f.id, label });
    ofType(f.type, label);
  };
  for (const f of fields) ofField(f, f.name);
  return out;
}

/** Resolves a dotted path of struct fields (`customer.id`) to its field; null if absent or through a list/map. */
export function fieldAt(fields: readonly ContractField[], path: string): ContractField | null {
  let current: readonly ContractField[] = fields;
  let found: ContractField | null = null;
  for (const part of path.split('.')) {
    if (!current) return null;
    found = current.find((f) => f.name === part) ?? null;
    if (!found) return null;
    current = typeof found.type !== 'string' && found.type.type === 'struct' ? found.type.fields : (undefined as never);
  }
  return found;
}

/** Same field list with every field made optional (bronze and quarantine keep the envelope fields that parsed). */
export function asOptional(fields: readonly ContractField[]): ContractField[] {
  return fields.map((f) => ({ ...f, required: false }));
}
