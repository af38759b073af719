const b = new BigInt64Array(1); const h = new Int32Array(b.buffer);
for (const c of [0, 1, -1, 2**31, -(2**31), 2**32+5, -(2**32)-5, 2**53-1, -(2**53)+1, 1700000000000000, -1700000000000001]) {
  h[0] = c | 0; h[1] = Math.floor(c / 4294967296);
  if (b[0] !== BigInt(c)) console.log('MISMATCH', c, b[0]);
}
console.log('ok', os());
function os() { return (new Uint8Array(new Uint16Array([1]).buffer))[0] === 1 ? 'LE' : 'BE'; }
