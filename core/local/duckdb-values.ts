// DuckDB result values as plain values (exact, JSON-ready) and as display text. Integers keep every digit (BIGINT
// and HUGEINT become bigint), DECIMAL keeps its scale as a string ("12.30"), timestamps are ISO 8601 in UTC,
// dates "YYYY-MM-DD", UUIDs canonical text, BLOBs hex, lists arrays, structs objects, maps arrays of {key, value}.
import type { DuckDBType, DuckDBValue, DuckDBValueConverter, DuckDBBlobValue } from '@duckdb/node-api';
import {
  createDuckDBValueConverter,
  DuckDBTypeId,
  JsonDuckDBValueConverter,
  bigintFromBigIntValue,
} from '@duckdb/node-api';

/** A value ready for JSON (bigint written as a plain JSON number) or display. */
export type PlainValue = null | boolean | number | bigint | string | PlainValue[] | { [key: string]: PlainValue };

const json = JsonDuckDBValueConverter as DuckDBValueConverter<PlainValue>;
const asString = (v: DuckDBValue): string => String(v);
const timestamp = (v: DuckDBValue): string => isoTimestamp(String(v));
const blobHex = (v: DuckDBValue): string => Buffer.from((v as DuckDBBlobValue).bytes).toString('hex');

/** Like DuckDB's JSON converter, but exact integers as bigint, timestamps in ISO 8601 and BLOBs as hex. */
export const plainValue: DuckDBValueConverter<PlainValue> = createDuckDBValueConverter<PlainValue>({
  ...Object.fromEntries(
    Object.values(DuckDBTypeId)
      .filter((id): id is DuckDBTypeId => typeof id === 'number')
      .map((id) => [id, (v: DuckDBValue, t: DuckDBType, c: DuckDBValueConverter<PlainValue>) => json(v, t, c)]),
  ),
  [DuckDBTypeId.BIGINT]: bigintFromBigIntValue,
  [DuckDBTypeId.UBIGINT]: bigintFromBigIntValue,
  [DuckDBTypeId.HUGEINT]: bigintFromBigIntValue,
  [DuckDBTypeId.UHUGEINT]: bigintFromBigIntValue,
  [DuckDBTypeId.BIGNUM]: bigintFromBigIntValue,
  [DuckDBTypeId.DECIMAL]: asString,
  [DuckDBTypeId.TIMESTAMP]: timestamp,
  [DuckDBTypeId.TIMESTAMP_S]: timestamp,
  [DuckDBTypeId.TIMESTAMP_MS]: timestamp,
  [DuckDBTypeId.TIMESTAMP_NS]: timestamp,
  [DuckDBTypeId.TIMESTAMP_TZ]: timestamp,
  [DuckDBTypeId.BLOB]: blobHex,
} as unknown as Record<DuckDBTypeId, DuckDBValueConverter<PlainValue>>);

/** "2025-03-03 12:00:00.5+00" -> "2025-03-03T12:00:00.5Z"; "2025-03-03 12:00:00" -> "2025-03-03T12:00:00". */
function isoTimestamp(s: string): string {
  const m = /^(-?\d+-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)(?:([+-]\d\d)(?::?(\d\d))?)?$/.exec(s);
  if (!m) return s; // infinity, or a form we do not know: DuckDB's own text
  const [, date, time, hh, mm] = m;
  if (hh === undefined) return `${date}T${time}`;
  const offset = `${hh}:${mm ?? '00'}`;
  return `${date}T${time}${offset === '+00:00' || offset === '-00:00' ? 'Z' : offset}`;
}

/** Display text of a plain value (NULL for null; nested values as compact JSON). */
export function displayValue(v: PlainValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return toJson(v);
}

/** Compact JSON text; bigints are written as JSON numbers with every digit. */
export function toJson(v: PlainValue): string {
  if (v === null) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : JSON.stringify(String(v));
  if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`)
    .join(',')}}`;
}
