// Turns a valid event into the bytes of one bad kind (see BAD_KINDS in record.ts). Which field is removed or
// mistyped comes from the contract, so every bad record breaks the contract for exactly the advertised reason.
import { isoMicros } from './time-format.js';
import type { Random } from './random.js';
import type { BadKind, WireEvent } from './record.js';
import type { ContractField } from '../contracts/index.js';

export interface BadRecord {
  value: Buffer;
  /** The event_type the bytes claim, when they parse at all. */
  eventType: string | undefined;
}

const YEAR_US = 365.25 * 86_400_000_000;

const UNKNOWN_TYPES = [
  'page_view',
  'wishlist_added',
  'ORDER_CREATED',
  'gift_card_issued',
  'order.created',
  'subscription_renewed',
];

/** Event types whose base event has line items with a quantity of at least 1 in its contract. */
export const LINE_ITEM_TYPES = ['order_created', 'cart_updated', 'checkout_started'] as const;

export function corrupt(
  kind: BadKind,
  base: WireEvent,
  fields: readonly ContractField[],
  random: Random,
  nowUs: number,
  oversizedBytes: number,
): BadRecord {
  switch (kind) {
    case 'not_json':
      return { value: Buffer.from(notJson(base, random), 'utf8'), eventType: undefined };
    case 'invalid_utf8':
      return { value: invalidUtf8(base, random), eventType: undefined };
    case 'missing_required': {
      const required = fields.filter((f) => f.required);
      const victim = random.pick(required).name;
      const copy: Record<string, unknown> = { ...base };
      delete copy[victim];
      return json(copy, victim === 'event_type' ? undefined : base.event_type);
    }
    case 'wrong_type': {
      const f = random.pick(fields.filter((x) => x.name !== 'event_type'));
      return json({ ...base, [f.name]: wrongValue(f, base[f.name], random) }, base.event_type);
    }
    case 'negative_quantity': {
      const lines = base.line_items as Array<Record<string, unknown>>;
      const first = { ...lines[0]!, quantity: -random.int(1, 5) };
      return json({ ...base, line_items: [first, ...lines.slice(1)] }, base.event_type);
    }
    case 'unknown_event_type': {
      const t = random.pick(UNKNOWN_TYPES);
      return json({ ...base, event_type: t }, t);
    }
    case 'future_timestamp':
      // 30 to 150 years ahead of the record's timestamp: past any clock the pipeline may use, inside the years a
      // timestamptz may hold (before 2200), so it fails for being in the future, not for being out of range.
      return json(
        { ...base, event_time: isoMicros(nowUs + Math.round(random.logUniform(30, 150) * YEAR_US)) },
        base.event_type,
      );
    case 'oversized':
      return oversized(base, oversizedBytes);
  }
}

function json(o: Record<string, unknown>, eventType: string | undefined): BadRecord {
  return { value: Buffer.from(JSON.stringify(o), 'utf8'), eventType };
}

/** Text that no JSON parser accepts; never contains a newline (one record per NDJSON line). */
function notJson(base: WireEvent, random: Random): string {
  const text = JSON.stringify(base);
  switch (random.int(0, 4)) {
    case 0:
      // Truncated mid-object, as a producer killed mid-write leaves it.
      return text.slice(0, Math.max(2, Math.floor(text.length * random.float() * 0.9)));
    case 1:
      return `<?xml version="1.0"?><event type="${base.event_type}"><id>${base.event_id}</id></event>`;
    case 2:
      // A JavaScript object literal, not JSON: unquoted keys and single quotes.
      return `{event_id: '${base.event_id}', event_type: '${base.event_type}', shop_id: '${base.shop_id}'}`;
    case 3:
      return `${base.event_type} ${base.shop_id} ${base.event_time}`;
    default:
      // Two objects glued together without a separator.
      return text + text;
  }
}

/** Valid JSON text with a byte sequence that is not UTF-8 inside the `source` string. */
function invalidUtf8(base: WireEvent, random: Random): Buffer {
  const text = JSON.stringify(base);
  const marker = '"source":"';
  const at = text.indexOf(marker) + marker.length;
  const bad = random.pick([
    [0xc3, 0x28], // a 2-byte lead followed by a non-continuation byte
    [0xff, 0xfe], // bytes that never appear in UTF-8
    [0xed, 0xa0, 0x80], // an encoded UTF-16 surrogate (CESU-8)
    [0xe2, 0x82], // a truncated 3-byte sequence
    [0xc0, 0xaf], // an overlong encoding of '/'
  ]);
  return Buffer.concat([Buffer.from(text.slice(0, at), 'utf8'), Buffer.from(bad), Buffer.from(text.slice(at), 'utf8')]);
}

/** A value of the wrong JSON type for the field. */
function wrongValue(f: ContractField, current: unknown, random: Random): unknown {
  const t = f.type;
  if (typeof t !== 'string') return t.type === 'list' ? { not: 'a list' } : 'not-an-object';
  if (t === 'string') return random.chance(0.5) ? 12345 : true;
  if (t === 'int' || t === 'long') return random.chance(0.5) ? `${String(current ?? 1)}abc` : { value: current ?? 1 };
  if (t === 'boolean') return 'yes';
  if (t === 'double' || t === 'float') return 'NaN';
  if (t === 'timestamptz') return random.chance(0.5) ? 1_741_000_000 : true;
  if (t === 'date') return 20250303;
  if (t.startsWith('decimal')) return random.chance(0.5) ? true : [current];
  return null;
}

/** A well-formed event padded, in a free-text field of its own contract, past `bytes`. */
function oversized(base: WireEvent, bytes: number): BadRecord {
  const grow = (pad: string): Record<string, unknown> =>
    base.event_type === 'order_created'
      ? { ...base, note_attributes: { gift_message: pad } }
      : { ...base, user_agent: pad };
  // The event with a marker where the pad goes, then the pad's bytes written in: the pad is plain ASCII, so its
  // JSON is itself, and the megabyte is copied once instead of being escaped by JSON.stringify.
  const [head, tail] = JSON.stringify(grow(PAD_MARKER)).split(PAD_MARKER) as [string, string];
  const padLength = PAD.length * (Math.ceil((bytes - head.length - tail.length + 1) / PAD.length) + 1);
  const headBytes = Buffer.byteLength(head, 'utf8');
  const value = Buffer.allocUnsafe(headBytes + padLength + Buffer.byteLength(tail, 'utf8'));
  value.write(head, 0, 'utf8');
  value.write(padText(padLength), headBytes, padLength, 'latin1');
  value.write(tail, headBytes + padLength, 'utf8');
  return { value, eventType: base.event_type };
}

const PAD = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. ';
const PAD_MARKER = '<shoplake-pad>';
let pads = '';

/** At least `length` characters of PAD repeated, as one flat string kept for the next oversized record. */
function padText(length: number): string {
  if (pads.length < length) {
    pads = PAD.repeat(Math.ceil(length / PAD.length));
    pads.charCodeAt(0); // flatten once
  }
  return pads;
}
