// Column metrics of a data file, taken from the writer's own statistics (never by reading the file back), in
// the manifest's data_file form: value/null/NaN counts per field id, and lower/upper bounds in Appendix D
// binary form, truncated by Iceberg's metrics modes (table property write.metadata.metrics.*; default
// truncate(16)). As in Iceberg Java, fields inside lists and maps get no counts and no bounds.
import type { DataFile } from '../spec/manifest.js';
import type { IcebergType, NestedField, Schema } from '../spec/types.js';
import {
  comparator,
  javaUuidCompare,
  primitiveKind,
  toBinary,
  truncateLowerBound,
  truncateUpperBound,
  type PrimitiveKind,
} from '../spec/values.js';

export type MetricsMode =
  { kind: 'none' } | { kind: 'counts' } | { kind: 'truncate'; length: number } | { kind: 'full' };

export const DEFAULT_METRICS_MODE: MetricsMode = { kind: 'truncate', length: 16 };

/** Parses `none`, `counts`, `truncate(N)` or `full` (Iceberg's MetricsModes). */
export function parseMetricsMode(text: string): MetricsMode {
  const t = text.trim().toLowerCase();
  if (t === 'none' || t === 'counts' || t === 'full') return { kind: t };
  const m = /^truncate\((\d+)\)$/.exec(t);
  if (m && Number(m[1]) > 0) return { kind: 'truncate', length: Number(m[1]) };
  throw new Error(`invalid metrics mode "${text}" (none, counts, truncate(N) with N > 0, full)`);
}

/** Metrics mode per field id; fields not listed use `default`. */
export interface MetricsConfig {
  default: MetricsMode;
  columns?: Map<number, MetricsMode>;
}

/**
 * Iceberg's MetricsConfig from table properties: write.metadata.metrics.default, per-column
 * write.metadata.metrics.column.<dotted name>, and write.metadata.metrics.max-inferred-column-defaults (100):
 * without an explicit default, only the first 100 primitive columns get truncate(16), the rest none.
 */
export function metricsConfigFromProperties(
  properties: Record<string, string> | undefined,
  schema: Schema,
): MetricsConfig {
  const props = properties ?? {};
  const explicitDefault = props['write.metadata.metrics.default'];
  const columns = new Map<number, MetricsMode>();
  const leaves: { field: NestedField; path: string }[] = [];
  const visit = (fields: NestedField[], prefix: string): void => {
    for (const f of fields) {
      const path = prefix ? `${prefix}.${f.name}` : f.name;
      if (typeof f.type === 'string') leaves.push({ field: f, path });
      else if (f.type.type === 'struct') visit(f.type.fields, path);
    }
  };
  visit(schema.fields, '');
  if (explicitDefault === undefined) {
    const max = Number(props['write.metadata.metrics.max-inferred-column-defaults'] ?? 100);
    leaves.slice(max).forEach((l) => columns.set(l.field.id, { kind: 'none' }));
  }
  for (const { field, path } of leaves) {
    const v = props[`write.metadata.metrics.column.${path}`];
    if (v !== undefined) columns.set(field.id, parseMetricsMode(v));
  }
  return { default: explicitDefault ? parseMetricsMode(explicitDefault) : DEFAULT_METRICS_MODE, columns };
}

function modeFor(config: MetricsConfig, fieldId: number): MetricsMode {
  return config.columns?.get(fieldId) ?? config.default;
}

/**
 * Running statistics of one primitive field outside lists and maps. Values are the row representation after
 * validation (long/timestamps as number or bigint, decimal as unscaled bigint, uuid as string).
 */
export class FieldStats {
  readonly kind: PrimitiveKind;
  valueCount = 0;
  nullCount = 0;
  nanCount = 0;
  min: unknown = undefined;
  max: unknown = undefined;
  // uuid only: the same under java.util.UUID's signed order, see values.javaUuidCompare
  javaMin: string | undefined = undefined;
  javaMax: string | undefined = undefined;
  private readonly cmp: (a: unknown, b: unknown) => number;

