/**
 * Byte helpers. MIME structure is found on a "binary string" (one UTF-16 code unit per byte, 0–255) so
 * offsets map 1:1 to the original bytes; text is decoded from bytes only at the leaves.
 */

const CHUNK = 8192;

/** Bytes → binary string (each char code = one byte). Not latin1 via TextDecoder: WHATWG maps that to cp1252. */
export function bytesToBinary(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += CHUNK) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return out;
}

/** Binary string → bytes (inverse of bytesToBinary; code units above 255 are truncated). */
export function binaryToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** True when every char of a binary string is 7-bit. */
export function isAscii(s: string): boolean {
  return !/[^\x00-\x7f]/.test(s);
}

const encoder = new TextEncoder();
export function utf8Bytes(s: string): Uint8Array {
  return encoder.encode(s);
}
