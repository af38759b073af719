// JSON text <-> JS values with 64-bit integers kept exact. Iceberg snapshot ids are 63-bit longs, which
// JSON.parse rounds, and Node 20 has no reviver source text. So before JSON.parse we turn every integer literal
// outside a string that is not a safe JS integer into a marked string, then turn marked strings back into bigint.
// Malformed text is left to JSON.parse to reject (with its own message and position).
// Integers within +-2^53 stay numbers; the typed readers (json-object.ts) convert where a long is expected.
// Measured against lossless-json on a 682 KB metadata.json: docs/benchmarks.md "iceberg-meta".

/** Parses JSON text; integers beyond Number.MAX_SAFE_INTEGER become bigint. Throws SyntaxError on bad JSON. */
export function parseLosslessJson(text: string): unknown {
  const big = unsafeIntegers(text);
  if (big.length === 0) return JSON.parse(text);
  const marker = pickMarker(text);
  let rewritten = '';
  let last = 0;
  for (let i = 0; i < big.length; i += 2) {
    rewritten += `${text.slice(last, big[i])}"\\u00${marker.escape}${text.slice(big[i], big[i + 1])}"`;
    last = big[i + 1]!;
  }
  rewritten += text.slice(last);
  let value: unknown;
  try {
    value = JSON.parse(rewritten);
  } catch {
    JSON.parse(text); // throws the error with positions in the original text
    throw new SyntaxError('invalid JSON');
  }
  return revive(value, marker.char);
}

/**
 * [start, end) offsets of every integer literal outside strings that is not a safe JS integer: one pass over the
 * characters (about a millisecond per megabyte), which JSON.parse then validates.
 */
function unsafeIntegers(text: string): number[] {
  const out: number[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // a string: skip to its closing quote
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92) i += 2;
        else {
          i++;
          if (d === 34) break;
        }
      }
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      const start = i++;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      const d = text.charCodeAt(i);
      if (d === 46 || d === 101 || d === 69) {
        // a fraction or exponent: a double, left to JSON.parse
        i++;
        while (i < n && isNumberChar(text.charCodeAt(i))) i++;
      } else if (i - start >= 16 && !Number.isSafeInteger(Number(text.slice(start, i)))) {
        out.push(start, i);
      }
    } else {
      i++;
    }
  }
  return out;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isNumberChar = (c: number): boolean => isDigit(c) || c === 43 || c === 45 || c === 46 || c === 101 || c === 69;

/** Writes JSON text; bigint values are written as plain integer literals. */
export function stringifyLosslessJson(value: unknown, indent?: number): string {
  const text = JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'bigint') return `\u0000${v}`;
      if (typeof v === 'string' && v.charCodeAt(0) === 0) {
        throw new TypeError('strings starting with a NUL character cannot be written to Iceberg metadata JSON');
      }
      return v;
    },
    indent,
  );
  return text.replace(/"\\u0000(-?\d+)"/g, '$1');
}

interface Marker {
  char: string;
  escape: string;
}

/** A control character that no string of the input contains (JSON can only contain it as a \u00XX escape). */
function pickMarker(text: string): Marker {
  for (let code = 0; code < 32; code++) {
    const escape = code.toString(16).padStart(2, '0');
    if (!text.includes(`\\u00${escape}`) && !text.includes(`\\u00${escape.toUpperCase()}`)) {
      return { char: String.fromCharCode(code), escape };
    }
  }
  throw new SyntaxError('cannot parse: the text uses every control-character escape');
}

function revive(value: unknown, marker: string): unknown {
  if (typeof value === 'string') return value.startsWith(marker) ? BigInt(value.slice(1)) : value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = revive(value[i], marker);
  } else if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    for (const key of Object.keys(obj)) obj[key] = revive(obj[key], marker);
  }
  return value;
}