  constructor(
    readonly fieldId: number,
    readonly type: IcebergType,
  ) {
    this.kind = primitiveKind(type);
    this.cmp = comparator(type);
  }

  /** Counts a value (null included) and widens the bounds; NaN counts but never bounds. */
  add(v: unknown): void {
    this.valueCount++;
    if (v === null || v === undefined) {
      this.nullCount++;
      return;
    }
    if (typeof v === 'number' && v !== v) {
      this.nanCount++;
      return;
    }
    if (this.min === undefined) {
      this.min = v;
      this.max = v;
    } else {
      if (this.cmp(v, this.min) < 0) this.min = v;
      else if (this.cmp(v, this.max) > 0) this.max = v;
    }
    if (this.kind === 'uuid') {
      const s = v as string;
      if (this.javaMin === undefined || javaUuidCompare(s, this.javaMin) < 0) this.javaMin = s;
      if (this.javaMax === undefined || javaUuidCompare(s, this.javaMax) > 0) this.javaMax = s;
    }
  }

  /**
   * Merges the statistics of a column chunk (the writer computes them once per row group). For uuids, `javaMin`
   * and `javaMax` are the chunk's bounds under java.util.UUID's order.
   */
  merge(
    valueCount: number,
    nullCount: number,
    nanCount: number,
    min: unknown,
    max: unknown,
    javaMin?: string,
    javaMax?: string,
  ): void {
    this.valueCount += valueCount;
    this.nullCount += nullCount;
    this.nanCount += nanCount;
    if (min === undefined) return;
    if (this.min === undefined || this.cmp(min, this.min) < 0) this.min = min;
    if (this.max === undefined || this.cmp(max, this.max) > 0) this.max = max;
    if (javaMin !== undefined && (this.javaMin === undefined || javaUuidCompare(javaMin, this.javaMin) < 0)) {
      this.javaMin = javaMin;
    }
    if (javaMax !== undefined && (this.javaMax === undefined || javaUuidCompare(javaMax, this.javaMax) > 0)) {
      this.javaMax = javaMax;
    }
  }
}

type Metrics = Pick<
  DataFile,
  'column_sizes' | 'value_counts' | 'null_value_counts' | 'nan_value_counts' | 'lower_bounds' | 'upper_bounds'
>;

/**
 * The data_file metric maps of a file. `columnSizes` are the compressed bytes of every leaf column chunk by
 * field id (lists and maps included, as Java does); `stats` covers primitive fields outside lists and maps.
 */
export function dataFileMetrics(stats: FieldStats[], columnSizes: Map<number, number>, config: MetricsConfig): Metrics {
  const column_sizes = new Map<number, number>();
  const value_counts = new Map<number, number>();
  const null_value_counts = new Map<number, number>();
  const nan_value_counts = new Map<number, number>();
  const lower_bounds = new Map<number, Uint8Array>();
  const upper_bounds = new Map<number, Uint8Array>();
  for (const [id, size] of columnSizes) {
    if (modeFor(config, id).kind !== 'none') column_sizes.set(id, size);
  }
  for (const s of stats) {
    const mode = modeFor(config, s.fieldId);
    if (mode.kind === 'none') continue;
    value_counts.set(s.fieldId, s.valueCount);
    null_value_counts.set(s.fieldId, s.nullCount);
    if (s.kind === 'float' || s.kind === 'double') nan_value_counts.set(s.fieldId, s.nanCount);
    if (mode.kind === 'counts' || s.min === undefined) continue;
    if (s.kind === 'uuid' && (s.javaMin !== s.min || s.javaMax !== s.max)) continue; // orders disagree: no bounds
    let lower: unknown = s.min;
    let upper: unknown = s.max;
    if (mode.kind === 'truncate') {
      lower = truncateLowerBound(s.type, lower, mode.length);
      upper = truncateUpperBound(s.type, upper, mode.length);
    }
    lower_bounds.set(s.fieldId, toBinary(s.type, lower));
    if (upper !== null) upper_bounds.set(s.fieldId, toBinary(s.type, upper));
  }
  return { column_sizes, value_counts, null_value_counts, nan_value_counts, lower_bounds, upper_bounds };
}
