// Writing JSON text by hand for the hottest events (JSON.stringify of a whole event costs more than generating
// it). Only these helpers put values into JSON text: strings go through q(), which escapes whatever needs it.

// Quote, backslash, control characters (which JSON must escape) and surrogates (which JSON.stringify escapes).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A JSON string literal, or null. */
export function q(s: string | null | undefined): string {
  if (s === null || s === undefined) return 'null';
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/** A JSON number, or null. */
export function num(x: number | null | undefined): string {
  return x === null || x === undefined ? 'null' : String(x);
}

/**
 * The same string, flattened. V8 represents a concatenation as a tree (a rope) and copies it into one piece the
 * first time a character is read; strings that many events repeat are flattened once here, instead of their
 * trees being walked again by every event that embeds them.
 */
export function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}
