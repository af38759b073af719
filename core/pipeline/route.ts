// Route: a decoded and validated record -> the rows it becomes, keyed by the table each one lands in:
//   every record   -> one bronze.<topic> row: the value as received, its Kafka coordinates, the envelope fields
//                     that parsed;
//   a valid event  -> one silver.<event_type> row (conformed, direct PII hashed) plus its child rows
//                     (order line items...), through core/contracts conform();
//   anything else  -> one ops.quarantine row: the raw bytes, the coordinates, the reason code, the first errors.
// Table names here are the contracts' qualified names (`silver.order_created`); tables.ts maps them to catalog
// namespaces.
import { Buffer } from 'node:buffer';
import type { ContractField, ContractSet, Conform, Conformed, HashPii, Row } from '../contracts/index.js';
import { createConformer, parseTimestamptz } from '../contracts/index.js';
import { TIMESTAMP_RANGE, INT_RANGE, DEFAULT_MAX_STRING_LENGTH } from '../contracts/wire-values.js';
import { parsePrimitive } from '../contracts/field-types.js';
import type { DecodedRecord } from './decode.js';
import type { QuarantineError, QuarantineReason } from './validate.js';

/** Values of the silver system columns for one event. */
export interface SilverMeta {
  ingest_time: number;
  is_late: boolean;
  kafka_partition: number;
  kafka_offset: number;
}

type EnvelopeReader = (event: unknown) => Row;

export class Router {
  readonly quarantineTable: string;
  private readonly bronzeTables = new Map<string, string>();
  private readonly conform: Conform;
  private readonly envelope: EnvelopeReader;

  constructor(set: ContractSet) {
    for (const t of set.topics) this.bronzeTables.set(t.topic, t.bronzeTable.qualifiedName);
    const quarantine = set.tables.find((t) => t.kind === 'ops' && t.name === 'quarantine');
    if (!quarantine) throw new Error('contracts declare no ops.quarantine table (glue-schemas/system/quarantine.json)');
    this.quarantineTable = quarantine.qualifiedName;
    this.conform = createConformer(set);
    this.envelope = envelopeReader(set.envelope);
  }

  /** `bronze.<topic>` for a declared topic, else undefined. */
  bronzeTable(topic: string): string | undefined {
    return this.bronzeTables.get(topic);
  }

  bronzeRow(d: DecodedRecord, ingestTimeUs: number): Row {
    const r = d.record;
    const row = this.envelope(d.failure ? undefined : d.event);
    row.payload = r.value === null ? null : d.text !== null ? d.text : Buffer.from(r.value).toString('base64');
    row.payload_encoding = r.value === null ? null : d.text !== null ? 'utf8' : 'base64';
    row.payload_bytes = d.bytes;
    row.kafka_topic = r.topic;
    row.kafka_partition = r.partition;
    row.kafka_offset = r.offset;
    row.kafka_timestamp = r.timestamp === null ? null : r.timestamp * 1000;
    row.kafka_timestamp_type = r.timestampType;
    row.kafka_key = r.key;
    row.kafka_headers = r.headers;
    row.ingest_time = ingestTimeUs;
    return row;
  }

  quarantineRow(d: DecodedRecord, code: QuarantineReason, errors: QuarantineError[], quarantinedAtUs: number): Row {
    const r = d.record;
    const row = this.envelope(d.failure ? undefined : d.event);
    row.payload = r.value;
    row.payload_bytes = d.bytes;
    row.kafka_topic = r.topic;
    row.kafka_partition = r.partition;
    row.kafka_offset = r.offset;
    row.kafka_timestamp = r.timestamp === null ? null : r.timestamp * 1000;
    row.kafka_key = r.key;
    row.reason_code = code;
    row.errors = errors;
    row.quarantined_at = quarantinedAtUs;
    return row;
  }

  /** The silver row and child rows of a valid event (see core/contracts conform()). */
  silverRows(event: object, meta: SilverMeta, hashPii: HashPii): Conformed {
    return this.conform(event, meta as unknown as Record<string, unknown>, hashPii);
  }
}

/**
 * Reads the envelope fields that parse as their type (bronze and quarantine keep them as optional columns);
 * anything else (wrong type, too long, not a timestamp) is null there: the raw payload keeps the original.
 */
function envelopeReader(fields: ContractField[]): EnvelopeReader {
  const readers = fields.map((f): [string, (v: unknown) => unknown] => {
    const p = typeof f.type === 'string' ? parsePrimitive(f.type) : undefined;
    const kind = p?.kind;
    if (kind === 'string') {
      const max = f.checks?.max_length ?? DEFAULT_MAX_STRING_LENGTH;
      return [f.name, (v) => (typeof v === 'string' && v.length <= max ? v : null)];
    }
    if (kind === 'int') {
      return [
        f.name,
        (v) => (Number.isInteger(v) && (v as number) >= INT_RANGE.min && (v as number) <= INT_RANGE.max ? v : null),
      ];
    }
    if (kind === 'timestamptz') {
      return [
        f.name,
        (v) => {
          if (typeof v !== 'string') return null;
          const us = parseTimestamptz(v);
          return us >= TIMESTAMP_RANGE.min && us < TIMESTAMP_RANGE.max ? us : null;
        },
      ];
    }
    throw new Error(`envelope field ${f.name}: type ${JSON.stringify(f.type)} has no bronze reader`);
  });
  return (event: unknown): Row => {
    const row: Row = {};
    const o = typeof event === 'object' && event !== null && !Array.isArray(event) ? (event as Row) : undefined;
    for (const [name, read] of readers) row[name] = o && Object.hasOwn(o, name) ? read(o[name]) : null;
    return row;
  };
}
