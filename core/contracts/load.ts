// Loads the contract files into the model every derivation reads: the event contracts and the tables they
// define (silver, children, bronze per topic, ops). Lints first; throws ContractError naming every problem.
// This file is the folder's template: one exported operation, its types beside it, no I/O.
import type {
  ChildSpec,
  ColumnsFile,
  ContractField,
  ContractFiles,
  EventContractFile,
  PartitionFieldSpec,
  SortFieldSpec,
  SystemTableFile,
  TopicsFile,
} from './format.js';
import { asOptional } from './field-types.js';
import { baseName, childFields, formatProblem, lintContracts } from './lint.js';
import type { LintProblem } from './lint.js';

export type Namespace = 'bronze' | 'silver' | 'ops';

export interface TableDef {
  namespace: Namespace;
  name: string;
  /** `silver.order_created`, `bronze.orders`, `ops.quarantine`. */
  qualifiedName: string;
  kind: 'silver' | 'child' | 'bronze' | 'ops';
  /** The contract file it comes from, relative to the repository: `glue-schemas/events/order_created.json`. */
  sourceFile: string;
  doc: string;
  topic: string | null;
  eventType: string | null;
  /** For a child table: the silver table it is exploded from. */
  parentTable: string | null;
  /** For a child table: the list field of the parent event it explodes. */
  listField: string | null;
  schemaVersion: number | null;
  fields: ContractField[];
  partitionSpec: PartitionFieldSpec[];
  sortOrder: SortFieldSpec[];
  identifierFields: string[];
  retentionDays: number;
  properties: Record<string, string>;
}

export interface EventContract {
  eventType: string;
  schemaVersion: number;
  doc: string;
  topic: string;
  sourceFile: string;
  /** The wire fields: envelope then payload. */
  fields: ContractField[];
  table: TableDef;
  children: { spec: ChildSpec; table: TableDef }[];
}

export interface Topic {
  topic: string;
  domain: string;
  key: string;
  doc: string;
  bronzeTable: TableDef;
  eventTypes: string[];
}

export interface ContractSet {
  envelope: ContractField[];
  /** Columns the pipeline appends to every silver and child table (system/silver.json). */
  systemColumns: ContractField[];
  topics: Topic[];
  events: ReadonlyMap<string, EventContract>;
  /** Every table, in a stable order: silver (each followed by its children), bronze, ops. */
  tables: TableDef[];
}

