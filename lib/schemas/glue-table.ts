// Maps one derived table to the IcebergInput of AWS::Glue::Table (schema with field ids, partition spec, write
// order, properties) and refuses what Glue, CloudFormation or Athena cannot represent, naming the contract file and
// the field. In CloudFormation IcebergStructField.Type is a string: primitives are passed by name, nested types as
// their Iceberg JSON (ids included) serialized into that string (docs/deploy.md, "Iceberg tables from CloudFormation").
import type { CfnTable } from 'aws-cdk-lib/aws-glue';
import type { IcebergField, IcebergType, LakeTable } from './model.js';
import { SchemaError } from './load.js';

/** Iceberg primitive types Athena reads in Iceberg tables (decimal checked separately). */
const ATHENA_PRIMITIVES = new Set([
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'date',
  'timestamp',
  'timestamptz',
  'string',
  'binary',
]);
const TRANSFORM = /^(identity|year|month|day|hour|void|bucket\[[1-9]\d*\]|truncate\[[1-9]\d*\])$/;
const NAME = /^[a-z_][a-z0-9_]*$/;
/** Glue's limits on a column name and a field doc. */
const MAX_NAME = 255;
const MAX_DOC = 255;

/** Checks every field of a table and throws SchemaError `<contract file>: field <path> (id N): <cause>`. */
export function checkRepresentable(table: LakeTable): void {
  const where = `${table.source}: table ${table.namespace}.${table.name}`;
  if (!NAME.test(table.name) || table.name.length > MAX_NAME) {
    throw new SchemaError(`${where}: table name must be lower-case letters, digits and underscores (Glue folds case)`);
  }
  const ids = new Set<number>();
  const visitType = (type: IcebergType, path: string, id: number): void => {
    const fail = (cause: string): never => {
      throw new SchemaError(`${table.source}: field ${path} (id ${id}) of ${table.namespace}.${table.name}: ${cause}`);
    };
    if (typeof type === 'string') {
      if (/^decimal\((\d+),\s*(\d+)\)$/.test(type)) {
        const [, p, s] = /^decimal\((\d+),\s*(\d+)\)$/.exec(type)!;
        if (Number(p) < 1 || Number(p) > 38 || Number(s) > Number(p))
          fail(`${type} is outside Athena's decimal(1..38, scale <= precision)`);
        return;
      }
      if (!ATHENA_PRIMITIVES.has(type)) {
        fail(
          `type ${type} cannot be represented in a Glue Iceberg table that Athena reads (supported: ${[...ATHENA_PRIMITIVES].join(', ')}, decimal(P,S), struct, list, map)`,
        );
      }
      return;
    }
    if (type.type === 'struct') {
      for (const f of type.fields) visitField(f, `${path}.${f.name}`);
    } else if (type.type === 'list') {
      visitId(type['element-id'], `${path}[]`);
      visitType(type.element, `${path}[]`, type['element-id']);
    } else if (type.type === 'map') {
      visitId(type['key-id'], `${path}.key`);
      visitId(type['value-id'], `${path}.value`);
      if (typeof type.key !== 'string') fail('map keys must be a primitive type in Athena');
      visitType(type.key, `${path}.key`, type['key-id']);
      visitType(type.value, `${path}.value`, type['value-id']);
    } else {
      fail(`unknown nested type ${JSON.stringify((type as { type: unknown }).type)}`);
    }
  };
  const visitId = (id: number, path: string): void => {
    if (!Number.isInteger(id) || id < 1)
      throw new SchemaError(
        `${table.source}: field ${path} of ${table.namespace}.${table.name} has an invalid field id ${id}`,
      );
    if (ids.has(id))
      throw new SchemaError(`${table.source}: field ${path} of ${table.namespace}.${table.name} reuses field id ${id}`);
    ids.add(id);
  };
  const visitField = (f: IcebergField, path: string): void => {
    visitId(f.id, path);
    const fail = (cause: string): never => {
      throw new SchemaError(
        `${table.source}: field ${path} (id ${f.id}) of ${table.namespace}.${table.name}: ${cause}`,
      );
    };
    if (!NAME.test(f.name)) fail('name must be lower-case letters, digits and underscores (Glue and Athena fold case)');
    if (f.name.length > MAX_NAME) fail(`name is longer than Glue's ${MAX_NAME} characters`);
    if (f.doc !== undefined && f.doc.length > MAX_DOC)
      fail(`doc is ${f.doc.length} characters; Glue accepts at most ${MAX_DOC}`);
    if (typeof f.required !== 'boolean') fail('"required" must be true or false');
    visitType(f.type, path, f.id);
  };
  for (const f of table.schema.fields) visitField(f, f.name);
  const topLevel = new Map(table.schema.fields.map((f) => [f.id, f]));
  for (const p of table.partitionSpec.fields) {
    if (!ids.has(p['source-id']))
      throw new SchemaError(
        `${where}: partition field ${p.name} has source id ${p['source-id']}, which is not a field of the table`,
      );
    if (!TRANSFORM.test(p.transform))
      throw new SchemaError(`${where}: partition field ${p.name}: unknown transform ${p.transform}`);
  }
  for (const s of table.sortOrder.fields) {
    if (!ids.has(s['source-id']))
      throw new SchemaError(`${where}: sort field has source id ${s['source-id']}, which is not a field of the table`);
    if (!TRANSFORM.test(s.transform))
      throw new SchemaError(`${where}: sort field ${s['source-id']}: unknown transform ${s.transform}`);
  }
  for (const id of table.schema['identifier-field-ids'] ?? []) {
    const f = topLevel.get(id);
    if (!f) throw new SchemaError(`${where}: identifier field id ${id} is not a top-level field`);
    if (!f.required)
      throw new SchemaError(
        `${table.source}: field ${f.name} (id ${id}) of ${table.namespace}.${table.name}: identifier fields must be required`,
      );
  }
}

