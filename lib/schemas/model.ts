// The shapes the CDK app reads from glue-schemas/derived/ (written by `npm run schemas:build` from the contracts).
// lib/ never derives these itself: it only checks them (load.ts) and maps them to CloudFormation (glue-table.ts).

/** The namespaces whose tables come from the contracts. Gold tables are built by the gold job. */
export type LakeLayer = 'bronze' | 'silver' | 'gold' | 'ops';
export type ContractLayer = 'bronze' | 'silver' | 'ops';

/** An Iceberg type exactly as in the spec's JSON (format/spec.md Appendix C). */
export type IcebergType = string | IcebergStructType | IcebergListType | IcebergMapType;

export interface IcebergField {
  readonly id: number;
  readonly name: string;
  readonly required: boolean;
  readonly type: IcebergType;
  readonly doc?: string;
}
export interface IcebergStructType {
  readonly type: 'struct';
  readonly fields: readonly IcebergField[];
}
export interface IcebergListType {
  readonly type: 'list';
  readonly 'element-id': number;
  readonly 'element-required': boolean;
  readonly element: IcebergType;
}
export interface IcebergMapType {
  readonly type: 'map';
  readonly 'key-id': number;
  readonly key: IcebergType;
  readonly 'value-id': number;
  readonly 'value-required': boolean;
  readonly value: IcebergType;
}
export interface IcebergSchema extends IcebergStructType {
  readonly 'schema-id': number;
  readonly 'identifier-field-ids'?: readonly number[];
}
export interface IcebergPartitionSpec {
  readonly 'spec-id': number;
  readonly fields: readonly {
    readonly 'source-id': number;
    readonly 'field-id': number;
    readonly name: string;
    readonly transform: string;
  }[];
}
export interface IcebergSortOrder {
  readonly 'order-id': number;
  readonly fields: readonly {
    readonly 'source-id': number;
    readonly transform: string;
    readonly direction: 'asc' | 'desc';
    readonly 'null-order': 'nulls-first' | 'nulls-last';
  }[];
}

/** One table of the lake as derived from a contract (or a system table definition). */
export interface LakeTable {
  readonly namespace: ContractLayer;
  readonly name: string;
  /** The glue-schemas/ file the table comes from (repo-relative), named in every error about it. */
  readonly source: string;
  readonly schema: IcebergSchema;
  readonly partitionSpec: IcebergPartitionSpec;
  readonly sortOrder: IcebergSortOrder;
  /** Days this table keeps data, from the contract; undefined means the environment's layer retention. */
  readonly retentionDays?: number;
  /** Iceberg table properties the contract asks for (write format, compression, ...). */
  readonly properties: Readonly<Record<string, string>>;
  readonly doc?: string;
}

/** One event contract's JSON Schema, registered in the Glue Schema Registry. */
export interface ContractSchema {
  readonly eventType: string;
  readonly topic: string;
  readonly source: string;
  readonly schemaVersion: number;
  readonly jsonSchema: unknown;
  readonly doc?: string;
}

export interface SchemaModel {
  readonly tables: readonly LakeTable[];
  readonly contracts: readonly ContractSchema[];
  /** Every topic the contracts route from (glue-schemas/topics.json, or the contracts' `topic`). */
  readonly topics: readonly string[];
}

export interface TableRetention {
  readonly namespace: LakeLayer;
  readonly name: string;
  readonly retentionDays?: number;
}
