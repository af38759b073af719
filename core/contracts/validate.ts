// The compiled validator. For each event contract it generates one plain JS function (new Function) that checks
// every field in place, with no allocation unless something fails, and reports every failure with its JSON path
// and a stable reason code (reason-codes.ts). It never throws: any JSON value, any depth, any size, hostile keys.
// The generated code walks the contract, not the input, so input nesting cannot deepen its stack.
// Fast paths keep the usual valid value cheap and never change an answer (validate-fast-paths.test.ts): a timestamp
// first meets one RegExp (and, under max_future_seconds, an hour-key comparison with the clock), a decimal string
// plainDecimal(); anything they do not vouch for goes to the exact parsers of wire-values.ts, which give the reason.
// Measured on V8 (docs/benchmarks.md, contracts): shared helpers and RegExps beat checks inlined in the generated
// code, whose size then costs more than the calls it saves.
import type { Checks, ContractField, ContractType } from './format.js';
import { parsePrimitive } from './field-types.js';
import type { ContractSet, EventContract } from './load.js';
import type { ReasonCode } from './reason-codes.js';
import { UUID_PATTERN } from './json-schema.js';
import {
  DEFAULT_MAX_STRING_LENGTH,
  INT_RANGE,
  LONG_RANGE,
  TIMESTAMP_RANGE,
  decimalProblemText,
  decimalSign,
  decimalValue,
  parseDate,
  plainDecimal,
  parseTimestamptz,
} from './wire-values.js';

export interface ValidationError {
  /** JSON path of the failing value: `$`, `$.customer.email`, `$.line_items[2].quantity`, `$.note_attributes["k"]`. */
  path: string;
  code: ReasonCode;
  message: string;
}

export type ValidationResult =
  | {
      readonly ok: true;
      readonly eventType: string;
      readonly contract: EventContract;
      /** The event carried keys its contract does not declare, and they were ignored (unknownFields 'ignore'). */
      readonly unknownFields: boolean;
    }
  | { readonly ok: false; readonly eventType: string | null; readonly errors: ValidationError[] };

/**
 * What the validator does with a key the contract does not declare:
 * - `ignore` (default): accept the event; silver has no column for the key, bronze keeps the raw payload, and the
 *   result says `unknownFields: true` (the pipeline counts such events). Real Shopify payloads carry many more
 *   fields than a contract models; rejecting them would quarantine valid traffic.
 * - `reject`: one `unknown_field` error per such key (strict producers, contract tests).
 * Either way a key named like an Object.prototype member (`__proto__`, `constructor`, `hasOwnProperty`...) is
 * `forbidden_key`: no real payload carries one, and downstream JavaScript consumers could be polluted by it.
 */
export type UnknownFields = 'ignore' | 'reject';

export interface ValidatorOptions {
  /** Default 'ignore'. */
  unknownFields?: UnknownFields;
}

export interface ValidateOptions {
  /** The clock for max_future_seconds checks, in ms since epoch (default Date.now()). Pass one per batch. */
  now?: number;
  /** The Kafka topic the event arrived on: a contract on another topic fails with wrong_topic. */
  topic?: string;
}

export type Validate = (event: unknown, options?: ValidateOptions) => ValidationResult;

/** Errors kept per event; beyond it the validator stops and adds one too_many_errors entry. */
export const MAX_ERRORS = 100;

interface Ctx {
  errors: ValidationError[] | null;
  now: number;
  /** Objects of the event that carried undeclared keys (ignore mode). */
  unknown: number;
}

/** Own keys of Object.prototype (`__proto__`, `constructor`, `toString`...): forbidden as event keys. */
const FORBIDDEN_KEYS = Object.getOwnPropertyNames(Object.prototype);

const STOP = new Error('too many errors');

const kindOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** Runtime helpers the generated code calls (bound to locals of the generated closure; err() and unknown() run only on failure). */
const helpers = {
  err(c: Ctx, path: string, code: ReasonCode, message: string): void {
    const e = c.errors ?? (c.errors = []);
    e.push({ path, code, message });
    if (e.length >= MAX_ERRORS) throw STOP;
  },
  kindOf,
  keyCount(o: object): number {
    let n = 0;
    for (const _ in o) n++;
    return n;
  },
  unknown(c: Ctx, o: object, known: Set<string>, path: string): void {
    for (const k of Object.keys(o)) {
      if (known.has(k)) continue;
      if (FORBIDDEN_KEYS.includes(k)) helpers.forbidden(c, keyPath(path, k));
      else helpers.err(c, keyPath(path, k), 'unknown_field', 'not declared by the contract');
    }
  },
  /** Ignore mode: count the object, and still refuse prototype-member keys (checked only when keys are extra). */
  extra(c: Ctx, o: object, path: string): void {
    c.unknown++;
    for (const k of FORBIDDEN_KEYS) if (Object.hasOwn(o, k)) helpers.forbidden(c, keyPath(path, k));
  },
  forbidden(c: Ctx, path: string): void {
    helpers.err(c, path, 'forbidden_key', 'a key named like an Object.prototype member is never accepted');
  },
  keyPath,
  plainDecimal,
  dec: decimalValue,
  decSign: decimalSign,
  decWhy: decimalProblemText,
  ts: parseTimestamptz,
  date: parseDate,
  limit: (s: string): string => (s.length > 64 ? `${s.slice(0, 61)}...` : s),
  /**
   * The hour key (hourKeyOfText) a timestamp must sort below to be surely no later than the clock plus `w.ahead` µs:
   * for a UTC timestamp (`z`) the hour of that instant, else the hour one day earlier (any offset is within ±24 h).
   * Cached per UTC hour of the instant (the pipeline's clock is each record's Kafka timestamp, so it moves with
   * every record; both keys change only when the hour does); -Infinity (nothing is surely early) when the instant
   * is not a 4-digit year (year bounds are hour bounds).
   */
  cut(c: Ctx, w: Cut, z: boolean): number {
    if (w.at !== c.now) {
      const ms = Math.floor((c.now + w.ahead) / 1000);
      if (!(ms >= w.hourStart && ms < w.hourStart + 3_600_000)) {
        w.z = hourKeyOfInstant(ms);
        w.offset = hourKeyOfInstant(ms - 86_400_000);
        w.hourStart = ms - (((ms % 3_600_000) + 3_600_000) % 3_600_000);
      }
      w.at = c.now;
    }
    return z ? w.z : w.offset;
  },
};

function keyPath(base: string, key: string): string {
  const k = key.length > 64 ? `${key.slice(0, 61)}...` : key;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `${base}.${k}` : `${base}[${JSON.stringify(k)}]`;
}

/**
 * `^[A-Z]{3}$`-style patterns (one class of ASCII letter/digit ranges, an exact count up to 8) as inline char-code
 * tests: a RegExp call costs several times more. The same strings match either way (the class holds only ASCII, so
 * the `u` flag changes nothing); any other pattern returns null and stays a RegExp.
 */
function fixedClassTest(pattern: string, v: string, t: string): string | null {
  const m = /^\^\[((?:[A-Za-z0-9](?:-[A-Za-z0-9])?)+)\]\{([1-8])\}\$$/.exec(pattern);
  if (!m) return null;
  const ranges = [...m[1]!.matchAll(/([A-Za-z0-9])(?:-([A-Za-z0-9]))?/g)].map((r) => [
    r[1]!.charCodeAt(0),
    (r[2] ?? r[1]!).charCodeAt(0),
  ]);
  if (ranges.some(([lo, hi]) => lo! > hi!)) return null;
  const inClass = ranges.map(([lo, hi]) => (lo === hi ? `${t} === ${lo}` : `(${t} >= ${lo} && ${t} <= ${hi})`));
  const chars = Array.from(
    { length: Number(m[2]) },
    (_, i) => `((${t} = ${v}.charCodeAt(${i})), ${inClass.join(' || ')})`,
  );
  return [`${v}.length === ${m[2]}`, ...chars].join(' && ');
}

/**
 * Timestamps parseTimestamptz accepts with a year of 1901-2198 (in range whatever the offset) and a day that every
 * year has (February 29 is left to the parser). One RegExp test reads the characters faster than charCodeAt calls.
 * One shared object, so V8 compiles it once.
 */
const TIMESTAMP_FAST =
  /^(?:19(?:0[1-9]|[1-9]\d)|20\d\d|21(?:[0-8]\d|9[0-8]))-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** Where cut() caches the hour keys of one max_future_seconds check. */
interface Cut {
  at: number;
  ahead: number;
  /** The first ms of the UTC hour the keys below belong to. */
  hourStart: number;
  z: number;
  offset: number;
}

const newCut = (ahead: number): Cut => ({ at: NaN, ahead, hourStart: NaN, z: -Infinity, offset: -Infinity });

