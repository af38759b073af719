// Avro binary encoding of primitive values into a growable buffer (Avro 1.11 specification, "Binary Encoding").
// longs accept safe-integer numbers and bigints, so 63-bit snapshot ids are written exactly.

const utf8 = new TextEncoder();

export class BinaryEncoder {
  private buf: Uint8Array;
  private view: DataView;
  pos = 0;

  constructor(initialSize = 1024) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** The bytes written so far (a copy). */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  /** Forgets what was written, keeping the buffer. */
  reset(): void {
    this.pos = 0;
  }

  writeByte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  writeBoolean(v: boolean): void {
    this.writeByte(v ? 1 : 0);
  }

  /** A 32-bit int as a zig-zag varint. */
  writeInt(v: number): void {
    this.writeVarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  /** A 64-bit long (safe-integer number or bigint) as a zig-zag varint. */
  writeLong(v: number | bigint): void {
    if (typeof v === 'number' && v >= -(2 ** 52) && v < 2 ** 52) {
      this.writeVarint(v >= 0 ? v * 2 : -v * 2 - 1);
      return;
    }
    const b = BigInt(v);
    let u = BigInt.asUintN(64, (b << 1n) ^ (b >> 63n));
    this.ensure(10);
    while (u >= 0x80n) {
      this.buf[this.pos++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.pos++] = Number(u);
  }

  /** An unsigned integer below 2^53 as a varint. */
  private writeVarint(u: number): void {
    this.ensure(10);
    while (u >= 0x80) {
      this.buf[this.pos++] = (u % 0x80) | 0x80;
      u = Math.floor(u / 0x80);
    }
    this.buf[this.pos++] = u;
  }

  writeFloat(v: number): void {
    this.ensure(4);
    this.view.setFloat32(this.pos, v, true);
    this.pos += 4;
  }

  writeDouble(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  writeFixed(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  writeBytes(bytes: Uint8Array): void {
    this.writeLong(bytes.length);
    this.writeFixed(bytes);
  }

  writeString(s: string): void {
    // Encode straight into the buffer: no intermediate array per string.
    const length = Buffer.byteLength(s, 'utf8');
    this.writeLong(length);
    this.ensure(length);
    const { written } = utf8.encodeInto(s, this.buf.subarray(this.pos, this.pos + length));
    this.pos += written;
  }
}
