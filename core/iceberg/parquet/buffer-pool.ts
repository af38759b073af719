// A process-wide pool of ArrayBuffers for the writers' column buffers and encoder scratch space. Allocating and
// growing typed arrays for every data file (a partitioned write opens hundreds) costs copying, and the external
// memory they count makes V8 run full garbage collections over the whole heap; recycled buffers avoid both.
// Sizes are powers of two from 4 KiB to 8 MiB, so a buffer fits any later request of its class; larger buffers
// (a big row group's columns) grow by 1.25x in whole MiB and are not pooled, which keeps their spare capacity
// small. The pool keeps at most POOL_MAX_BYTES; memory is reused only after its owner gave it back.

/** Bytes the pool keeps at most (the rest is left to the garbage collector). */
export const POOL_MAX_BYTES = 32 * 1024 * 1024;
const MIN_BYTES = 4096;
const MAX_POOLED = 8 * 1024 * 1024;
const MiB = 1024 * 1024;

const free = new Map<number, ArrayBuffer[]>();
let pooled = 0;

function sizeClass(bytes: number): number {
  if (bytes <= MIN_BYTES) return MIN_BYTES;
  if (bytes > MAX_POOLED) return Math.ceil(bytes / MiB) * MiB;
  return 2 ** Math.ceil(Math.log2(bytes));
}

/** An ArrayBuffer of at least `bytes` (contents undefined: recycled memory is not cleared). */
export function takeBuffer(bytes: number): ArrayBuffer {
  const size = sizeClass(bytes);
  const list = free.get(size);
  if (list && list.length > 0) {
    pooled -= size;
    return list.pop()!;
  }
  return new ArrayBuffer(size);
}

/** Gives a buffer back (the caller must not use it, or any view of it, afterwards). */
export function giveBuffer(buffer: ArrayBufferLike): void {
  const size = buffer.byteLength;
  if (size < MIN_BYTES || size > MAX_POOLED || size !== sizeClass(size) || pooled + size > POOL_MAX_BYTES) return;
  if (!(buffer instanceof ArrayBuffer)) return;
  let list = free.get(size);
  if (!list) free.set(size, (list = []));
  list.push(buffer);
  pooled += size;
}

/** Bytes held by the pool now (tests, benchmarks). */
export function pooledBytes(): number {
  return pooled;
}

type View = Int32Array<ArrayBuffer> | Float32Array<ArrayBuffer> | Float64Array<ArrayBuffer> | Uint8Array<ArrayBuffer>;

/** A view like `a` of at least `need` elements (x2 while small, x1.25 past 8 MiB) holding a's elements; `a`'s buffer goes back. */
export function grownView<T extends View>(a: T, need: number): T {
  const Ctor = a.constructor as new (buffer: ArrayBuffer) => T;
  const bytes = a.byteLength;
  const target = bytes >= MAX_POOLED ? bytes + (bytes >> 2) : 2 * bytes;
  const next = new Ctor(takeBuffer(Math.max(need * a.BYTES_PER_ELEMENT, target)));
  next.set(a as never);
  giveBuffer(a.buffer);
  return next;
}
