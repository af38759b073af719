// The contract linter: proves every file in glue-schemas/ has the shape format.ts describes and that its tables
// make sense, before anything is derived from it. Every problem names the file and the field. Phase 1 checks each
// file's shape, types, ids and checks; phase 2 (only when phase 1 is clean) checks the tables: partition specs,
// sort orders, identifier fields, children and the cross-file rules.
import type {
  ChildSpec,
  ColumnsFile,
  ContractField,
  ContractFiles,
  ContractType,
  EventContractFile,
  PartitionFieldSpec,
  SortFieldSpec,
  SourceFile,
  SystemTableFile,
  TableLayout,
  TopicsFile,
} from './format.js';
import { allIds, fieldAt, parsePrimitive, walkFields } from './field-types.js';
import type { Primitive } from './field-types.js';

export interface LintProblem {
  file: string;
  where: string;
  message: string;
}

export const formatProblem = (p: LintProblem): string => `glue-schemas/${p.file}: ${p.where}: ${p.message}`;

/** Id ranges: the envelope owns 1-89, silver system columns 90-99, payload and system-table fields 100 and up. */
export const ENVELOPE_IDS = { min: 1, max: 89 };
export const SYSTEM_COLUMN_IDS = { min: 90, max: 99 };
export const PAYLOAD_MIN_ID = 100;
const MAX_ID = 2_147_483_647;

const NAME = /^[a-z][a-z0-9_]{0,127}$/;
/** Names that would shadow Object.prototype members in generated code and on plain objects. */
const RESERVED_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));
const FIELD_KEYS = new Set(['id', 'name', 'type', 'required', 'doc', 'pii', 'checks']);
const PII = new Set(['none', 'indirect', 'direct']);
const MAX_DOC = 255; // Glue column comments hold at most 255 characters.

const CHECKS_BY_KIND: Record<string, string[]> = {
  int: ['min', 'max'],
  long: ['min', 'max'],
  float: ['min', 'max'],
  double: ['min', 'max'],
  decimal: ['min', 'max'],
  string: ['min_length', 'max_length', 'pattern', 'enum'],
  uuid: [],
  timestamptz: ['max_future_seconds'],
  date: [],
  boolean: [],
  binary: [],
  list: ['min_items', 'max_items'],
  map: ['min_items', 'max_items'],
  struct: [],
};

