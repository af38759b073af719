// Writing JSON text by hand for the hottest events (JSON.stringify of a whole event costs more than generating
// it). Only these helpers put values into JSON text: strings go through q(), which escapes whatever needs it and
// writes non-ASCII characters as \u escapes, so text built from its output is pure ASCII (one byte per character:
// its UTF-8 length is its length and it can be copied into a buffer as Latin-1).

// Quote, backslash and control characters (which JSON must escape), and anything outside ASCII.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u007f-\uffff]/;
const NON_ASCII = /[\u007f-\uffff]/g;

/** A JSON string literal in pure ASCII, or null. */
export function q(s: string | null | undefined): string {
  if (s === null || s === undefined) return 'null';
  return NEEDS_ESCAPE.test(s) ? asciiJson(JSON.stringify(s)) : `"${s}"`;
}

/** JSON text with every non-ASCII character written as a \u escape (the same JSON value, ASCII bytes). */
export function asciiJson(json: string): string {
  return json.replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** True when every character of `s` is ASCII. */
export function isAscii(s: string): boolean {
  NON_ASCII.lastIndex = 0;
  return !NON_ASCII.test(s);
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
