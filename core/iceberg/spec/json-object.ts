// Typed, validating access to a parsed JSON object. Every failure throws InvalidMetadataError naming the
// file (`source`) and the JSON path of the missing or invalid key, e.g. `snapshots[2].snapshot-id`.

export class InvalidMetadataError extends Error {
  constructor(
    readonly source: string,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${source}: ${path ? `'${path}' ` : ''}${reason}`);
    this.name = 'InvalidMetadataError';
  }
}

export class JsonObject {
  private constructor(
    readonly value: Record<string, unknown>,
    readonly source: string,
    readonly path: string,
  ) {}

  /** Wraps `value`, which must be a JSON object. */
  static of(value: unknown, source: string, path = ''): JsonObject {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new InvalidMetadataError(source, path, `must be a JSON object, got ${describe(value)}`);
    }
    return new JsonObject(value as Record<string, unknown>, source, path);
  }

  has(key: string): boolean {
    return this.value[key] !== undefined && this.value[key] !== null;
  }

  keyPath(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  fail(key: string, reason: string): never {
    throw new InvalidMetadataError(this.source, this.keyPath(key), reason);
  }

  private required(key: string): unknown {
    const v = this.value[key];
    if (v === undefined || v === null) this.fail(key, 'is required but missing');
    return v;
  }

  /** A 32-bit integer. */
  int(key: string): number {
    const v = this.required(key);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
      this.fail(key, `must be an int, got ${describe(v)}`);
    }
    return v;
  }

  optInt(key: string): number | undefined {
    return this.has(key) ? this.int(key) : undefined;
  }

  /** A long that must fit a JS number exactly (timestamps, sequence numbers, counts). */
  safeLong(key: string): number {
    const v = this.required(key);
    if (typeof v !== 'number' || !Number.isSafeInteger(v))
      this.fail(key, `must be a long below 2^53, got ${describe(v)}`);
    return v;
  }

  optSafeLong(key: string): number | undefined {
    return this.has(key) ? this.safeLong(key) : undefined;
  }

  /** A 64-bit long, kept exact (snapshot ids). */
  long(key: string): bigint {
    const v = this.required(key);
    if (typeof v === 'bigint') {
      if (v < -(2n ** 63n) || v >= 2n ** 63n) this.fail(key, `is out of the 64-bit long range: ${v}`);
      return v;
    }
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(key, `must be a long, got ${describe(v)}`);
    return BigInt(v);
  }

  optLong(key: string): bigint | undefined {
    return this.has(key) ? this.long(key) : undefined;
  }

  string(key: string): string {
    const v = this.required(key);
    if (typeof v !== 'string') this.fail(key, `must be a string, got ${describe(v)}`);
    return v;
  }

  optString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined;
  }

  /** A string that must be one of `allowed`. */
  oneOf<T extends string>(key: string, allowed: readonly T[]): T {
    const v = this.string(key);
    if (!(allowed as readonly string[]).includes(v)) {
      this.fail(key, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(v)}`);
    }
    return v as T;
  }

  bool(key: string): boolean {
    const v = this.required(key);
    if (typeof v !== 'boolean') this.fail(key, `must be a boolean, got ${describe(v)}`);
    return v;
  }

  optBool(key: string): boolean | undefined {
    return this.has(key) ? this.bool(key) : undefined;
  }

  object(key: string): JsonObject {
    return JsonObject.of(this.required(key), this.source, this.keyPath(key));
  }

  optObject(key: string): JsonObject | undefined {
    return this.has(key) ? this.object(key) : undefined;
  }

  /** An array; `item` reads each element, given its JSON path (e.g. `snapshots[3]`). */
  array<T>(key: string, item: (value: unknown, path: string) => T): T[] {
    const v = this.required(key);
    if (!Array.isArray(v)) this.fail(key, `must be a JSON array, got ${describe(v)}`);
    return v.map((x, i) => item(x, `${this.keyPath(key)}[${i}]`));
  }

  optArray<T>(key: string, item: (value: unknown, path: string) => T): T[] | undefined {
    return this.has(key) ? this.array(key, item) : undefined;
  }

  /** An array of objects. */
  objects(key: string): JsonObject[] {
    return this.array(key, (x, path) => JsonObject.of(x, this.source, path));
  }

  optObjects(key: string): JsonObject[] | undefined {
    return this.has(key) ? this.objects(key) : undefined;
  }

  /** An array of ints. */
  ints(key: string): number[] {
    return this.array(key, (x, path) => {
      if (typeof x !== 'number' || !Number.isInteger(x)) {
        throw new InvalidMetadataError(this.source, path, `must be an int, got ${describe(x)}`);
      }
      return x;
    });
  }

  /** A JSON object whose values are all strings (properties, summaries). */
  stringMap(key: string): Record<string, string> {
    const obj = this.object(key);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(obj.value)) {
      out[k] = typeof v === 'string' ? v : obj.fail(k, `must be a string, got ${describe(v)}`);
    }
    return out;
  }
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return `${typeof v} ${String(v)}`;
  return typeof v;
}
