// Avro binary decoding of primitive values (Avro 1.11 specification, "Binary Encoding"). ints and longs are
// zig-zag varints; a long is returned as a number when it is a safe integer and as a bigint otherwise, so
// 63-bit snapshot ids stay exact. Reading past the end throws EndOfDataError (a truncated file or block).
import { EndOfDataError } from './errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class BinaryDecoder {
  pos = 0;
  private readonly view: DataView;

  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new EndOfDataError(this.pos, n, this.buf.length - this.pos);
  }

  readByte(): number {
    if (this.pos >= this.buf.length) throw new EndOfDataError(this.pos, 1, 0);
    return this.buf[this.pos++]!;
  }

  readBoolean(): boolean {
    return this.readByte() !== 0;
  }

  /** A zig-zag varint that must fit 32 bits. */
  readInt(): number {
    const start = this.pos;
    let b = this.readByte();
    let n = b & 0x7f;
    let mul = 128;
    while (b & 0x80) {
      if (mul > 2 ** 28) throw new RangeError(`int varint at byte ${start} is longer than 5 bytes`);
      b = this.readByte();
      n += (b & 0x7f) * mul;
      mul *= 128;
    }
    if (n > 0xffffffff) throw new RangeError(`int varint at byte ${start} does not fit 32 bits`);
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  /** A zig-zag varint long: a number when within +-2^53, else a bigint. */
  readLong(): number | bigint {
    const start = this.pos;
    let b = this.readByte();
    let n = b & 0x7f;
    let mul = 128;
    while (b & 0x80) {
      if (mul === 2 ** 49) return this.readLongSlow(start);
      b = this.readByte();
      n += (b & 0x7f) * mul;
      mul *= 128;
    }
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  private readLongSlow(start: number): number | bigint {
    this.pos = start;
    let u = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.readByte();
      u |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
      shift += 7n;
      if (shift > 63n) throw new RangeError(`long varint at byte ${start} is longer than 10 bytes`);
    }
    u = BigInt.asUintN(64, u);
    const v = (u >> 1n) ^ -(u & 1n);
    return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
  }

  /** A long that must be a safe integer (lengths, counts). */
  readSafeLong(): number {
    const v = this.readLong();
    if (typeof v === 'bigint') throw new RangeError(`long ${v} at byte ${this.pos} is too large for a length or count`);
    return v;
  }

  readFloat(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  readDouble(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** `n` raw bytes, as a view into the buffer (no copy). */
  readFixedView(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** `n` raw bytes, as a view into the (block) buffer: cheaper than a copy, and blocks are small. */
  readFixed(n: number): Uint8Array {
    return this.readFixedView(n);
  }

  readBytes(): Uint8Array {
    const n = this.readSafeLong();
    if (n < 0) throw new RangeError(`negative byte length ${n} at byte ${this.pos}`);
    return this.readFixed(n);
  }

  readString(): string {
    const n = this.readSafeLong();
    if (n < 0) throw new RangeError(`negative string length ${n} at byte ${this.pos}`);
    return utf8.decode(this.readFixedView(n));
  }
}