const TRANSFORM = /^(identity|year|month|day|hour|void|bucket\[([1-9]\d{0,8})\]|truncate\[([1-9]\d{0,8})\])$/;
const TRANSFORM_SOURCES: Record<string, string[]> = {
  identity: ['boolean', 'int', 'long', 'float', 'double', 'decimal', 'date', 'timestamptz', 'string', 'uuid', 'binary'],
  year: ['date', 'timestamptz'],
  month: ['date', 'timestamptz'],
  day: ['date', 'timestamptz'],
  hour: ['timestamptz'],
  bucket: ['int', 'long', 'decimal', 'date', 'timestamptz', 'string', 'uuid', 'binary'],
  truncate: ['int', 'long', 'decimal', 'string', 'binary'],
  void: ['boolean', 'int', 'long', 'float', 'double', 'decimal', 'date', 'timestamptz', 'string', 'uuid', 'binary'],
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

class Problems {
  readonly list: LintProblem[] = [];
  add(file: string, where: string, message: string): void {
    this.list.push({ file, where, message });
  }
}

/** Lints every contract file; returns the problems (empty when all is well). Never throws on malformed JSON. */
export function lintContracts(files: ContractFiles): LintProblem[] {
  const p = new Problems();
  // Phase 1: each file on its own.
  lintColumns(p, files.envelope, ENVELOPE_IDS, 'envelope');
  const systemFiles = files.system.filter((f) => baseName(f.path) !== 'silver');
  const silverColumns = files.system.find((f) => baseName(f.path) === 'silver');
  if (!silverColumns) p.add('system/silver.json', 'file', 'missing: it declares the silver system columns');
  else lintColumns(p, silverColumns, SYSTEM_COLUMN_IDS, 'silver system columns');
  if (!files.system.some((f) => baseName(f.path) === 'bronze')) p.add('system/bronze.json', 'file', 'missing');
  lintTopics(p, files.topics);
  for (const f of files.events) lintEventShape(p, f);
  for (const f of systemFiles) lintSystemShape(p, f);
  if (p.list.length > 0) return p.list;

  // Phase 2: tables and cross-file rules, on files that now have the documented shape.
  const envelope = (files.envelope.json as ColumnsFile).fields;
  const sysColumns = (silverColumns!.json as ColumnsFile).fields;
  const topics = (files.topics.json as TopicsFile).topics;
  const topicNames = new Set(topics.map((t) => t.topic));
  for (const t of topics) {
    if (!fieldAt(envelope, t.key))
      p.add(files.topics.path, `topic "${t.topic}"`, `key "${t.key}" is not an envelope field`);
    if (!files.events.some((f) => (f.json as EventContractFile).topic === t.topic)) {
      p.add(
        files.topics.path,
        `topic "${t.topic}"`,
        'no event contract uses it (its bronze table would have no retention)',
      );
    }
  }
  const tableNames = new Map<string, string>(); // silver table name -> file
  const bronzeRetention = new Map<string, { days: number; file: string }>();
  for (const f of files.events) claim(p, tableNames, (f.json as EventContractFile).event_type, f.path, 'event_type');
  for (const f of files.events) {
    const c = f.json as EventContractFile;
    if (!topicNames.has(c.topic)) p.add(f.path, 'topic', `"${c.topic}" is not declared in topics.json`);
    const prev = bronzeRetention.get(c.topic);
    if (prev && prev.days !== c.table.retention_days.bronze) {
      p.add(
        f.path,
        'table.retention_days.bronze',
        `${c.table.retention_days.bronze} differs from ${prev.days} in ${prev.file}: bronze.${c.topic} is one table`,
      );
    } else bronzeRetention.set(c.topic, { days: c.table.retention_days.bronze, file: f.path });
    const all = [...envelope, ...c.fields, ...sysColumns];
    lintUnique(p, f.path, all);
    lintLayout(p, f.path, 'table', c.table, all);
    for (const [i, child] of (c.children ?? []).entries()) {
      const where = `children[${i}] "${child.table}"`;
      claim(p, tableNames, child.table, f.path, where);
      const childFields = lintChild(p, f.path, where, child, envelope, c.fields, sysColumns);
      if (childFields) {
        const layout: TableLayout = {
          partition_spec: child.partition_spec ?? c.table.partition_spec,
          sort_order: child.sort_order ?? c.table.sort_order,
          identifier_fields: child.identifier_fields,
        };
        lintLayout(p, f.path, where, layout, childFields);
      }
    }
  }
  const opsNames = new Set<string>();
  for (const f of systemFiles) {
    const s = f.json as SystemTableFile;
    const all = [...(s.include_envelope ? envelope : []), ...s.fields];
    lintUnique(p, f.path, all);
    lintLayout(p, f.path, 'table', s.table, all);
    if (!s.table_per_topic) {
      const key = `${s.namespace}.${s.name}`;
      if (opsNames.has(key)) p.add(f.path, 'name', `table ${key} is declared twice`);
      opsNames.add(key);
    }
  }
  return p.list;
}

export const baseName = (path: string): string => path.replace(/^.*\//, '').replace(/\.json$/, '');

function claim(p: Problems, names: Map<string, string>, name: string, file: string, where: string): void {
  const prev = names.get(name);
  if (prev) p.add(file, where, `silver table name "${name}" is already used by ${prev}`);
  else names.set(name, file);
}

function allowedKeys(p: Problems, file: string, where: string, o: Obj, keys: string[]): void {
  for (const k of Object.keys(o))
    if (!keys.includes(k)) p.add(file, where, `unknown key "${k}" (allowed: ${keys.join(', ')})`);
}

function needString(p: Problems, file: string, where: string, v: unknown, what = 'a non-empty string'): v is string {
  if (typeof v === 'string' && v.length > 0) return true;
  p.add(file, where, `must be ${what}, got ${describe(v)}`);
  return false;
}

function lintColumns(p: Problems, f: SourceFile, range: { min: number; max: number }, what: string): void {
  if (!isObj(f.json)) return p.add(f.path, 'file', `must be a JSON object, got ${describe(f.json)}`);
  allowedKeys(p, f.path, 'file', f.json, ['doc', 'fields']);
  needString(p, f.path, 'doc', f.json.doc);
  lintFields(p, f.path, f.json.fields, '', { range, what, event: false });
  if (Array.isArray(f.json.fields) && p.list.length === 0) lintUnique(p, f.path, f.json.fields as ContractField[]);
}

function lintTopics(p: Problems, f: SourceFile): void {
  if (!isObj(f.json)) return p.add(f.path, 'file', `must be a JSON object, got ${describe(f.json)}`);
  allowedKeys(p, f.path, 'file', f.json, ['doc', 'topics']);
  needString(p, f.path, 'doc', f.json.doc);
  if (!Array.isArray(f.json.topics) || f.json.topics.length === 0)
    return p.add(f.path, 'topics', 'must be a non-empty array');
  const seen = new Set<string>();
  for (const [i, t] of f.json.topics.entries()) {
    const where = `topics[${i}]`;
    if (!isObj(t)) {
      p.add(f.path, where, `must be an object, got ${describe(t)}`);
      continue;
    }
    allowedKeys(p, f.path, where, t, ['topic', 'domain', 'key', 'doc']);
    if (typeof t.topic !== 'string' || !/^[a-zA-Z0-9._-]{1,249}$/.test(t.topic)) {
      p.add(f.path, `${where}.topic`, 'must be a Kafka topic name ([a-zA-Z0-9._-], 1-249 characters)');
    } else if (!NAME.test(t.topic)) {
      p.add(f.path, `${where}.topic`, `"${t.topic}" must be lower snake case: it names the table bronze.${t.topic}`);
    } else if (seen.has(t.topic)) p.add(f.path, `${where}.topic`, `"${t.topic}" is declared twice`);
    else seen.add(t.topic);
    needString(p, f.path, `${where}.domain`, t.domain);
    needString(p, f.path, `${where}.key`, t.key);
    needString(p, f.path, `${where}.doc`, t.doc);
  }
}

function lintEventShape(p: Problems, f: SourceFile): void {
  const c = f.json;
  if (!isObj(c)) return p.add(f.path, 'file', `must be a JSON object, got ${describe(c)}`);
  allowedKeys(p, f.path, 'file', c, ['event_type', 'schema_version', 'doc', 'topic', 'table', 'children', 'fields']);
  if (c.event_type !== baseName(f.path)) {
    p.add(f.path, 'event_type', `must equal the file name "${baseName(f.path)}", got ${JSON.stringify(c.event_type)}`);
  } else if (!NAME.test(c.event_type)) p.add(f.path, 'event_type', 'must be lower snake case');
  if (!isInt(c.schema_version) || c.schema_version < 1) p.add(f.path, 'schema_version', 'must be an integer >= 1');
  needString(p, f.path, 'doc', c.doc);
  needString(p, f.path, 'topic', c.topic);
  lintLayoutShape(p, f.path, 'table', c.table, 'event');
  if (c.children !== undefined) {
    if (!Array.isArray(c.children)) p.add(f.path, 'children', 'must be an array');
    else for (const [i, ch] of c.children.entries()) lintChildShape(p, f.path, `children[${i}]`, ch);
  }
  lintFields(p, f.path, c.fields, '', { range: { min: PAYLOAD_MIN_ID, max: MAX_ID }, what: 'payload', event: true });
}

function lintSystemShape(p: Problems, f: SourceFile): void {
  const s = f.json;
  if (!isObj(s)) return p.add(f.path, 'file', `must be a JSON object, got ${describe(s)}`);
  allowedKeys(p, f.path, 'file', s, [
    'doc',
    'namespace',
    'name',
    'table_per_topic',
    'include_envelope',
    'table',
    'fields',
  ]);
  needString(p, f.path, 'doc', s.doc);
  if (!['bronze', 'ops'].includes(s.namespace as string)) p.add(f.path, 'namespace', 'must be "bronze" or "ops"');
  const perTopic = baseName(f.path) === 'bronze';
  if (perTopic && s.table_per_topic !== true) p.add(f.path, 'table_per_topic', 'bronze.json must set it to true');
  if (!perTopic && s.table_per_topic !== undefined) p.add(f.path, 'table_per_topic', 'only bronze.json is per topic');
  if (!perTopic && s.name !== baseName(f.path)) p.add(f.path, 'name', `must equal the file name "${baseName(f.path)}"`);
  if (s.include_envelope !== undefined && s.include_envelope !== 'optional') {
    p.add(f.path, 'include_envelope', 'must be "optional" (the envelope fields that parsed) or absent');
  }
  lintLayoutShape(p, f.path, 'table', s.table, perTopic ? 'bronze' : 'system');
  lintFields(p, f.path, s.fields, '', { range: { min: PAYLOAD_MIN_ID, max: MAX_ID }, what: 'system', event: false });
}

function lintLayoutShape(
  p: Problems,
  file: string,
  where: string,
  t: unknown,
  kind: 'event' | 'bronze' | 'system',
): void {
  if (!isObj(t)) return p.add(file, where, `must be an object, got ${describe(t)}`);
  allowedKeys(p, file, where, t, ['partition_spec', 'sort_order', 'identifier_fields', 'retention_days', 'properties']);
  lintSpecShape(p, file, `${where}.partition_spec`, t.partition_spec, 'partition');
  lintSpecShape(p, file, `${where}.sort_order`, t.sort_order, 'sort');
  lintNameList(p, file, `${where}.identifier_fields`, t.identifier_fields);
  const r = t.retention_days;
  if (kind === 'bronze') {
    if (r !== undefined) p.add(file, `${where}.retention_days`, 'bronze retention comes from the events of each topic');
  } else if (!isObj(r)) p.add(file, `${where}.retention_days`, 'must be an object of layer -> days');
  else {
    const layers = kind === 'event' ? ['bronze', 'silver'] : ['ops'];
    allowedKeys(p, file, `${where}.retention_days`, r, layers);
    for (const l of layers) {
      if (!isInt(r[l]) || (r[l] as number) < 1) p.add(file, `${where}.retention_days.${l}`, 'must be an integer >= 1');
    }
  }
  if (t.properties !== undefined) {
    if (!isObj(t.properties) || Object.values(t.properties).some((v) => typeof v !== 'string')) {
      p.add(file, `${where}.properties`, 'must be an object of string -> string');
    }
  }
}

function lintSpecShape(p: Problems, file: string, where: string, v: unknown, kind: 'partition' | 'sort'): void {
  if (!Array.isArray(v)) return p.add(file, where, 'must be an array (may be empty)');
  for (const [i, e] of v.entries()) {
    const w = `${where}[${i}]`;
    if (!isObj(e)) {
      p.add(file, w, `must be an object, got ${describe(e)}`);
      continue;
    }
    const keys =
      kind === 'partition' ? ['source', 'transform', 'name'] : ['source', 'transform', 'direction', 'null_order'];
    allowedKeys(p, file, w, e, keys);
    needString(p, file, `${w}.source`, e.source);
    if (typeof e.transform !== 'string' || !TRANSFORM.test(e.transform)) {
      p.add(
        file,
        `${w}.transform`,
        `${JSON.stringify(e.transform)} is not an Iceberg transform (identity, year, month, day, hour, void, bucket[N], truncate[W])`,
      );
    }
    if (kind === 'partition' && e.name !== undefined && (typeof e.name !== 'string' || !NAME.test(e.name))) {
      p.add(file, `${w}.name`, 'must be lower snake case');
    }
    if (kind === 'sort') {
      if (e.direction !== 'asc' && e.direction !== 'desc') p.add(file, `${w}.direction`, 'must be "asc" or "desc"');
      if (e.null_order !== 'nulls-first' && e.null_order !== 'nulls-last') {
        p.add(file, `${w}.null_order`, 'must be "nulls-first" or "nulls-last"');
      }
    }
  }
}

function lintNameList(p: Problems, file: string, where: string, v: unknown): void {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    return p.add(file, where, 'must be an array of field names');
  if (new Set(v).size !== v.length) p.add(file, where, 'lists a field twice');
}

function lintChildShape(p: Problems, file: string, where: string, ch: unknown): void {
  if (!isObj(ch)) return p.add(file, where, `must be an object, got ${describe(ch)}`);
  allowedKeys(p, file, where, ch, [
    'table',
    'doc',
    'list',
    'carry',
    'identifier_fields',
    'partition_spec',
    'sort_order',
  ]);
  if (typeof ch.table !== 'string' || !NAME.test(ch.table))
    p.add(file, `${where}.table`, 'must be a lower snake case table name');
  needString(p, file, `${where}.doc`, ch.doc);
  needString(p, file, `${where}.list`, ch.list);
  lintNameList(p, file, `${where}.carry`, ch.carry);
  lintNameList(p, file, `${where}.identifier_fields`, ch.identifier_fields);
  if (ch.partition_spec !== undefined)
    lintSpecShape(p, file, `${where}.partition_spec`, ch.partition_spec, 'partition');
  if (ch.sort_order !== undefined) lintSpecShape(p, file, `${where}.sort_order`, ch.sort_order, 'sort');
}

interface FieldRules {
  range: { min: number; max: number };
  what: string;
  /** Event contracts: no binary (JSON cannot carry it) and direct PII must be a string (silver hashes it). */
  event: boolean;
}

function lintFields(p: Problems, file: string, v: unknown, prefix: string, rules: FieldRules): void {
  const where = prefix ? `field "${prefix}"` : 'fields';
  if (!Array.isArray(v) || v.length === 0) return p.add(file, where, 'must be a non-empty array of fields');
  for (const [i, f] of v.entries()) lintField(p, file, f, prefix, i, rules);
}

function lintField(p: Problems, file: string, f: unknown, prefix: string, index: number, rules: FieldRules): void {
  const label = (name: unknown): string =>
    (prefix ? `${prefix}.` : '') + (typeof name === 'string' ? name : `#${index}`);
  if (!isObj(f)) return p.add(file, `field "${label(undefined)}"`, `must be an object, got ${describe(f)}`);
  const path = label(f.name);
  const where = `field "${path}"` + (isInt(f.id) ? ` (id ${f.id})` : '');
  allowedKeys(p, file, where, f, [...FIELD_KEYS]);
  if (typeof f.name !== 'string' || !NAME.test(f.name))
    p.add(file, where, 'name must be lower snake case ([a-z][a-z0-9_]*)');
  else if (RESERVED_NAMES.has(f.name)) p.add(file, where, `name "${f.name}" is reserved (an Object.prototype member)`);
  if (!isInt(f.id)) p.add(file, where, `id must be an integer, got ${JSON.stringify(f.id)}`);
  else if (f.id < rules.range.min || f.id > rules.range.max) {
    p.add(
      file,
      where,
      `id ${f.id} is outside the ${rules.what} range ${rules.range.min}-${rules.range.max}` +
        (f.id < PAYLOAD_MIN_ID && rules.range.min >= PAYLOAD_MIN_ID
          ? ' (1-99 are reserved for the envelope and system columns)'
          : ''),
    );
  }
  if (typeof f.required !== 'boolean') p.add(file, where, 'required must be true or false');
  if (typeof f.doc !== 'string' || f.doc.trim() === '') p.add(file, where, 'doc must be a non-empty string');
  else if (f.doc.length > MAX_DOC)
    p.add(file, where, `doc is ${f.doc.length} characters; Glue column comments hold ${MAX_DOC}`);
  if (!PII.has(f.pii as string))
    p.add(file, where, `pii must be none, indirect or direct, got ${JSON.stringify(f.pii)}`);
  const kind = lintType(p, file, where, path, f.type, rules);
  if (kind === null) return;
  if (f.pii === 'direct' && rules.event && kind !== 'string') {
    p.add(file, where, `pii "direct" needs type string (silver stores its HMAC-SHA256), got ${kind}`);
  }
  if (f.pii !== 'none' && (kind === 'struct' || hasStruct(f.type as ContractType))) {
    p.add(file, where, 'a struct (or a list/map of structs) must have pii "none": its own fields carry their classes');
  }
  if (f.checks !== undefined) lintChecks(p, file, where, f.checks, kind);
}

const hasStruct = (t: ContractType): boolean =>
  typeof t !== 'string' &&
  (t.type === 'struct' || (t.type === 'list' ? hasStruct(t.element) : t.type === 'map' && hasStruct(t.value)));

/** Lints a type; returns its kind (primitive kind, struct, list or map) or null when it is invalid. */
function lintType(
  p: Problems,
  file: string,
  where: string,
  path: string,
  t: unknown,
  rules: FieldRules,
): string | null {
  if (typeof t === 'string') {
    const prim: Primitive | null = parsePrimitive(t);
    if (!prim) {
      p.add(
        file,
        where,
        `unknown type ${JSON.stringify(t)} (string, int, long, float, double, boolean, date, timestamptz, decimal(P,S), uuid, binary, or a struct/list/map object)`,
      );
      return null;
    }
    if (prim.kind === 'binary' && rules.event)
      p.add(file, where, 'type binary has no JSON form: an event cannot carry it');
    return prim.kind;
  }
  if (!isObj(t)) {
    p.add(file, where, `type must be a string or an object, got ${describe(t)}`);
    return null;
  }
  if (t.type === 'struct') {
    allowedKeys(p, file, where, t, ['type', 'fields']);
    lintFields(p, file, t.fields, path, rules);
    return 'struct';
  }
  if (t.type === 'list') {
    allowedKeys(p, file, where, t, ['type', 'element-id', 'element-required', 'element']);
    lintNestedId(p, file, where, 'element-id', t['element-id'], rules);
    if (typeof t['element-required'] !== 'boolean') p.add(file, where, 'element-required must be true or false');
    return lintType(p, file, where, `${path}[]`, t.element, rules) === null ? null : 'list';
  }
  if (t.type === 'map') {
    allowedKeys(p, file, where, t, ['type', 'key-id', 'key', 'value-id', 'value-required', 'value']);
    lintNestedId(p, file, where, 'key-id', t['key-id'], rules);
    lintNestedId(p, file, where, 'value-id', t['value-id'], rules);
    if (t.key !== 'string') p.add(file, where, 'map keys must be type string (JSON object keys are strings)');
    if (typeof t['value-required'] !== 'boolean') p.add(file, where, 'value-required must be true or false');
    return lintType(p, file, where, `${path}{}`, t.value, rules) === null ? null : 'map';
  }
  p.add(file, where, `unknown type ${JSON.stringify(t.type)} (struct, list or map)`);
  return null;
}

function lintNestedId(p: Problems, file: string, where: string, key: string, v: unknown, rules: FieldRules): void {
  if (!isInt(v)) p.add(file, where, `${key} must be an integer, got ${JSON.stringify(v)}`);
  else if (v < rules.range.min || v > rules.range.max) {
    p.add(file, where, `${key} ${v} is outside the ${rules.what} range ${rules.range.min}-${rules.range.max}`);
  }
}

function lintChecks(p: Problems, file: string, where: string, checks: unknown, kind: string): void {
  const w = `${where} checks`;
  if (!isObj(checks)) return p.add(file, w, 'must be an object');
  const allowed = CHECKS_BY_KIND[kind] ?? [];
  for (const [k, v] of Object.entries(checks)) {
    if (!allowed.includes(k)) {
      p.add(file, w, `"${k}" does not apply to ${kind}` + (allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''));
      continue;
    }
    if (k === 'min' || k === 'max') {
      if (typeof v !== 'number' || !Number.isFinite(v)) p.add(file, w, `${k} must be a number`);
    } else if (k === 'pattern') {
      if (typeof v !== 'string') p.add(file, w, 'pattern must be a string');
      else {
        try {
          new RegExp(v, 'u');
        } catch (err) {
          p.add(file, w, `pattern is not a valid regular expression: ${(err as Error).message}`);
        }
      }
    } else if (k === 'enum') {
      if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'string'))
        p.add(file, w, 'enum must be a non-empty array of strings');
      else if (new Set(v).size !== v.length) p.add(file, w, 'enum lists a value twice');
    } else if (!isInt(v) || v < (k === 'max_future_seconds' ? 1 : 0))
      p.add(file, w, `${k} must be a non-negative integer`);
  }
  const pairs: [string, string][] = [
    ['min', 'max'],
    ['min_length', 'max_length'],
    ['min_items', 'max_items'],
  ];
  for (const [lo, hi] of pairs) {
    if (
      typeof checks[lo] === 'number' &&
      typeof checks[hi] === 'number' &&
      (checks[lo] as number) > (checks[hi] as number)
    ) {
      p.add(file, w, `${lo} ${String(checks[lo])} is above ${hi} ${String(checks[hi])}`);
    }
  }
}

