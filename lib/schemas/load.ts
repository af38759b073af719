// Reads what `npm run schemas:build` derived from the contracts (glue-schemas/derived/): every table with its
// Iceberg schema, partition spec, sort order, retention and properties; the routing of topics to event types; and a
// JSON Schema per contract for the Glue Schema Registry. It checks the shapes it relies on and fails with the file
// (and the contract file and field) at fault. It derives nothing itself.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContractLayer, ContractSchema, IcebergSchema, LakeTable, SchemaModel } from './model.js';

export class SchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaError';
  }
}

const LAYERS: readonly ContractLayer[] = ['bronze', 'silver', 'ops'];

function readJson(file: string, rel: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SchemaError(
      `${rel}: cannot read derived schema file (${(err as Error).message}); run \`npm run schemas:build\``,
    );
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Loads glue-schemas/derived/ under `repoRoot`. Throws SchemaError naming the file when it is missing or malformed.
 */
export function loadSchemaModel(repoRoot: string): SchemaModel {
  const derived = join(repoRoot, 'glue-schemas', 'derived');
  if (!existsSync(join(derived, 'tables.json'))) {
    throw new SchemaError(
      'glue-schemas/derived/tables.json not found: the CDK app reads the tables derived from the contracts; ' +
        'run `npm run schemas:build` (npm ci runs it too)',
    );
  }
  const tablesDoc = readJson(join(derived, 'tables.json'), 'glue-schemas/derived/tables.json');
  if (!isRecord(tablesDoc) || !Array.isArray(tablesDoc.tables)) {
    throw new SchemaError('glue-schemas/derived/tables.json: expected an object with a "tables" array');
  }
  const tables = tablesDoc.tables.map((t, i) => toLakeTable(t, `glue-schemas/derived/tables.json tables[${i}]`));
  const seen = new Set<string>();
  for (const t of tables) {
    const key = `${t.namespace}.${t.name}`;
    if (seen.has(key))
      throw new SchemaError(`glue-schemas/derived/tables.json: table ${key} is declared twice (${t.source})`);
    seen.add(key);
  }

  const routingDoc = readJson(join(derived, 'routing.json'), 'glue-schemas/derived/routing.json');
  if (!isRecord(routingDoc) || !Array.isArray(routingDoc.topics)) {
    throw new SchemaError('glue-schemas/derived/routing.json: expected an object with a "topics" array');
  }
  const topicOf = new Map<string, string>();
  const topics: string[] = [];
  for (const r of routingDoc.topics) {
    if (!isRecord(r) || typeof r.topic !== 'string' || !Array.isArray(r.event_types)) {
      throw new SchemaError('glue-schemas/derived/routing.json: every topic needs "topic" and "event_types"');
    }
    topics.push(r.topic);
    for (const e of r.event_types) topicOf.set(String(e), r.topic);
  }

  const registryDir = join(derived, 'registry');
  const contracts: ContractSchema[] = [];
  for (const file of existsSync(registryDir) ? readdirSync(registryDir).sort() : []) {
    if (!file.endsWith('.schema.json')) continue;
    const rel = `glue-schemas/derived/registry/${file}`;
    const jsonSchema = readJson(join(registryDir, file), rel);
    const eventType = file.slice(0, -'.schema.json'.length);
    const silver = tables.find((t) => t.namespace === 'silver' && t.name === eventType);
    const topic = topicOf.get(eventType);
    if (!topic)
      throw new SchemaError(
        `${rel}: event type ${eventType} is not routed from any topic in glue-schemas/derived/routing.json`,
      );
    contracts.push({
      eventType,
      topic,
      source: silver?.source ?? `glue-schemas/events/${eventType}.json`,
      schemaVersion: Number(silver?.properties['shoplake.schema-version'] ?? 1),
      jsonSchema,
      doc: isRecord(jsonSchema) && typeof jsonSchema.description === 'string' ? jsonSchema.description : undefined,
    });
  }
  if (contracts.length === 0)
    throw new SchemaError(`glue-schemas/derived/registry/ has no *.schema.json: run \`npm run schemas:build\``);
  return { tables, contracts, topics };
}

function toLakeTable(raw: unknown, where: string): LakeTable {
  if (!isRecord(raw)) throw new SchemaError(`${where}: expected an object`);
  const source = typeof raw.source_file === 'string' ? raw.source_file : where;
  const fail = (what: string): never => {
    throw new SchemaError(`${source}: derived table ${String(raw.qualified_name ?? raw.name)}: ${what} (${where})`);
  };
  if (typeof raw.name !== 'string') fail('missing "name"');
  if (!LAYERS.includes(raw.namespace as ContractLayer))
    fail(`namespace must be one of ${LAYERS.join(', ')}, got ${JSON.stringify(raw.namespace)}`);
  const schema = raw.iceberg_schema;
  if (!isRecord(schema) || schema.type !== 'struct' || !Array.isArray(schema.fields))
    fail('"iceberg_schema" must be an Iceberg struct schema');
  const spec = raw.partition_spec;
  if (!isRecord(spec) || !Array.isArray(spec.fields)) fail('"partition_spec" must be an Iceberg partition spec');
  const order = raw.sort_order;
  if (!isRecord(order) || !Array.isArray(order.fields)) fail('"sort_order" must be an Iceberg sort order');
  const properties = isRecord(raw.properties) ? raw.properties : {};
  if (Object.values(properties).some((v) => typeof v !== 'string')) fail('"properties" values must be strings');
  const retention = raw.retention_days;
  if (
    retention !== null &&
    retention !== undefined &&
    (typeof retention !== 'number' || !Number.isInteger(retention) || retention < 1)
  ) {
    fail(`"retention_days" must be a positive integer, got ${JSON.stringify(retention)}`);
  }
  return {
    namespace: raw.namespace as ContractLayer,
    name: raw.name as string,
    source,
    schema: schema as unknown as IcebergSchema,
    partitionSpec: spec as unknown as LakeTable['partitionSpec'],
    sortOrder: order as unknown as LakeTable['sortOrder'],
    retentionDays: typeof retention === 'number' ? retention : undefined,
    properties: properties as Record<string, string>,
    doc: typeof raw.doc === 'string' ? raw.doc : undefined,
  };
}