/** The date and hour digits of an ISO timestamp's text as one number, from char codes (see Generator.hourKeyCode). */
const HOUR_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12];
const hourKeyOfText = (s: string): number => HOUR_DIGITS.reduce((k, i) => k * 10 + s.charCodeAt(i), 0);

/** hourKeyOfText() of the UTC hour of `ms`, or -Infinity outside years 0000-9999. */
function hourKeyOfInstant(ms: number): number {
  if (!(ms >= -62_167_219_200_000 && ms < 253_402_300_800_000)) return -Infinity;
  return hourKeyOfText(new Date(ms).toISOString());
}

/** A path under construction: literal segments and JS expressions, rendered as one concatenation. */
type Path = (string | { expr: string })[];

const renderPath = (p: Path): string => {
  const out: string[] = [];
  let lit = '';
  for (const part of p) {
    if (typeof part === 'string') lit += part;
    else {
      if (lit) out.push(JSON.stringify(lit));
      lit = '';
      out.push(`(${part.expr})`);
    }
  }
  if (lit || out.length === 0) out.push(JSON.stringify(lit));
  return out.join(' + ');
};

class Generator {
  readonly consts: unknown[] = [];
  readonly vars = new Set<string>();

  constructor(readonly unknownFields: UnknownFields) {}

  /** Temporaries are per nesting depth: siblings reuse them, nested levels get their own (few locals, fast entry). */
  v(prefix: string, depth: number): string {
    const name = `${prefix}${depth}`;
    this.vars.add(name);
    return name;
  }

  k(value: unknown): string {
    this.consts.push(value);
    return `K[${this.consts.length - 1}]`;
  }

  /** Code checking every field of `obj` (a plain object already proven), then its unknown keys. */
  fields(fields: ContractField[], obj: string, path: Path, depth: number): string {
    const nk = this.v('nk', depth);
    const body = fields.map((f) => this.field(f, obj, [...path, `.${f.name}`], nk, depth)).join('\n');
    const extra =
      this.unknownFields === 'reject'
        ? `unknown(c, ${obj}, ${this.k(new Set(fields.map((f) => f.name)))}, ${renderPath(path)})`
        : `extra(c, ${obj}, ${renderPath(path)})`;
    return `${nk} = 0;\n${body}\nif (${nk} !== keyCount(${obj})) ${extra};`;
  }

  field(f: ContractField, obj: string, path: Path, nk: string, depth: number): string {
    const v = this.v('v', depth);
    const p = renderPath(path);
    const missing = (what: string) =>
      f.required ? `err(c, ${p}, 'missing_required', 'required field is ${what}');` : '';
    return `${v} = ${obj}.${f.name};
if (${v} !== undefined) { ${nk}++; if (${v} !== null) {\n${this.value(f.type, f.checks, v, path, depth)}\n} else { ${missing('null')} } }
else { ${missing('missing')} }`;
  }

  /**
   * `YYYY-MM-DDTHH` of a string the timestamp RegExp accepted, as the number hourKeyOfText() computes: the
   * char codes of the ten digits as decimal places. Char codes of digits are ordered like the digits, so the keys of
   * two hours compare like the hours.
   */
  hourKeyCode(v: string): string {
    return `(${HOUR_DIGITS.map((i, k) => `${v}.charCodeAt(${i}) * ${10 ** (HOUR_DIGITS.length - 1 - k)}`).join(' + ')})`;
  }

