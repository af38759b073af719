// Schema evolution rules between the released snapshot and the current contracts (issue 2, section 3), compared
// on the derived Iceberg schemas by field id, so a change in the derivation code is caught as well as one in a file.
// Breaking: a removed or renamed field, a changed id, a narrowed or changed type, optional made required, a new
// required field, a changed partition spec, changed identifier fields or topic, a removed table, a schema change
// without a schema_version bump. Allowed: new optional fields, int->long, float->double, decimal precision widened
// at the same scale, required made optional, sort order, docs, retention and properties.
import type { IcebergType, NestedField, Schema } from '../iceberg/spec/types.js';
import type { PartitionSpec, SortOrder } from '../iceberg/spec/partition-spec.js';
import type { ContractSet } from './load.js';
import { icebergPartitionSpec, icebergSchema, icebergSortOrder } from './iceberg-schema.js';

export interface ReleasedTable {
  qualified_name: string;
  kind: string;
  source_file: string;
  topic: string | null;
  schema_version: number | null;
  identifier_fields: string[];
  iceberg_schema: Schema;
  partition_spec: PartitionSpec;
  sort_order: SortOrder;
}

export interface ReleaseSnapshot {
  format_version: 1;
  doc: string;
  tables: ReleasedTable[];
}

export function releaseSnapshot(set: ContractSet): ReleaseSnapshot {
  return {
    format_version: 1,
    doc: 'The released contracts, as derived Iceberg tables. Written by `npm run schemas:release`; `npm run schemas:check` compares against it. Do not edit.',
    tables: set.tables.map((t) => ({
      qualified_name: t.qualifiedName,
      kind: t.kind,
      source_file: t.sourceFile,
      topic: t.topic,
      schema_version: t.schemaVersion,
      identifier_fields: t.identifierFields,
      iceberg_schema: icebergSchema(t),
      partition_spec: icebergPartitionSpec(t),
      sort_order: icebergSortOrder(t),
    })),
  };
}

interface Flat {
  path: string;
  type: string;
  required: boolean;
}

const kind = (t: IcebergType): string => (typeof t === 'string' ? t.replace(/\s/g, '') : t.type);

function flatten(fields: NestedField[], prefix = '', out = new Map<number, Flat>()): Map<number, Flat> {
  const ofType = (t: IcebergType, path: string): void => {
    if (typeof t === 'string') return;
    if (t.type === 'struct') flatten(t.fields, path, out);
    else if (t.type === 'list') {
      out.set(t['element-id'], { path: `${path}.element`, type: kind(t.element), required: t['element-required'] });
      ofType(t.element, `${path}.element`);
    } else {
      out.set(t['key-id'], { path: `${path}.key`, type: kind(t.key), required: true });
      out.set(t['value-id'], { path: `${path}.value`, type: kind(t.value), required: t['value-required'] });
      ofType(t.key, `${path}.key`);
      ofType(t.value, `${path}.value`);
    }
  };
  for (const f of fields) {
    const path = prefix ? `${prefix}.${f.name}` : f.name;
    out.set(f.id, { path, type: kind(f.type), required: f.required });
    ofType(f.type, path);
  }
  return out;
}

const DECIMAL = /^decimal\((\d+),(\d+)\)$/;

/** Whether Iceberg can read old data as the new type: same, or an allowed promotion. */
export function typeChange(from: string, to: string): 'same' | 'promotion' | 'breaking' {
  if (from === to) return 'same';
  if ((from === 'int' && to === 'long') || (from === 'float' && to === 'double')) return 'promotion';
  const a = DECIMAL.exec(from);
  const b = DECIMAL.exec(to);
  if (a && b && a[2] === b[2] && Number(b[1]) > Number(a[1])) return 'promotion';
  return 'breaking';
}