/** Ids unique across the whole table schema (nested ids included); top-level and struct names unique. */
function lintUnique(p: Problems, file: string, fields: ContractField[]): void {
  const seen = new Map<number, string>();
  for (const { id, label } of allIds(fields)) {
    const prev = seen.get(id);
    if (prev !== undefined)
      p.add(file, `field "${label}" (id ${id})`, `duplicate id: ${id} is already used by "${prev}"`);
    else seen.set(id, label);
  }
  const names = (fs: ContractField[], prefix: string): void => {
    const here = new Map<string, number>();
    for (const f of fs) {
      const path = prefix ? `${prefix}.${f.name}` : f.name;
      const prev = here.get(f.name);
      if (prev !== undefined) {
        p.add(
          file,
          `field "${path}" (id ${f.id})`,
          `duplicate name "${f.name}", also id ${prev}` +
            (prefix ? '' : ' (envelope and system column names are taken)'),
        );
      } else here.set(f.name, f.id);
    }
  };
  names(fields, '');
  walkFields(fields, ({ field, path }) => {
    if (typeof field.type !== 'string' && field.type.type === 'struct') names(field.type.fields, path);
    if (
      typeof field.type !== 'string' &&
      field.type.type === 'list' &&
      typeof field.type.element !== 'string' &&
      field.type.element.type === 'struct'
    ) {
      names(field.type.element.fields, `${path}[]`);
    }
  });
}

