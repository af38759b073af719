// Validate: a decoded record -> the contract it satisfies, or the reason it goes to ops.quarantine with the
// validator's first errors. On top of the contract checks (core/contracts validate()): the record must arrive
// on its contract's topic and carry the topic's key field (shop_id) as its Kafka key, so that one shop's events
// stay in one partition, in order (glue-schemas/topics.json).
//
// The clock for max_future_seconds checks is the record's Kafka timestamp, not the wall clock: the verdict is
// then a function of the record alone, so a retried batch routes every record exactly as the first attempt did
// (exactly-once depends on it, see docs/exactly-once.md). Records without a timestamp use the batch clock.
import { Buffer } from 'node:buffer';
import type { EventContract, ReasonCode, Validate, ValidationError } from '../contracts/index.js';
import type { DecodedRecord, DecodeReason } from './decode.js';
import { DECODE_REASON_CODES } from './decode.js';

/** Reason codes the pipeline adds to the contracts' (core/contracts/reason-codes.ts). Stable: never rename. */
export const PIPELINE_REASON_CODES = {
  ...DECODE_REASON_CODES,
  missing_key: 'the record has no Kafka key; records must be keyed by the topic key field (shop_id)',
  key_mismatch: "the record's Kafka key differs from the event's topic key field (shop_id)",
} as const;

export type QuarantineReason = ReasonCode | DecodeReason | 'missing_key' | 'key_mismatch';

/** The most errors a quarantine row keeps (ops.quarantine `errors` has max_items 20). */
export const MAX_QUARANTINE_ERRORS = 20;

export interface QuarantineError {
  path: string;
  code: string;
  message: string;
}

export type Verdict =
  | {
      ok: true;
      contract: EventContract;
      event: Record<string, unknown>;
      /** The event carried keys its contract does not declare (ignored: silver drops them, bronze keeps them). */
      unknownFields: boolean;
    }
  | { ok: false; code: QuarantineReason; errors: QuarantineError[] };

export interface RecordValidatorOptions {
  validate: Validate;
  /** topic -> its key field (topics.json `key`); a topic absent here has no key check. */
  topicKeys: ReadonlyMap<string, string>;
}

export type RecordValidator = (d: DecodedRecord, batchClockMs: number) => Verdict;

export function createRecordValidator(options: RecordValidatorOptions): RecordValidator {
  const { validate, topicKeys } = options;
  // One options object for every call (validate() reads it and keeps nothing).
  const clock: { now: number; topic: string } = { now: 0, topic: '' };
  return function validateRecord(d: DecodedRecord, batchClockMs: number): Verdict {
    if (d.failure) return fail(d.failure.code, [{ path: '$', code: d.failure.code, message: d.failure.message }]);
    const r = d.record;
    clock.now = r.timestamp ?? batchClockMs;
    clock.topic = r.topic;
    const result = validate(d.event, clock);
    if (!result.ok) return fail(result.errors[0]!.code, firstErrors(result.errors));
    const event = d.event as Record<string, unknown>;
    const keyField = topicKeys.get(r.topic);
    if (keyField !== undefined) {
      const expected = event[keyField];
      if (r.key === null) {
        return fail('missing_key', [
          { path: '$', code: 'missing_key', message: `record has no key; expected ${keyField}` },
        ]);
      }
      if (typeof expected !== 'string' || !sameText(r.key, expected)) {
        const message = `key ${JSON.stringify(limit(Buffer.from(r.key).toString('utf8')))} is not the event's ${keyField}`;
        return fail('key_mismatch', [{ path: `$.${keyField}`, code: 'key_mismatch', message }]);
      }
    }
    return { ok: true, contract: result.contract, event, unknownFields: result.unknownFields };
  };
}

function fail(code: QuarantineReason, errors: QuarantineError[]): Verdict {
  return { ok: false, code, errors };
}

function firstErrors(errors: ValidationError[]): QuarantineError[] {
  return errors.slice(0, MAX_QUARANTINE_ERRORS).map((e) => ({ path: e.path, code: e.code, message: e.message }));
}

/** Whether the key bytes are the UTF-8 of `text` (ASCII keys, the usual case, are compared without allocating). */
function sameText(bytes: Uint8Array, text: string): boolean {
  const n = text.length;
  if (bytes.length === n) {
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c >= 0x80 || bytes[i] !== c) break;
      i++;
    }
    if (i === n) return true;
    if (text.charCodeAt(i) < 0x80) return false;
  }
  if (bytes.length !== Buffer.byteLength(text, 'utf8')) return false;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).equals(Buffer.from(text, 'utf8'));
}

const limit = (s: string): string => (s.length > 64 ? `${s.slice(0, 61)}...` : s);
