/** A fast synchronous 64-bit (two 32-bit lanes) FNV-1a style hash, hex. Not cryptographic. */
export function hash64(input: Uint8Array | string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  const n = input.length;
  for (let i = 0; i < n; i++) {
    const c = typeof input === "string" ? input.charCodeAt(i) : input[i]!;
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return (h1 >>> 0).toString(16).padStart(8, "0") + (h2 >>> 0).toString(16).padStart(8, "0");
}
