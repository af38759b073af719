// Partition field summaries of a manifest-list entry (format/spec.md "Manifest Lists", field_summary): for each
// partition field, whether any entry's value is null or NaN, and the lower/upper bound of the other values in
// Appendix D binary form. Like Iceberg Java, every entry of the manifest counts, deleted ones included.
import { compareValues, toBinary } from '../spec/values.js';
import type { FieldSummary, PartitionValues } from '../spec/manifest.js';
import type { PrimitiveType, StructType } from '../spec/types.js';

export function partitionSummaries(partitionType: StructType, partitions: Iterable<PartitionValues>): FieldSummary[] {
  const fields = partitionType.fields.map((f) => ({
    name: f.name,
    type: f.type as PrimitiveType,
    floating: f.type === 'float' || f.type === 'double',
    containsNull: false,
    containsNan: false,
    min: undefined as unknown,
    max: undefined as unknown,
  }));
  for (const partition of partitions) {
    for (const f of fields) {
      const v = partition[f.name];
      if (v === null || v === undefined) {
        f.containsNull = true;
      } else if (f.floating && Number.isNaN(v)) {
        f.containsNan = true;
      } else {
        if (f.min === undefined || compareValues(f.type, v, f.min) < 0) f.min = v;
        if (f.max === undefined || compareValues(f.type, v, f.max) > 0) f.max = v;
      }
    }
  }
  return fields.map((f) => ({
    contains_null: f.containsNull,
    contains_nan: f.containsNan,
    lower_bound: f.min === undefined ? null : toBinary(f.type, f.min),
    upper_bound: f.max === undefined ? null : toBinary(f.type, f.max),
  }));
}
