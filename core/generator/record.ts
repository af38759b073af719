// What the generator emits: one Kafka record as a producer would send it, plus a side channel (`kind`, and the
// `shoplake-test-kind` header) that tells tests what the record is meant to be. Good records also carry their JSON
// view (`event`) so that in-process consumers need not parse them back.

/** Header naming what a generated record is meant to be; only the generator sets it, the pipeline ignores it. */
export const TEST_KIND_HEADER = 'shoplake-test-kind';

/** Records that must pass validation and land in silver. */
export const GOOD_KINDS = ['good', 'late', 'duplicate'] as const;

/**
 * Records that must be quarantined, each for its own reason:
 * - not_json: bytes that do not parse as JSON (truncated objects, plain text, XML).
 * - invalid_utf8: a JSON event whose bytes hold an invalid UTF-8 sequence inside a string value.
 * - missing_required: a valid event with one required field removed.
 * - wrong_type: a valid event with one field's JSON type changed (string for number, number for string...).
 * - negative_quantity: an event with line items (order_created, cart_updated) whose first quantity is below zero.
 * - unknown_event_type: a valid envelope whose event_type has no contract.
 * - oversized: a well-formed event whose encoded size exceeds `oversizedBytes` (default 1 MiB + 1 KiB).
 * - future_timestamp: a valid event whose event_time is 30 days to 10 years after the record's Kafka timestamp.
 */
export const BAD_KINDS = [
  'not_json',
  'invalid_utf8',
  'missing_required',
  'wrong_type',
  'negative_quantity',
  'unknown_event_type',
  'oversized',
  'future_timestamp',
] as const;

export type GoodKind = (typeof GOOD_KINDS)[number];
export type BadKind = (typeof BAD_KINDS)[number];
export type TestKind = GoodKind | BadKind;

/** A wire event: one flat JSON object (envelope and payload fields at the top level), see glue-schemas/README.md. */
export type WireEvent = Record<string, unknown> & {
  event_id: string;
  event_type: string;
  schema_version: number;
  event_time: string;
  shop_id: string;
  source: string;
};

export interface GeneratedRecord {
  readonly topic: string;
  /** Kafka's default partitioner applied to the key (murmur2 of the key bytes modulo the partition count). */
  readonly partition: number;
  /** Position in its topic-partition, from 0, as if the topics were empty before the run. */
  readonly offset: number;
  /** The record key: the shop_id (UTF-8). */
  readonly key: string;
  /** The record value exactly as produced: UTF-8 JSON for good records, whatever bytes a bad kind calls for. */
  readonly value: Buffer;
  /** The value as a string, for good kinds (the generator builds them as text; `value` is its UTF-8 encoding). */
  readonly text: string | undefined;
  /** `text` is pure ASCII, so its UTF-8 bytes are its Latin-1 bytes (a faster copy). */
  readonly asciiText: boolean;
  /** Kafka headers (UTF-8 values); always holds TEST_KIND_HEADER and content-type. */
  readonly headers: Readonly<Record<string, string>>;
  /** The producer's CREATE_TIME, epoch milliseconds. */
  readonly timestamp: number;
  readonly kind: TestKind;
  /** The event_type the record carries (or claims, for bad kinds that still parse); undefined for raw bytes. */
  readonly eventType: string | undefined;
  /** The parsed view of `value` for good kinds (parsed on first use), undefined for bad kinds. */
  readonly event: WireEvent | undefined;
}

export function isGoodKind(kind: TestKind): kind is GoodKind {
  return kind === 'good' || kind === 'late' || kind === 'duplicate';
}
