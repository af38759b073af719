// JSON text <-> JS values with 64-bit integers kept exact. Iceberg snapshot ids are 63-bit longs, which
// JSON.parse rounds, and Node 20 has no reviver source text. So before JSON.parse we turn every integer literal
// outside a string that is not a safe JS integer into a marked string, then turn marked strings back into bigint.
// Integers within +-2^53 stay numbers; the typed readers (json-object.ts) convert where a long is expected.
// Measured against lossless-json on a 900 KB metadata file: about 6x faster to parse, 3x to write (see README).

/** A JSON string, or an integer literal of 16+ digits that is not part of a fraction or exponent. */
const TOKENS = /"[^"\\]*(?:\\.[^"\\]*)*"|(?<![\d.eE+-])-?\d{16,}(?![\d.eE])/g;

/** Parses JSON text; integers beyond Number.MAX_SAFE_INTEGER become bigint. Throws SyntaxError on bad JSON. */
export function parseLosslessJson(text: string): unknown {
  const marker = pickMarker(text);
  let marked = 0;
  const rewritten = text.replace(TOKENS, (token) => {
    if (token.charCodeAt(0) === 34 || Number.isSafeInteger(Number(token))) return token;
    marked++;
    return `"\\u00${marker.escape}${token}"`;
  });
  let value: unknown;
  try {
    value = JSON.parse(rewritten);
  } catch {
    JSON.parse(text); // throws the error with positions in the original text
    throw new SyntaxError('invalid JSON');
  }
  return marked > 0 ? revive(value, marker.char) : value;
}

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
