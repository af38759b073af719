// IdTable: a compact set of event_ids, each with the Kafka coordinate it landed with, for the dedup index.
//
// An event_id is not stored: its 64-bit FNV-1a hash (over its UTF-8 bytes) is, as two 32-bit halves, beside the
// coordinate (a double): 16 bytes per slot in three typed arrays, no object per id. Open addressing with Robin
// Hood linear probing (a resident closer to its home slot yields to one farther from its own) keeps probe
// sequences short at a high load factor, so the table fills to 7/8 before it grows by 1.5x: 18-28 bytes per id
// (docs/exactly-once.md). Ids are never removed one by one; a scope's table is dropped whole.
//
// Two distinct event_ids with the same 64-bit hash look like the same id: the second is taken for a duplicate
// of the first (if their coordinates differ) and skipped. The chance for one lookup against n indexed ids is
// about n / 2^64 (1e7 ids: 5e-13); see docs/exactly-once.md for what that means over a year.

const MAX_LOAD = 7 / 8;
const GROWTH = 1.5;
const MIN_CAPACITY = 16;
const TWO_32 = 4294967296;

/** FNV-1a 64-bit offset basis and prime (http://www.isthe.com/chongo/tech/comp/fnv/). */
const FNV_OFFSET = [0xcbf2, 0x9ce4, 0x8422, 0x2325]; // 16-bit limbs, most significant first
const FNV_PRIME_LOW = 0x1b3; // prime = 2^40 + 0x1b3

// The hash of the last hashed string (two unsigned 32-bit halves): set by hash64, read right after.
let hashHi = 0;
let hashLo = 0;

/** FNV-1a 64 of the UTF-8 bytes of `text` into hashHi/hashLo (no allocation; lone surrogates as U+FFFD). */
function hash64(text: string): void {
  let h3 = FNV_OFFSET[0]!;
  let h2 = FNV_OFFSET[1]!;
  let h1 = FNV_OFFSET[2]!;
  let h0 = FNV_OFFSET[3]!;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    let bytes: number; // up to 4 UTF-8 bytes packed, first byte lowest
    let count: number;
    if (c < 0x80) {
      bytes = c;
      count = 1;
    } else if (c < 0x800) {
      bytes = 0xc0 | (c >> 6) | ((0x80 | (c & 0x3f)) << 8);
      count = 2;
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          i++;
        } else c = 0xfffd;
      }
      if (c < 0x10000) {
        bytes = 0xe0 | (c >> 12) | ((0x80 | ((c >> 6) & 0x3f)) << 8) | ((0x80 | (c & 0x3f)) << 16);
        count = 3;
      } else {
        bytes =
          0xf0 |
          (c >> 18) |
          ((0x80 | ((c >> 12) & 0x3f)) << 8) |
          ((0x80 | ((c >> 6) & 0x3f)) << 16) |
          ((0x80 | (c & 0x3f)) << 24);
        count = 4;
      }
    }
    for (let b = 0; b < count; b++) {
      h0 ^= (bytes >>> (8 * b)) & 0xff;
      // h *= 2^40 + 0x1b3 (mod 2^64) on 16-bit limbs: every partial sum stays below 2^31.
      const t0 = h0 * FNV_PRIME_LOW;
      const t1 = h1 * FNV_PRIME_LOW + (t0 >>> 16);
      const t2 = h2 * FNV_PRIME_LOW + (h0 << 8) + (t1 >>> 16);
      h3 = (h3 * FNV_PRIME_LOW + (h1 << 8) + (t2 >>> 16)) & 0xffff;
      h2 = t2 & 0xffff;
      h1 = t1 & 0xffff;
      h0 = t0 & 0xffff;
    }
  }
  hashHi = ((h3 << 16) | h2) >>> 0;
  hashLo = ((h1 << 16) | h0) >>> 0;
}

/** Murmur3's 32-bit finalizer. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Mixes hashHi/hashLo with a two-round Feistel network (a bijection: collisions stay those of FNV-1a). FNV-1a's
 * top bits take in the last bytes poorly; after this every bit depends on every input bit, and the home slot
 * (taken from the high half) spreads evenly.
 */