/** The CloudFormation Type string of one field: the primitive name, or the nested type's Iceberg JSON. */
export function cfnFieldType(type: IcebergType): string {
  return typeof type === 'string' ? type : JSON.stringify(type);
}

export interface IcebergInputOptions {
  /** `s3://bucket/table` */
  readonly location: string;
  /** Properties the environment adds (e.g. snapshot expiry); the contract's own properties win on conflict. */
  readonly extraProperties?: Readonly<Record<string, string>>;
}

export function icebergInput(table: LakeTable, opts: IcebergInputOptions): CfnTable.IcebergInputProperty {
  checkRepresentable(table);
  const s = table.schema;
  return {
    metadataOperation: 'CREATE',
    version: '2',
    icebergTableInput: {
      location: opts.location,
      schema: {
        type: 'struct',
        schemaId: s['schema-id'],
        identifierFieldIds:
          s['identifier-field-ids'] && s['identifier-field-ids'].length > 0
            ? [...s['identifier-field-ids']]
            : undefined,
        fields: s.fields.map((f) => ({
          id: f.id,
          name: f.name,
          required: f.required,
          type: cfnFieldType(f.type),
          doc: f.doc,
        })),
      },
      partitionSpec: {
        specId: table.partitionSpec['spec-id'],
        fields: table.partitionSpec.fields.map((p) => ({
          sourceId: p['source-id'],
          fieldId: p['field-id'],
          name: p.name,
          transform: p.transform,
        })),
      },
      writeOrder: {
        orderId: table.sortOrder['order-id'],
        fields: table.sortOrder.fields.map((f) => ({
          sourceId: f['source-id'],
          transform: f.transform,
          direction: f.direction,
          nullOrder: f['null-order'],
        })),
      },
      properties: { ...opts.extraProperties, ...table.properties },
    },
  };
}