  value(t: ContractType, checks: Checks | undefined, v: string, path: Path, depth: number): string {
    const p = renderPath(path);
    const wrong = (expected: string) => `err(c, ${p}, 'wrong_type', 'expected ${expected}, got ' + kindOf(${v}));`;
    const range = (lo: number, hi: number, what: string) =>
      `else if (${v} < ${lo} || ${v} > ${hi}) err(c, ${p}, 'out_of_range', ${v} + ' is outside ${what} ${lo}..${hi}');`;
    if (typeof t !== 'string') {
      if (t.type === 'struct') {
        return `if (typeof ${v} !== 'object' || Array.isArray(${v})) ${wrong('an object')}\nelse {\n${this.fields(t.fields, v, path, depth + 1)}\n}`;
      }
      if (t.type === 'list') {
        const i = this.v('i', depth);
        const e = this.v('e', depth);
        const elPath: Path = [...path, '[', { expr: i }, ']'];
        const el = `if (${e} === null || ${e} === undefined) { ${t['element-required'] ? `err(c, ${renderPath(elPath)}, 'missing_required', 'list element is null');` : ''} }
else {\n${this.value(t.element, undefined, e, elPath, depth + 1)}\n}`;
        return `if (!Array.isArray(${v})) ${wrong('an array')}
else if (${v}.length > ${checks?.max_items ?? 1e9}) err(c, ${p}, 'too_many_items', ${v}.length + ' items, at most ${checks?.max_items} allowed');
else {
${checks?.min_items ? `if (${v}.length < ${checks.min_items}) err(c, ${p}, 'too_few_items', ${v}.length + ' items, at least ${checks.min_items} needed');` : ''}
for (${i} = 0; ${i} < ${v}.length; ${i}++) { ${e} = ${v}[${i}];\n${el}\n}
}`;
      }
      const ks = this.v('ks', depth);
      const j = this.v('j', depth);
      const e = this.v('e', depth);
      const kp: Path = [{ expr: `keyPath(${p}, ${ks}[${j}])` }];
      return `if (typeof ${v} !== 'object' || Array.isArray(${v})) ${wrong('an object')}
else { ${ks} = Object.keys(${v});
if (${ks}.length > ${checks?.max_items ?? 1e9}) err(c, ${p}, 'too_many_items', ${ks}.length + ' entries, at most ${checks?.max_items} allowed');
else {
${checks?.min_items ? `if (${ks}.length < ${checks.min_items}) err(c, ${p}, 'too_few_items', ${ks}.length + ' entries, at least ${checks.min_items} needed');` : ''}
for (${j} = 0; ${j} < ${ks}.length; ${j}++) { ${e} = ${v}[${ks}[${j}]];
if (${e} === null) { ${t['value-required'] ? `err(c, ${renderPath(kp)}, 'missing_required', 'map value is null');` : ''} }
else {\n${this.value(t.value, undefined, e, kp, depth + 1)}\n}
} } }`;
    }
    const prim = parsePrimitive(t)!;
    switch (prim.kind) {
      case 'string': {
        const max = checks?.enum ? Infinity : (checks?.max_length ?? DEFAULT_MAX_STRING_LENGTH);
        let code = `if (typeof ${v} !== 'string') ${wrong('a string')}`;
        if (max !== Infinity)
          code += `\nelse if (${v}.length > ${max}) err(c, ${p}, 'too_long', 'length ' + ${v}.length + ' exceeds ${max}');`;
        if (checks?.min_length)
          code += `\nelse if (${v}.length < ${checks.min_length}) err(c, ${p}, 'too_short', 'length ' + ${v}.length + ' is below ${checks.min_length}');`;
        if (checks?.pattern !== undefined) {
          const fast = fixedClassTest(checks.pattern, v, this.v('t', depth));
          const re = fast ?? `${this.k(new RegExp(checks.pattern, 'u'))}.test(${v})`;
          code += `\nelse if (!(${re})) err(c, ${p}, 'pattern_mismatch', JSON.stringify(limit(${v})) + ' does not match ' + ${JSON.stringify(JSON.stringify(checks.pattern))});`;
        }
        if (checks?.enum) {
          // A switch over the literals beats a Set lookup for the short enums contracts use.
          const cases = checks.enum.map((x) => `case ${JSON.stringify(x)}:`).join(' ');
          code += `\nelse switch (${v}) { ${cases} break; default: err(c, ${p}, 'not_in_enum', JSON.stringify(limit(${v})) + ' is not one of ' + ${JSON.stringify(checks.enum.join(', '))}); }`;
        }
        return code;
      }
      case 'uuid': {
        const re = this.k(new RegExp(UUID_PATTERN));
        return `if (typeof ${v} !== 'string') ${wrong('a string')}\nelse if (${v}.length !== 36 || !${re}.test(${v})) err(c, ${p}, 'invalid_uuid', 'not a canonical UUID');`;
      }
      case 'int':
      case 'long': {
        const r = prim.kind === 'int' ? INT_RANGE : LONG_RANGE;
        const lo = Math.max(r.min, checks?.min ?? r.min);
        const hi = Math.min(r.max, checks?.max ?? r.max);
        return `if (typeof ${v} !== 'number') ${wrong('an integer')}
else if (!Number.isInteger(${v})) err(c, ${p}, 'not_integer', ${v} + ' is not an integer');
${range(lo, hi, lo === r.min && hi === r.max ? prim.kind : 'allowed range')}`;
      }
      case 'float':
      case 'double':
        return `if (typeof ${v} !== 'number') ${wrong('a number')}
else if (${v} - ${v} !== 0) err(c, ${p}, 'out_of_range', ${v} + ' is not a finite number');
${checks?.min !== undefined || checks?.max !== undefined ? range(checks.min ?? -Number.MAX_VALUE, checks.max ?? Number.MAX_VALUE, 'allowed range') : ''}`;
      case 'boolean':
        return `if (typeof ${v} !== 'boolean') ${wrong('a boolean')}`;
      case 'decimal': {
        const m = this.v('m', depth);
        const lo = checks?.min;
        const hi = checks?.max;
        const cond = [lo !== undefined ? `${m} < ${lo}` : '', hi !== undefined ? `${m} > ${hi}` : '']
          .filter(Boolean)
          .join(' || ');
        const bounds = cond
          ? `\nelse if (${cond}) err(c, ${p}, 'out_of_range', ${v} + ' is outside allowed range ${lo ?? '-Infinity'}..${hi ?? 'Infinity'}');`
          : '';
        const invalid = `err(c, ${p}, 'invalid_decimal', decWhy() + ' for decimal(${prim.precision},${prim.scale})');`;
        if ((lo === undefined || lo === 0) && hi === undefined) {
          // The common `min: 0` (or no bound) needs only the sign. plainDecimal() accepts the usual wire form in one
          // small loop; anything else (a number, a sign, another fraction length...) goes to decSign.
          return `if (typeof ${v} !== 'string' || !plainDecimal(${v}, ${prim.precision - prim.scale}, ${prim.scale})) {
if (typeof ${v} !== 'string' && typeof ${v} !== 'number') ${wrong('a decimal string or number')}
else if ((${m} = decSign(${v}, ${prim.precision - prim.scale}, ${prim.scale})) === 0) ${invalid}${lo === 0 ? `\nelse if (${m} < 0) err(c, ${p}, 'out_of_range', ${v} + ' is outside allowed range 0..Infinity');` : ''}
}`;
        }
        return `if (typeof ${v} !== 'string' && typeof ${v} !== 'number') ${wrong('a decimal string or number')}
else if ((${m} = dec(${v}, ${prim.precision - prim.scale}, ${prim.scale})) !== ${m}) ${invalid}${bounds}`;
      }
      case 'timestamptz': {
        const m = this.v('m', depth);
        const ahead = checks?.max_future_seconds;
        const future =
          ahead !== undefined
            ? `\nelse if (${m} > c.now + ${ahead * 1e6}) err(c, ${p}, 'future_timestamp', 'more than ${ahead} s ahead of the clock');`
            : '';
        // The fast path vouches for a usual valid timestamp (and, under max_future_seconds, one surely not ahead of
        // the clock); anything else is parsed exactly, which also gives the reason.
        let fast = `${this.k(TIMESTAMP_FAST)}.test(${v})`;
        if (ahead !== undefined) {
          const isUtc = `${v}.charCodeAt(${v}.length - 1) === 90`;
          fast += ` && ${this.hourKeyCode(v)} < cut(c, ${this.k(newCut(ahead * 1e6))}, ${isUtc})`;
        }
        return `if (typeof ${v} !== 'string') ${wrong('an ISO-8601 timestamp string')}
else if (!(${fast})) {
${m} = ts(${v});
if (${m} !== ${m}) err(c, ${p}, 'invalid_timestamp', JSON.stringify(limit(${v})) + ' is not YYYY-MM-DDTHH:MM:SS[.f](Z|+HH:MM)');
else if (${m} < ${TIMESTAMP_RANGE.min} || ${m} >= ${TIMESTAMP_RANGE.max}) err(c, ${p}, 'out_of_range', 'year outside 1900-2199');${future}
}`;
      }
      case 'date': {
        const m = this.v('m', depth);
        return `if (typeof ${v} !== 'string') ${wrong('a date string')}
else if ((${m} = date(${v})) !== ${m}) err(c, ${p}, 'invalid_date', JSON.stringify(limit(${v})) + ' is not a calendar date YYYY-MM-DD');`;
      }
      case 'binary':
        return wrong('nothing: binary has no JSON form');
    }
  }
}