/** A top-level or struct-nested primitive field by name, with whether it and its ancestors are all required. */
function resolveSource(
  fields: ContractField[],
  name: string,
): { field: ContractField; prim: Primitive; required: boolean } | null {
  let current = fields;
  let required = true;
  let found: ContractField | undefined;
  const parts = name.split('.');
  for (const [i, part] of parts.entries()) {
    found = current.find((f) => f.name === part);
    if (!found) return null;
    required &&= found.required;
    if (i < parts.length - 1) {
      if (typeof found.type === 'string' || found.type.type !== 'struct') return null;
      current = found.type.fields;
    }
  }
  const prim = found && typeof found.type === 'string' ? parsePrimitive(found.type) : null;
  return found && prim ? { field: found, prim, required } : null;
}

function transformName(t: string): string {
  return t.replace(/\[.*$/, '');
}

function lintLayout(p: Problems, file: string, where: string, t: TableLayout, fields: ContractField[]): void {
  const topNames = new Set(fields.map((f) => f.name));
  const partNames = new Set<string>();
  const pairs = new Set<string>();
  const checkSource = (w: string, e: PartitionFieldSpec | SortFieldSpec): void => {
    const src = resolveSource(fields, e.source);
    if (!src) {
      p.add(
        file,
        `${w}.source`,
        `"${e.source}" is not a primitive field of this table (partition/sort sources must be primitive fields outside lists and maps)`,
      );
      return;
    }
    const tr = transformName(e.transform);
    if (!(TRANSFORM_SOURCES[tr] ?? []).includes(src.prim.kind)) {
      p.add(file, `${w}.transform`, `${e.transform} cannot apply to "${e.source}" of type ${src.prim.kind}`);
    }
  };
  for (const [i, e] of t.partition_spec.entries()) {
    const w = `${where}.partition_spec[${i}]`;
    checkSource(w, e);
    const name = partitionFieldName(e);
    if (partNames.has(name)) p.add(file, `${w}.name`, `partition field name "${name}" is used twice`);
    partNames.add(name);
    if (topNames.has(name) && !(transformName(e.transform) === 'identity' && e.source === name)) {
      p.add(
        file,
        `${w}.name`,
        `partition field name "${name}" collides with a column (only an identity partition may share its source's name)`,
      );
    }
    const pair = `${e.source}|${e.transform}`;
    if (pairs.has(pair)) p.add(file, w, `partitions "${e.source}" by ${e.transform} twice`);
    pairs.add(pair);
  }
  for (const [i, e] of t.sort_order.entries()) checkSource(`${where}.sort_order[${i}]`, e);
  for (const name of t.identifier_fields) {
    const w = `${where}.identifier_fields`;
    const src = resolveSource(fields, name);
    if (!src) p.add(file, w, `"${name}" is not a primitive field of this table outside lists and maps`);
    else if (!src.required) p.add(file, w, `"${name}" must be required (and so must its parent structs)`);
    else if (src.prim.kind === 'float' || src.prim.kind === 'double')
      p.add(file, w, `"${name}" is ${src.prim.kind}: Iceberg identifier fields cannot be floating point`);
  }
  if (t.identifier_fields.length === 0)
    p.add(file, `${where}.identifier_fields`, 'must name at least one field (deduplication needs a key)');
}

/** Iceberg's default partition field names: identity keeps the source name, others append the transform. */
export function partitionFieldName(e: PartitionFieldSpec): string {
  if (e.name) return e.name;
  const tr = transformName(e.transform);
  const suffix: Record<string, string> = { bucket: 'bucket', truncate: 'trunc' };
  return tr === 'identity' ? e.source.replace(/\./g, '_') : `${e.source.replace(/\./g, '_')}_${suffix[tr] ?? tr}`;
}

/**
 * The fields of a child table exploded from a list of structs: the carried parent fields, the element's fields,
 * then the silver system columns, all keeping their ids. Returns null (with problems) when the child is invalid.
 */
export function childFields(
  child: ChildSpec,
  envelope: ContractField[],
  payload: ContractField[],
  sysColumns: ContractField[],
): { fields: ContractField[]; errors: { where: string; message: string }[] } {
  const errors: { where: string; message: string }[] = [];
  const parent = [...envelope, ...payload];
  const list = payload.find((f) => f.name === child.list);
  let element: ContractField[] = [];
  if (!list) errors.push({ where: 'list', message: `"${child.list}" is not a payload field of this event` });
  else if (
    typeof list.type === 'string' ||
    list.type.type !== 'list' ||
    typeof list.type.element === 'string' ||
    list.type.element.type !== 'struct'
  ) {
    errors.push({ where: 'list', message: `"${child.list}" must be a list of structs to explode into rows` });
  } else element = list.type.element.fields;
  const carried: ContractField[] = [];
  for (const name of child.carry) {
    const f = parent.find((x) => x.name === name);
    if (!f || typeof f.type !== 'string')
      errors.push({ where: 'carry', message: `"${name}" is not a top-level primitive field of the event` });
    else if (element.some((e) => e.name === name))
      errors.push({ where: 'carry', message: `"${name}" collides with a field of the ${child.list} element` });
    else carried.push(f);
  }
  for (const e of element) {
    if (sysColumns.some((s) => s.name === e.name))
      errors.push({ where: 'list', message: `element field "${e.name}" collides with a silver system column` });
  }
  return { fields: [...carried, ...element, ...sysColumns], errors };
}

function lintChild(
  p: Problems,
  file: string,
  where: string,
  child: ChildSpec,
  envelope: ContractField[],
  payload: ContractField[],
  sysColumns: ContractField[],
): ContractField[] | null {
  const { fields, errors } = childFields(child, envelope, payload, sysColumns);
  for (const e of errors) p.add(file, `${where}.${e.where}`, e.message);
  return errors.length ? null : fields;
}
