import { DuckDBInstance } from '@duckdb/node-api';
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
for (const q of [
  `select name, type, converted_type, logical_type, field_id, repetition_type from parquet_schema('/tmp/smoke.parquet')`,
  `select * from read_parquet('/tmp/smoke.parquet')`,
  `select path_in_schema, compression, stats_min, stats_max, encodings from parquet_metadata('/tmp/smoke.parquet')`,
]) {
  const r = await c.runAndReadAll(q);
  console.log(r.getRowObjectsJson());
}
