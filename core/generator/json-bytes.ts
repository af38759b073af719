// Writing events straight into bytes. Every good event is built into a shared slab and its record's value is
// a view of its bytes there: no string per event, no rope to flatten, no copy from text to bytes. Fixed pieces
// (field names, a visit's repeated fields, a product's fields) are kept as bytes and copied with one `set`; values
// that change per event (UUIDs, timestamps, numbers, money) are written digit by digit. A full slab is left to the
// records that view it (garbage once they are) and a new one is started.
import { q } from './json-text.js';
import type { Random } from './random.js';

// 64 KiB slabs, not more: glibc serves smaller blocks from memory it reuses, while every larger block is a fresh
// mapping whose pages fault in (and are zeroed by the kernel) as they are first written, which cost more than
// building the events did. Slabs are not zero-filled: only the bytes of events are ever read through the views.
const SLAB_BYTES = 64 * 1024;
const ZERO = 0x30;
const MINUTE_US = 60_000_000;

/** The bytes of an ASCII string (callers pass text made ASCII by q() or built from ASCII parts). */
export function lit(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

const NULL = lit('null');

export class JsonBytes {
  #buf: Buffer = Buffer.allocUnsafeSlow(SLAB_BYTES);
  #pos = 0;
  #start = 0;
  // The "YYYY-MM-DDTHH:MM:" of the last minute written: events come in time order, so most reuse it.
  #minute = NaN;
  #minutePrefix: Buffer = Buffer.alloc(0);

  /** Starts an event. */
  begin(): void {
    this.#start = this.#pos;
  }

  /** The event written since begin(): a view of the slab. */
  end(): Buffer {
    return this.#buf.subarray(this.#start, this.#pos);
  }

  /** Makes room for `n` more bytes: a new slab when this one is full, with the event so far moved over. */
  #room(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    const used = this.#pos - this.#start;
    const next = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, 2 * (used + n)));
    this.#buf.copy(next, 0, this.#start, this.#pos);
    this.#buf = next;
    this.#start = 0;
    this.#pos = used;
  }

  bytes(b: Uint8Array): void {
    this.#room(b.length);
    this.#buf.set(b, this.#pos);
    this.#pos += b.length;
  }

  /** An ASCII string as it is (JSON punctuation, escaped literals, URLs); one byte per character. */
  ascii(s: string): void {
    const n = s.length;
    this.#room(n);
    if (n > 24) {
      this.#pos += this.#buf.write(s, this.#pos, 'latin1');
      return;
    }
    const b = this.#buf;
    const p = this.#pos;
    for (let i = 0; i < n; i++) b[p + i] = s.charCodeAt(i);
    this.#pos = p + n;
  }

  /** Any text (a JSON.stringify result) as UTF-8. */
  utf8(s: string): void {
    this.#room(3 * s.length);
    this.#pos += this.#buf.write(s, this.#pos, 'utf8');
  }

  /** A JSON string literal (ASCII, non-ASCII as \u escapes: see q()), or null. */
  str(s: string | null | undefined): void {
    this.ascii(q(s));
  }

  /** A safe integer, or null. */
  int(x: number | null | undefined): void {
    if (x === null || x === undefined) return this.bytes(NULL);
    if (!Number.isSafeInteger(x)) return this.ascii(String(x));
    this.#room(17);
    if (x < 0) {
      this.#buf[this.#pos++] = 0x2d;
      x = -x;
    }
    if (x <= 0x7fffffff) return this.#digits(x | 0, 0);
    // Above 2^31, split in two int32 halves: integer division on doubles is several times slower.
    const hi = Math.floor(x / 1e9);
    this.#digits(hi | 0, 0);
    this.#digits((x - hi * 1e9) | 0, 9);
  }

  /** A non-negative int32 in decimal, zero-padded to `width` digits; room already made. */
  #digits(n: number, width: number): void {
    let len = 1;
    for (let t = n; t >= 10; t = (t / 10) | 0) len++;
    if (len < width) len = width;
    const b = this.#buf;
    let p = this.#pos + len;
    this.#pos = p;
    for (let i = 0; i < len; i++) {
      const q = (n / 10) | 0;
      b[--p] = ZERO + n - q * 10;
      n = q;
    }
  }

  /** Integer cents as Shopify's money digits ("12.30"), without quotes. */
  money(cents: number): void {
    if (cents < 0) this.ascii('-');
    const a = Math.abs(Math.round(cents));
    const units = Math.floor(a / 100);
    this.int(units);
    this.#room(3);
    this.#buf[this.#pos++] = 0x2e;
    this.#digits(a - units * 100, 2);
  }

  /** A version 4 UUID drawn from `random` (the same draws as Random.uuid()), without quotes. */
  uuid(random: Random): void {
    this.#room(36);
    random.uuidInto(this.#buf, this.#pos);
    this.#pos += 36;
  }

  /** Epoch microseconds as UTC ISO-8601 with microseconds ("2025-03-03T10:00:00.123456Z"), without quotes. */
  isoMicros(us: number): void {
    us = Math.floor(us);
    const minute = Math.floor(us / MINUTE_US);
    if (minute !== this.#minute) {
      this.#minute = minute;
      this.#minutePrefix = lit(new Date(minute * 60_000).toISOString().slice(0, 17));
    }
    this.bytes(this.#minutePrefix);
    const inMinute = (us - minute * MINUTE_US) | 0; // "SS.ffffff"
    const sec = (inMinute / 1_000_000) | 0;
    this.#room(10);
    this.#digits(sec, 2);
    this.#buf[this.#pos++] = 0x2e;
    this.#digits(inMinute - sec * 1_000_000, 6);
    this.#buf[this.#pos++] = 0x5a; // Z
  }
}