export function compareReleases(
  released: ReleaseSnapshot,
  current: ReleaseSnapshot,
): { breaking: string[]; notes: string[] } {
  const breaking: string[] = [];
  const notes: string[] = [];
  const now = new Map(current.tables.map((t) => [t.qualified_name, t]));
  for (const old of released.tables) {
    const cur = now.get(old.qualified_name);
    const at = `${old.qualified_name} (${cur?.source_file ?? old.source_file})`;
    if (!cur) {
      breaking.push(`${at}: table removed`);
      continue;
    }
    if (cur.topic !== old.topic) breaking.push(`${at}: topic changed from ${old.topic} to ${cur.topic}`);
    const before = flatten(old.iceberg_schema.fields);
    const after = flatten(cur.iceberg_schema.fields);
    const afterByPath = new Map([...after].map(([id, f]) => [f.path, id]));
    let changed = false;
    for (const [id, f] of before) {
      const g = after.get(id);
      if (!g) {
        const moved = afterByPath.get(f.path);
        breaking.push(
          moved !== undefined
            ? `${at}: field "${f.path}" changed id from ${id} to ${moved} (ids never change once released)`
            : `${at}: field "${f.path}" (id ${id}) was removed or renamed`,
        );
        continue;
      }
      if (g.path !== f.path)
        breaking.push(`${at}: field id ${id} renamed from "${f.path}" to "${g.path}" (ids are never reused)`);
      const tc = typeChange(f.type, g.type);
      if (tc === 'breaking')
        breaking.push(
          `${at}: field "${f.path}" (id ${id}) changed type from ${f.type} to ${g.type} (narrowed or incompatible)`,
        );
      if (tc === 'promotion') {
        changed = true;
        notes.push(`${at}: field "${f.path}" widened from ${f.type} to ${g.type}`);
      }
      if (!f.required && g.required)
        breaking.push(`${at}: field "${f.path}" (id ${id}) changed from optional to required`);
      if (f.required && !g.required) {
        changed = true;
        notes.push(`${at}: field "${f.path}" made optional`);
      }
    }
    for (const [id, g] of after) {
      if (before.has(id)) continue;
      changed = true;
      const parent = g.path.includes('.') ? g.path.slice(0, g.path.lastIndexOf('.')) : null;
      const parentIsNew = parent !== null && ![...before.values()].some((f) => f.path === parent);
      if (g.required && !parentIsNew && !before.has(id) && ![...before.values()].some((f) => f.path === g.path)) {
        breaking.push(
          `${at}: new field "${g.path}" (id ${id}) is required: rows written before it have no value (make it optional)`,
        );
      } else if (![...before.values()].some((f) => f.path === g.path))
        notes.push(`${at}: new field "${g.path}" (id ${id})`);
    }
    if (JSON.stringify(old.identifier_fields) !== JSON.stringify(cur.identifier_fields)) {
      breaking.push(
        `${at}: identifier fields changed from [${old.identifier_fields.join(', ')}] to [${cur.identifier_fields.join(', ')}] (the deduplication key)`,
      );
    }
    const ps = (p: PartitionSpec) => p.fields.map((f) => `${f.transform}(${f['source-id']}) as ${f.name}`);
    const [pOld, pNew] = [ps(old.partition_spec), ps(cur.partition_spec)];
    for (let i = 0; i < Math.max(pOld.length, pNew.length); i++) {
      const a = old.partition_spec.fields[i];
      const b = cur.partition_spec.fields[i];
      if (!a || !b)
        breaking.push(
          `${at}: partition field ${a ? `${pOld[i]} removed` : `${pNew[i]} added`} (the partition spec is fixed once released)`,
        );
      else if (a['source-id'] !== b['source-id']) {
        breaking.push(
          `${at}: partition field "${a.name}" changed source from field id ${a['source-id']} to ${b['source-id']}`,
        );
      } else if (a.transform !== b.transform || a.name !== b.name) {
        breaking.push(
          `${at}: partition field ${pOld[i]} changed to ${pNew[i]} (the partition spec is fixed once released)`,
        );
      }
    }
    if (JSON.stringify(old.sort_order) !== JSON.stringify(cur.sort_order))
      notes.push(`${at}: sort order changed (applies to new files)`);
    if (old.schema_version !== null && cur.schema_version !== null) {
      if (cur.schema_version < old.schema_version)
        breaking.push(`${at}: schema_version went down from ${old.schema_version} to ${cur.schema_version}`);
      else if (changed && cur.schema_version === old.schema_version) {
        breaking.push(`${at}: the schema changed but schema_version is still ${old.schema_version}: bump it`);
      }
    }
  }
  const known = new Set(released.tables.map((t) => t.qualified_name));
  for (const t of current.tables) if (!known.has(t.qualified_name)) notes.push(`${t.qualified_name}: new table`);
  return { breaking, notes };
}