export class ContractError extends Error {
  constructor(readonly problems: LintProblem[]) {
    super(`${problems.length} contract problem(s):\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
    this.name = 'ContractError';
  }
}

/** Table properties every shoplake table gets (a contract's table.properties may add to or override them). */
const DEFAULT_PROPERTIES: Record<string, string> = {
  'write.format.default': 'parquet',
  'write.metadata.delete-after-commit.enabled': 'true',
  'write.metadata.previous-versions-max': '100',
};

export function loadContracts(files: ContractFiles): ContractSet {
  const problems = lintContracts(files);
  if (problems.length > 0) throw new ContractError(problems);

  const envelope = (files.envelope.json as ColumnsFile).fields;
  const silverFile = files.system.find((f) => baseName(f.path) === 'silver')!;
  const systemColumns = (silverFile.json as ColumnsFile).fields;
  const src = (path: string): string => `glue-schemas/${path}`;
  const props = (file: string, retention: number, extra: Record<string, string> | undefined, version?: number) => ({
    ...DEFAULT_PROPERTIES,
    'shoplake.source-file': file,
    'shoplake.retention-days': String(retention),
    ...(version === undefined ? {} : { 'shoplake.schema-version': String(version) }),
    ...extra,
  });

  const events = new Map<string, EventContract>();
  const silverTables: TableDef[] = [];
  for (const f of [...files.events].sort((a, b) => a.path.localeCompare(b.path))) {
    const c = f.json as EventContractFile;
    const file = src(f.path);
    const retention = c.table.retention_days.silver;
    const table: TableDef = {
      namespace: 'silver',
      name: c.event_type,
      qualifiedName: `silver.${c.event_type}`,
      kind: 'silver',
      sourceFile: file,
      doc: c.doc,
      topic: c.topic,
      eventType: c.event_type,
      parentTable: null,
      listField: null,
      schemaVersion: c.schema_version,
      fields: [...envelope, ...c.fields, ...systemColumns],
      partitionSpec: c.table.partition_spec,
      sortOrder: c.table.sort_order,
      identifierFields: c.table.identifier_fields,
      retentionDays: retention,
      properties: props(file, retention, c.table.properties, c.schema_version),
    };
    silverTables.push(table);
    const children = (c.children ?? []).map((spec) => {
      const child: TableDef = {
        ...table,
        name: spec.table,
        qualifiedName: `silver.${spec.table}`,
        kind: 'child',
        doc: spec.doc,
        parentTable: table.qualifiedName,
        listField: spec.list,
        fields: childFields(spec, envelope, c.fields, systemColumns).fields,
        partitionSpec: spec.partition_spec ?? c.table.partition_spec,
        sortOrder: spec.sort_order ?? c.table.sort_order,
        identifierFields: spec.identifier_fields,
      };
      silverTables.push(child);
      return { spec, table: child };
    });
    events.set(c.event_type, {
      eventType: c.event_type,
      schemaVersion: c.schema_version,
      doc: c.doc,
      topic: c.topic,
      sourceFile: file,
      fields: [...envelope, ...c.fields],
      table,
      children,
    });
  }

  const topicsFile = files.topics.json as TopicsFile;
  const bronzeFile = files.system.find((f) => baseName(f.path) === 'bronze')!;
  const bronze = bronzeFile.json as SystemTableFile;
  const topics: Topic[] = topicsFile.topics.map((t) => {
    const eventTypes = [...events.values()].filter((e) => e.topic === t.topic).map((e) => e.eventType);
    const retentions = eventTypes.map(
      (e) => (files.events.find((f) => baseName(f.path) === e)!.json as EventContractFile).table.retention_days.bronze,
    );
    const retention = Math.max(...retentions); // lint: every topic has events, and they agree
    const file = src(bronzeFile.path);
    return {
      ...t,
      eventTypes,
      bronzeTable: {
        namespace: 'bronze',
        name: t.topic,
        qualifiedName: `bronze.${t.topic}`,
        kind: 'bronze',
        sourceFile: file,
        doc: `${bronze.doc} Topic ${t.topic}: ${t.doc}`,
        topic: t.topic,
        eventType: null,
        parentTable: null,
        listField: null,
        schemaVersion: null,
        fields: [...(bronze.include_envelope ? asOptional(envelope) : []), ...bronze.fields],
        partitionSpec: bronze.table.partition_spec,
        sortOrder: bronze.table.sort_order,
        identifierFields: bronze.table.identifier_fields,
        retentionDays: retention,
        properties: props(file, retention, bronze.table.properties),
      },
    };
  });

  const opsTables: TableDef[] = files.system
    .filter((f) => !['silver', 'bronze'].includes(baseName(f.path)))
    .sort((a, b) => a.path.localeCompare(b.path))
    .map((f) => {
      const s = f.json as SystemTableFile;
      const file = src(f.path);
      const retention = s.table.retention_days?.ops ?? 1;
      return {
        namespace: s.namespace as Namespace,
        name: s.name!,
        qualifiedName: `${s.namespace}.${s.name!}`,
        kind: 'ops',
        sourceFile: file,
        doc: s.doc,
        topic: null,
        eventType: null,
        parentTable: null,
        listField: null,
        schemaVersion: null,
        fields: [...(s.include_envelope ? asOptional(envelope) : []), ...s.fields],
        partitionSpec: s.table.partition_spec,
        sortOrder: s.table.sort_order,
        identifierFields: s.table.identifier_fields,
        retentionDays: retention,
        properties: props(file, retention, s.table.properties),
      };
    });

  return {
    envelope,
    systemColumns,
    topics,
    events,
    tables: [...silverTables, ...topics.map((t) => t.bronzeTable), ...opsTables],
  };
}