function spread(): void {
  hashHi = (hashHi ^ fmix32(hashLo)) >>> 0;
  hashLo = (hashLo ^ fmix32(hashHi)) >>> 0;
}

/** FNV-1a 64 of the UTF-8 bytes of `text`, as 16 hex digits (for tests against the published vectors). */
export function fnv1a64Hex(text: string): string {
  hash64(text);
  return hashHi.toString(16).padStart(8, '0') + hashLo.toString(16).padStart(8, '0');
}

export class IdTable {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private coords: Float64Array;
  private count = 0;
  private capacity: number;
  private limit: number;

  constructor(capacity = MIN_CAPACITY) {
    this.capacity = Math.max(MIN_CAPACITY, Math.ceil(capacity));
    this.hi = new Uint32Array(this.capacity);
    this.lo = new Uint32Array(this.capacity);
    this.coords = new Float64Array(this.capacity);
    this.limit = Math.floor(this.capacity * MAX_LOAD);
  }

  /** Ids held. */
  get size(): number {
    return this.count;
  }

  /** Bytes of the typed arrays (the table's whole footprint but a few object headers). */
  get byteLength(): number {
    return this.hi.byteLength + this.lo.byteLength + this.coords.byteLength;
  }

  /** The coordinate `id` was added with, or undefined. */
  get(id: string): number | undefined {
    hash64(id);
    spread();
    const slot = this.find(hashHi, hashLo || 1);
    return slot < 0 ? undefined : this.coords[slot];
  }

  /** Adds `id` with its coordinate unless it is held already; returns whether it was added. */
  add(id: string, coord: number): boolean {
    hash64(id);
    spread();
    const hi = hashHi;
    const lo = hashLo || 1; // lo = 0 marks an empty slot (hi = 0 too), so a hash never has lo = 0
    if (this.find(hi, lo) >= 0) return false;
    if (this.count >= this.limit) this.grow();
    this.insert(hi, lo, coord);
    this.count++;
    return true;
  }

  /** Home slot of a hash: its high half scaled to the capacity (any capacity, not only powers of two). */
  private home(hi: number): number {
    return Math.floor((hi * this.capacity) / TWO_32);
  }

  private distance(slot: number, hi: number): number {
    const d = slot - this.home(hi);
    return d < 0 ? d + this.capacity : d;
  }

  private find(hi: number, lo: number): number {
    const cap = this.capacity;
    let slot = this.home(hi);
    for (let d = 0; ; d++) {
      const l = this.lo[slot]!;
      if (l === 0) return -1;
      const h = this.hi[slot]!;
      if (h === hi && l === lo) return slot;
      // Robin Hood invariant: a resident nearer its home than we are to ours means ours is absent.
      if (this.distance(slot, h) < d) return -1;
      if (++slot === cap) slot = 0;
    }
  }

  private insert(hi: number, lo: number, coord: number): void {
    const cap = this.capacity;
    let slot = this.home(hi);
    for (let d = 0; ; d++) {
      const l = this.lo[slot]!;
      if (l === 0) {
        this.hi[slot] = hi;
        this.lo[slot] = lo;
        this.coords[slot] = coord;
        return;
      }
      const h = this.hi[slot]!;
      const resident = this.distance(slot, h);
      if (resident < d) {
        const c = this.coords[slot]!;
        this.hi[slot] = hi;
        this.lo[slot] = lo;
        this.coords[slot] = coord;
        hi = h;
        lo = l;
        coord = c;
        d = resident;
      }
      if (++slot === cap) slot = 0;
    }
  }

  private grow(): void {
    const { hi, lo, coords } = this;
    this.capacity = Math.ceil(this.capacity * GROWTH);
    this.limit = Math.floor(this.capacity * MAX_LOAD);
    this.hi = new Uint32Array(this.capacity);
    this.lo = new Uint32Array(this.capacity);
    this.coords = new Float64Array(this.capacity);
    for (let i = 0; i < hi.length; i++) if (lo[i] !== 0) this.insert(hi[i]!, lo[i]!, coords[i]!);
  }
}
