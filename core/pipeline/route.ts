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
import type { DecodedRecord, PipelineRecord } from './decode.js';
import type { QuarantineError, QuarantineReason } from './validate.js';

/** Values of the silver system columns for one event. */
export interface SilverMeta {
  ingest_time: number;
  is_late: boolean;
  kafka_partition: number;
  kafka_offset: number;
}

type EnvelopeReader = (event: unknown) => Row;

/**
 * Builds a bronze row: the envelope values `env` holds (a conformed silver row of a valid event, or what
 * EnvelopeReader salvaged from any other record; null: none), the payload and the Kafka coordinates. Compiled
 * once, so every bronze row is one object literal of one shape.
 */
type BronzeBuilder = (
  env: Row | null,
  payload: string | Uint8Array | null,
  encoding: 'utf8' | 'base64' | null,
  bytes: number,
  r: PipelineRecord,
  ingestTimeUs: number,
) => Row;

export class Router {
  readonly quarantineTable: string;
  private readonly bronzeTables = new Map<string, string>();
  private readonly conform: Conform;
  private readonly envelope: EnvelopeReader;
  private readonly bronze: BronzeBuilder;

  constructor(set: ContractSet) {
    for (const t of set.topics) this.bronzeTables.set(t.topic, t.bronzeTable.qualifiedName);
    const quarantine = set.tables.find((t) => t.kind === 'ops' && t.name === 'quarantine');
    if (!quarantine) throw new Error('contracts declare no ops.quarantine table (glue-schemas/system/quarantine.json)');
    this.quarantineTable = quarantine.qualifiedName;
    this.conform = createConformer(set);
    this.envelope = envelopeReader(set.envelope);
    this.bronze = bronzeBuilder(set.envelope.map((f) => f.name));
  }

  /** `bronze.<topic>` for a declared topic, else undefined. */
  bronzeTable(topic: string): string | undefined {
    return this.bronzeTables.get(topic);
  }

  /**
   * The bronze row of a record. `silverRow`: the conformed row of a valid event (its envelope values are the
   * bronze envelope: validated, event_time already in µs); without it the envelope fields that parse are read
   * from the event.
   */
  bronzeRow(d: DecodedRecord, ingestTimeUs: number, silverRow?: Row): Row {
    const r = d.record;
    const env = silverRow ?? (d.failure ? null : this.envelope(d.event));
    if (r.value === null) return this.bronze(env, null, null, d.bytes, r, ingestTimeUs);
    // valid UTF-8: the value's bytes are the payload column's UTF-8 as they are (no decode and re-encode)
    if (d.text !== null) return this.bronze(env, r.value, 'utf8', d.bytes, r, ingestTimeUs);
    return this.bronze(env, Buffer.from(r.value).toString('base64'), 'base64', d.bytes, r, ingestTimeUs);
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

  /**
   * The silver row and child rows of a valid event (see core/contracts conform()). `meta` is copied into the
   * rows, so a caller may reuse one object for every event.
   */
  silverRows(event: object, meta: SilverMeta, hashPii: HashPii): Conformed {
    return this.conform(event, meta as unknown as Record<string, unknown>, hashPii);
  }
}

function bronzeBuilder(envelope: string[]): BronzeBuilder {
  const env = envelope.map((n) => `${JSON.stringify(n)}: e === null ? null : e[${JSON.stringify(n)}]`);
  const source = `'use strict';
return function bronzeRow(e, payload, encoding, bytes, r, ingest) {
  return { ${env.join(', ')}, payload: payload, payload_encoding: encoding, payload_bytes: bytes,
    kafka_topic: r.topic, kafka_partition: r.partition, kafka_offset: r.offset,
    kafka_timestamp: r.timestamp === null ? null : r.timestamp * 1000, kafka_timestamp_type: r.timestampType,
    kafka_key: r.key, kafka_headers: r.headers, ingest_time: ingest };
};`;
  return new Function(source)() as BronzeBuilder;
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