type Compiled = (o: Record<string, unknown>, c: Ctx) => void;

interface Entry {
  fn: Compiled;
  ok: ValidationResult;
  okUnknown: ValidationResult;
  topic: string;
}

/** Generates the checking function of one event contract (exposed for tests and the curious). */
export function compileSource(
  contract: EventContract,
  unknownFields: UnknownFields = 'ignore',
): { source: string; consts: unknown[] } {
  const g = new Generator(unknownFields);
  const body = g.fields(contract.fields, 'o', ['$'], 0);
  const version = `if (typeof o.schema_version === 'number' && o.schema_version > ${contract.schemaVersion}) err(c, '$.schema_version', 'unsupported_schema_version', o.schema_version + ' is above ${contract.schemaVersion}, the version this consumer knows');`;
  const locals = `var ${Object.keys(helpers)
    .map((k) => `${k} = H.${k}`)
    .join(', ')};`;
  const source = `'use strict';\n${locals}\nreturn function validate_${contract.eventType}(o, c) {\nvar ${[...g.vars].join(', ')};\n${body}\n${version}\n};`;
  return { source, consts: g.consts };
}

function compile(contract: EventContract, unknownFields: UnknownFields): Compiled {
  const { source, consts } = compileSource(contract, unknownFields);
  return new Function('K', 'H', source)(consts, helpers) as Compiled;
}

