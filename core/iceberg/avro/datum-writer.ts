// Generic Avro datum encoding, compiled once per schema into closures. Accepts the values datum-reader.ts
// returns (longs as safe-integer numbers or bigints; maps as Map or plain object; Iceberg's array-maps also as a
// Map) and throws AvroValueError
// naming the field path (`next.lines[2].qty`) when a value does not fit. `undefined` is treated as null, or as
// the field's default when it has one.
import type { BinaryEncoder } from './binary-encoder.js';
import { AvroValueError } from './errors.js';
import type { ResolvedSchema } from './schema.js';

export type DatumWriter = (e: BinaryEncoder, value: unknown) => void;

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

const fail = (reason: string, value: unknown): never => {
  throw new AvroValueError('', `${reason}, got ${describe(value)}`);
};

/** Re-throws an AvroValueError from inside a nested value with `step` prefixed to its path. */
const within = (err: unknown, step: string): never => {
  if (!(err instanceof AvroValueError)) throw err;
  const path = err.path === '' ? step : /^[[{]/.test(err.path) ? `${step}${err.path}` : `${step}.${err.path}`;
  throw new AvroValueError(path, err.reason);
};

export function compileDatumWriter(schema: ResolvedSchema): DatumWriter {
  const cache = new Map<ResolvedSchema, DatumWriter>();

  const compile = (s: ResolvedSchema): DatumWriter => {
    const cached = cache.get(s);
    if (cached) return cached;
    // Placeholder first, so recursive records resolve to the finished writer.
    const ref: { current?: DatumWriter } = {};
    cache.set(s, (e, v) => ref.current!(e, v));
    ref.current = build(s);
    cache.set(s, ref.current);
    return ref.current;
  };

  const build = (s: ResolvedSchema): DatumWriter => {
    switch (s.kind) {
      case 'primitive':
        switch (s.type) {
          case 'null':
            return (_e, v) => {
              if (v != null) fail('expected null', v);
            };
          case 'boolean':
            return (e, v) => (typeof v === 'boolean' ? e.writeBoolean(v) : fail('expected a boolean', v));
          case 'int':
            return (e, v) =>
              typeof v === 'number' && Number.isInteger(v) && v >= INT_MIN && v <= INT_MAX
                ? e.writeInt(v)
                : fail('expected a 32-bit int', v);
          case 'long':
            return (e, v) => {
              if (typeof v === 'number' && Number.isSafeInteger(v)) e.writeLong(v);
              else if (typeof v === 'bigint' && v >= LONG_MIN && v <= LONG_MAX) e.writeLong(v);
              else fail('expected a long (safe integer or 64-bit bigint)', v);
            };
          case 'float':
            return (e, v) => (typeof v === 'number' ? e.writeFloat(v) : fail('expected a number', v));
          case 'double':
            return (e, v) => (typeof v === 'number' ? e.writeDouble(v) : fail('expected a number', v));
          case 'bytes':
            return (e, v) => (v instanceof Uint8Array ? e.writeBytes(v) : fail('expected a Uint8Array', v));
          case 'string':
            return (e, v) => (typeof v === 'string' ? e.writeString(v) : fail('expected a string', v));
        }
        break;
      case 'record': {
        const fields = s.fields.map((f) => ({
          name: f.name,
          write: compile(f.type),
          hasDefault: 'default' in f.field,
          default: f.field.default,
        }));
        return (e, v) => {
          if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array || v instanceof Map) {
            fail(`expected an object for record ${s.name}`, v);
          }
          const obj = v as Record<string, unknown>;
          for (const f of fields) {
            const x = obj[f.name];
            try {
              f.write(e, x === undefined && f.hasDefault ? f.default : x);
            } catch (err) {
              within(err, f.name);
            }
          }
        };
      }
      case 'enum': {
        const index = new Map(s.symbols.map((sym, i) => [sym, i]));
        return (e, v) => {
          const i = typeof v === 'string' ? index.get(v) : undefined;
          if (i === undefined) fail(`expected one of ${s.symbols.join(', ')}`, v);
          else e.writeInt(i);
        };
      }
      case 'fixed': {
        const size = s.size;
        return (e, v) =>
          v instanceof Uint8Array && v.length === size ? e.writeFixed(v) : fail(`expected ${size} bytes`, v);
      }
      case 'array': {
        const item = compile(s.items);
        const mapArray = s.schema.logicalType === 'map' && s.items.kind === 'record' && s.items.fields.length === 2;
        const key = mapArray && s.items.kind === 'record' ? compile(s.items.fields[0]!.type) : undefined;
        const val = mapArray && s.items.kind === 'record' ? compile(s.items.fields[1]!.type) : undefined;
        return (e, v) => {
          if (v instanceof Map && key && val) {
            // An Iceberg map stored as an array of key/value records, given as a Map.
            if (v.size > 0) {
              e.writeLong(v.size);
              for (const [k, x] of v as Map<unknown, unknown>) {
                try {
                  key(e, k);
                  val(e, x);
                } catch (err) {
                  within(err, `{${String(k)}}`);
                }
              }
            }
            e.writeLong(0);
            return;
          }
          if (!Array.isArray(v)) fail('expected an array', v);
          const arr = v as unknown[];
          if (arr.length > 0) {
            e.writeLong(arr.length);
            for (let i = 0; i < arr.length; i++) {
              try {
                item(e, arr[i]);
              } catch (err) {
                within(err, `[${i}]`);
              }
            }
          }
          e.writeLong(0);
        };
      }
      case 'map': {
        const value = compile(s.values);
        return (e, v) => {
          const entries: [unknown, unknown][] =
            v instanceof Map
              ? [...(v as Map<unknown, unknown>).entries()]
              : v !== null && typeof v === 'object' && !Array.isArray(v)
                ? Object.entries(v)
                : fail('expected a Map or an object', v);
          if (entries.length > 0) {
            e.writeLong(entries.length);
            for (const [k, x] of entries) {
              if (typeof k !== 'string') fail('expected string map keys', k);
              e.writeString(k as string);
              try {
                value(e, x);
              } catch (err) {
                within(err, `{${k as string}}`);
              }
            }
          }
          e.writeLong(0);
        };
      }
      case 'union': {
        const branches = s.branches.map((b, i) => ({ i, schema: b, write: compile(b) }));
        const nullBranch = branches.find((b) => b.schema.kind === 'primitive' && b.schema.type === 'null');
        const others = branches.filter((b) => b !== nullBranch);
        return (e, v) => {
          if (v == null) {
            if (!nullBranch) fail('value is required (the union has no null branch)', v);
            e.writeInt(nullBranch!.i);
            return;
          }
          const branch = others.length === 1 ? others[0] : others.find((b) => accepts(b.schema, v));
          if (!branch) fail('value matches no branch of the union', v);
          e.writeInt(branch!.i);
          branch!.write(e, v);
        };
      }
    }
    throw new Error('unreachable');
  };

  return compile(schema);
}

/** A shallow check of whether `v` can be written with schema `s` (to choose a union branch). */
function accepts(s: ResolvedSchema, v: unknown): boolean {
  switch (s.kind) {
    case 'primitive':
      switch (s.type) {
        case 'null':
          return v == null;
        case 'boolean':
          return typeof v === 'boolean';
        case 'int':
          return typeof v === 'number' && Number.isInteger(v) && v >= INT_MIN && v <= INT_MAX;
        case 'long':
          return (
            (typeof v === 'number' && Number.isSafeInteger(v)) ||
            (typeof v === 'bigint' && v >= LONG_MIN && v <= LONG_MAX)
          );
        case 'float':
        case 'double':
          return typeof v === 'number';
        case 'bytes':
          return v instanceof Uint8Array;
        case 'string':
          return typeof v === 'string';
      }
      return false;
    case 'record':
      return (
        v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Map)
      );
    case 'enum':
      return typeof v === 'string' && s.symbols.includes(v);
    case 'fixed':
      return v instanceof Uint8Array && v.length === s.size;
    case 'array':
      return Array.isArray(v);
    case 'map':
      return v instanceof Map || (v !== null && typeof v === 'object' && !Array.isArray(v));
    case 'union':
      return false;
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing (undefined)';
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'object') return v instanceof Map ? 'a Map' : 'an object';
  return `${typeof v} ${String(v)}`;
}
