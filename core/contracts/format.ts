// The shapes of the contract files in glue-schemas/ (see glue-schemas/README.md) once the linter has accepted
// them. Fields follow Iceberg's schema JSON (format/spec.md Appendix C) plus shoplake's `pii` and `checks`.
// This file holds only shapes; lint.ts proves a file has them, load.ts builds the model from them.

export type PiiClass = 'none' | 'indirect' | 'direct';

/** Domain checks the validator enforces (which keys apply depends on the field's type; lint.ts says which). */
export interface Checks {
  min?: number;
  max?: number;
  min_length?: number;
  max_length?: number;
  pattern?: string;
  enum?: string[];
  min_items?: number;
  max_items?: number;
  /** timestamptz only: reject values more than this many seconds ahead of the validator's clock. */
  max_future_seconds?: number;
}

export interface ContractStruct {
  type: 'struct';
  fields: ContractField[];
}

export interface ContractList {
  type: 'list';
  'element-id': number;
  'element-required': boolean;
  element: ContractType;
}

export interface ContractMap {
  type: 'map';
  'key-id': number;
  key: ContractType;
  'value-id': number;
  'value-required': boolean;
  value: ContractType;
}

/** A primitive type string as Iceberg writes it (`long`, `decimal(12,2)`, ...) or a nested type. */
export type ContractType = string | ContractStruct | ContractList | ContractMap;

export interface ContractField {
  id: number;
  name: string;
  type: ContractType;
  required: boolean;
  doc: string;
  pii: PiiClass;
  checks?: Checks;
}

export interface PartitionFieldSpec {
  source: string;
  transform: string;
  name?: string;
}

export interface SortFieldSpec {
  source: string;
  transform: string;
  direction: 'asc' | 'desc';
  null_order: 'nulls-first' | 'nulls-last';
}

export interface TableLayout {
  partition_spec: PartitionFieldSpec[];
  sort_order: SortFieldSpec[];
  identifier_fields: string[];
  retention_days?: Record<string, number>;
  properties?: Record<string, string>;
}

export interface ChildSpec {
  table: string;
  doc: string;
  list: string;
  carry: string[];
  identifier_fields: string[];
  partition_spec?: PartitionFieldSpec[];
  sort_order?: SortFieldSpec[];
}

/** glue-schemas/events/<event_type>.json */
export interface EventContractFile {
  event_type: string;
  schema_version: number;
  doc: string;
  topic: string;
  table: TableLayout & { retention_days: { bronze: number; silver: number } };
  children?: ChildSpec[];
  fields: ContractField[];
}

/** glue-schemas/envelope.json and glue-schemas/system/silver.json */
export interface ColumnsFile {
  doc: string;
  fields: ContractField[];
}

/** glue-schemas/topics.json */
export interface TopicsFile {
  doc: string;
  topics: { topic: string; domain: string; key: string; doc: string }[];
}

/** glue-schemas/system/<table>.json other than silver.json: bronze.json (one table per topic) or one ops table. */
export interface SystemTableFile {
  doc: string;
  namespace: string;
  name?: string;
  table_per_topic?: boolean;
  include_envelope?: 'optional';
  table: TableLayout;
  fields: ContractField[];
}

/** One file as read: its path relative to glue-schemas/ (e.g. `events/order_created.json`) and its parsed JSON. */
export interface SourceFile {
  path: string;
  json: unknown;
}

/** Every contract file, as read from disk (load-dir.ts) or bundled by static imports (sources.generated.ts). */
export interface ContractFiles {
  envelope: SourceFile;
  topics: SourceFile;
  events: SourceFile[];
  system: SourceFile[];
}
