// Partition values between the JS values of DESIGN.md "Row representation" and their Avro datums in manifests:
// decimals as fixed two's-complement bytes of the minimum size for the precision, uuids as 16-byte fixed, longs
// and timestamps as number | bigint, dates as day numbers, binary/fixed as Uint8Array.
import {
  bigintToFixedBytes,
  bytesToBigint,
  bytesToUuid,
  decimalParams,
  decimalRequiredBytes,
  decimalToString,
  decimalToUnscaled,
  longToJs,
  toLong,
  uuidToBytes,
} from '../spec/values.js';
import type { PrimitiveType } from '../spec/types.js';

/** One partition value -> its Avro datum for the Avro schema that iceberg-schema.ts gives `type`. */
export function partitionValueToAvro(type: PrimitiveType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const decimal = decimalParams(type);
  if (decimal) {
    const unscaled = decimalToUnscaled(value, decimal.precision, decimal.scale);
    return bigintToFixedBytes(unscaled, decimalRequiredBytes(decimal.precision));
  }
  switch (type) {
    case 'uuid':
      return typeof value === 'string' ? uuidToBytes(value) : value;
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return longToJs(toLong(value));
    default:
      return value;
  }
}

/** An Avro datum of a partition field -> the JS value, given the field's Iceberg type. */
export function partitionValueFromAvro(type: PrimitiveType, datum: unknown): unknown {
  if (datum === null || datum === undefined) return null;
  const decimal = decimalParams(type);
  if (decimal) {
    if (!(datum instanceof Uint8Array)) throw new TypeError(`decimal partition value is not bytes`);
    return decimalToString(bytesToBigint(datum), decimal.scale);
  }
  if (type === 'uuid' && datum instanceof Uint8Array) return bytesToUuid(datum);
  return datum;
}
