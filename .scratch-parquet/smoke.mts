import { DataFileWriter } from '../core/iceberg/parquet/data-file-writer.js';
import { MemoryFileIO } from '../test/support/memory-file-io.js';
import { parquetMetadata, parquetReadObjects, toJson } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { Schema } from '../core/iceberg/spec/types.js';
import { writeFileSync } from 'node:fs';
const schema: Schema = { type: 'struct', 'schema-id': 0, fields: [
  { id: 1, name: 'id', required: true, type: 'long' },
  { id: 2, name: 'name', required: false, type: 'string' },
  { id: 3, name: 'ts', required: false, type: 'timestamptz' },
  { id: 4, name: 'amount', required: false, type: 'decimal(12,2)' },
  { id: 5, name: 'd', required: false, type: 'date' },
  { id: 6, name: 'u', required: false, type: 'uuid' },
  { id: 7, name: 'tags', required: false, type: { type: 'list', 'element-id': 8, 'element-required': false, element: 'string' } },
  { id: 9, name: 'attrs', required: false, type: { type: 'map', 'key-id': 10, key: 'string', 'value-id': 11, 'value-required': false, value: 'long' } },
  { id: 12, name: 'addr', required: false, type: { type: 'struct', fields: [ { id: 13, name: 'city', required: false, type: 'string' }, { id: 14, name: 'zip', required: true, type: 'int' } ] } },
  { id: 15, name: 'big', required: false, type: 'decimal(30,4)' },
  { id: 16, name: 'f', required: false, type: 'float' },
]};
const io = new MemoryFileIO();
const w = await DataFileWriter.open({ io, schema, location: '/tmp/smoke.parquet' });
for (let i = 0; i < 5; i++) w.write({ id: i, name: i % 2 ? null : 'n' + i, ts: 1700000000000000 + i, amount: (i * 1.25).toFixed(2), d: 19000 + i, u: 'f79c3e09-677c-4bbd-a479-3f349cb785e' + i, tags: ['a', null, 'c'], attrs: new Map([['x', i]]), addr: i === 3 ? null : { city: 'c' + i, zip: i }, big: '-12345678901234567890.1234', f: i === 2 ? NaN : i / 3 });
const [df] = await w.close();
console.log(df);
const bytes = io.files.get('/tmp/smoke.parquet')!;
writeFileSync('/tmp/smoke.parquet', bytes);
const md = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
console.log(JSON.stringify(toJson(md.schema)));
const rows = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, compressors });
console.log(rows);