/** Builds the validator of a contract set: one compiled function per event type, dispatched on event_type. */
export function createValidator(set: ContractSet, options: ValidatorOptions = {}): Validate {
  const unknownFields = options.unknownFields ?? 'ignore';
  if (unknownFields !== 'ignore' && unknownFields !== 'reject') {
    throw new Error(
      `createValidator: unknownFields must be 'ignore' or 'reject', not ${JSON.stringify(unknownFields)}`,
    );
  }
  const compiled = new Map<string, Entry>();
  for (const [type, contract] of set.events) {
    compiled.set(type, {
      fn: compile(contract, unknownFields),
      ok: Object.freeze({ ok: true, eventType: type, contract, unknownFields: false }),
      okUnknown: Object.freeze({ ok: true, eventType: type, contract, unknownFields: true }),
      topic: contract.topic,
    });
  }
  let last: Entry | undefined;
  let lastType = '';
  const ctx: Ctx = { errors: null, now: 0, unknown: 0 };
  const fail = (eventType: string | null, path: string, code: ReasonCode, message: string): ValidationResult => ({
    ok: false,
    eventType,
    errors: [{ path, code, message }],
  });

  const add = ([path, code, message]: [string, ReasonCode, string]): void => {
    (ctx.errors ??= []).push({ path, code, message });
  };

  return function validate(event: unknown, options?: ValidateOptions): ValidationResult {
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      return fail(null, '$', 'not_an_object', `expected a JSON object, got ${kindOf(event)}`);
    }
    const o = event as Record<string, unknown>;
    let type: unknown;
    try {
      type = o.event_type;
    } catch (err) {
      return fail(null, '$.event_type', 'internal_error', `reading event_type failed: ${String(err)}`);
    }
    if (type === undefined || type === null)
      return fail(null, '$.event_type', 'missing_required', 'required field is missing');
    if (typeof type !== 'string')
      return fail(null, '$.event_type', 'wrong_type', `expected a string, got ${kindOf(type)}`);
    // Events of a batch mostly share a type: one comparison instead of a hash lookup.
    let entry = last;
    if (type !== lastType) {
      entry = compiled.get(type);
      if (entry) {
        last = entry;
        lastType = type;
      }
    }
    if (!entry)
      return fail(
        null,
        '$.event_type',
        'unknown_event_type',
        `${JSON.stringify(helpers.limit(type))} names no contract`,
      );
    ctx.errors = null;
    ctx.unknown = 0;
    ctx.now = (options?.now ?? Date.now()) * 1000;
    try {
      entry.fn(o, ctx);
    } catch (err) {
      add(
        err === STOP
          ? ['$', 'too_many_errors', `stopped after ${MAX_ERRORS} errors`]
          : ['$', 'internal_error', `validator failed: ${String(err)}`],
      );
    }
    if (options?.topic !== undefined && options.topic !== entry.topic) {
      add(['$.event_type', 'wrong_topic', `${type} belongs on topic ${entry.topic}, not ${options.topic}`]);
    }
    const errors = ctx.errors as ValidationError[] | null;
    ctx.errors = null;
    if (errors !== null) return { ok: false, eventType: type, errors };
    return ctx.unknown === 0 ? entry.ok : entry.okUnknown;
  };
}
