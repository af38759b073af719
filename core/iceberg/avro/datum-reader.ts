// Generic Avro datum decoding, compiled once per schema into closures. Values: null, boolean, number (int,
// float, double), number | bigint (long), Uint8Array (bytes, fixed), string, string (enum symbol),
// object keyed by field name (record), array, Map<string, V> (map). Logical types are not interpreted here,
// except that `mapArrays` reads Iceberg's maps-as-arrays (logicalType "map", 2-field key/value records) straight
// into a Map, which halves the objects a manifest decodes into.
import type { BinaryDecoder } from './binary-decoder.js';
import type { ResolvedSchema } from './schema.js';

export type DatumReader = (d: BinaryDecoder) => unknown;

export interface DatumReaderOptions {
  /** Read arrays with logicalType "map" of {key, value} records as Map<key, value>. */
  mapArrays?: boolean;
}

export function compileDatumReader(schema: ResolvedSchema, options: DatumReaderOptions = {}): DatumReader {
  const cache = new Map<ResolvedSchema, DatumReader>();

  const compile = (s: ResolvedSchema): DatumReader => {
    const cached = cache.get(s);
    if (cached) return cached;
    // Placeholder first, so recursive records resolve to the finished reader.
    const ref: { current?: DatumReader } = {};
    cache.set(s, (d) => ref.current!(d));
    ref.current = build(s);
    cache.set(s, ref.current);
    return ref.current;
  };

  const build = (s: ResolvedSchema): DatumReader => {
    switch (s.kind) {
      case 'primitive':
        switch (s.type) {
          case 'null':
            return () => null;
          case 'boolean':
            return (d) => d.readBoolean();
          case 'int':
            return (d) => d.readInt();
          case 'long':
            return (d) => d.readLong();
          case 'float':
            return (d) => d.readFloat();
          case 'double':
            return (d) => d.readDouble();
          case 'bytes':
            return (d) => d.readBytes();
          case 'string':
            return (d) => d.readString();
        }
        break;
      case 'record': {
        const names = s.fields.map((f) => f.name);
        const readers = s.fields.map((f) => compile(f.type));
        return (d) => {
          const out: Record<string, unknown> = {};
          for (let i = 0; i < readers.length; i++) out[names[i]!] = readers[i]!(d);
          return out;
        };
      }
      case 'enum': {
        const symbols = s.symbols;
        return (d) => {
          const i = d.readInt();
          if (i < 0 || i >= symbols.length)
            throw new RangeError(`enum index ${i} is out of range (${symbols.length} symbols)`);
          return symbols[i];
        };
      }
      case 'fixed': {
        const size = s.size;
        return (d) => d.readFixed(size);
      }
      case 'array': {
        if (
          options.mapArrays &&
          s.schema.logicalType === 'map' &&
          s.items.kind === 'record' &&
          s.items.fields.length === 2
        ) {
          const key = compile(s.items.fields[0]!.type);
          const value = compile(s.items.fields[1]!.type);
          return (d) => {
            const out = new Map<unknown, unknown>();
            for (let n = blockCount(d, true); n !== 0; n = blockCount(d, true)) {
              for (let i = 0; i < n; i++) {
                const k = key(d);
                out.set(k, value(d));
              }
            }
            return out;
          };
        }
        const item = compile(s.items);
        const check = !zeroSized(s.items);
        return (d) => {
          const out: unknown[] = [];
          for (let n = blockCount(d, check); n !== 0; n = blockCount(d, check)) {
            for (let i = 0; i < n; i++) out.push(item(d));
          }
          return out;
        };
      }
      case 'map': {
        const value = compile(s.values);
        return (d) => {
          const out = new Map<string, unknown>();
          for (let n = blockCount(d, true); n !== 0; n = blockCount(d, true)) {
            for (let i = 0; i < n; i++) {
              const k = d.readString();
              out.set(k, value(d));
            }
          }
          return out;
        };
      }
      case 'union': {
        const branches = s.branches.map(compile);
        return (d) => {
          const i = d.readInt();
          const branch = branches[i];
          if (!branch) throw new RangeError(`union branch ${i} is out of range (${branches.length} branches)`);
          return branch(d);
        };
      }
    }
    throw new Error('unreachable');
  };

  return compile(schema);
}

/**
 * The item count of the next array/map block; a negative count is followed by the block's byte size. When items
 * take at least one byte, a count above the remaining bytes is corruption (and would otherwise loop for long).
 */
function blockCount(d: BinaryDecoder, check: boolean): number {
  let n = d.readSafeLong();
  if (n < 0) {
    n = -n;
    d.readSafeLong();
  }
  if (check && n > d.remaining) throw new RangeError(`block claims ${n} items but only ${d.remaining} bytes remain`);
  return n;
}

/** Whether a value of the schema can encode to zero bytes. */
function zeroSized(s: ResolvedSchema, seen = new Set<ResolvedSchema>()): boolean {
  if (seen.has(s)) return false;
  seen.add(s);
  if (s.kind === 'primitive') return s.type === 'null';
  if (s.kind === 'fixed') return s.size === 0;
  if (s.kind === 'record') return s.fields.every((f) => zeroSized(f.type, seen));
  return false;
}
