/**
 * A gzip member (RFC 1952) holding a few bytes uncompressed, in one stored deflate block (RFC 1951 §3.2.4):
 * synchronous and exact, for the short plain pieces between stored gzips of a download.
 */

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A stored block holds at most 65,535 bytes; the pieces this is for are a line or two. */
const MAX_STORED = 0xffff;

export function storedGzipMember(text: string): Uint8Array {
  const data = new TextEncoder().encode(text);
  if (data.length > MAX_STORED) throw new RangeError("storedGzipMember: more than one stored block");
  const out = new Uint8Array(10 + 5 + data.length + 8);
  const view = new DataView(out.buffer);
  // ID1 ID2, CM = deflate, no flags, no mtime, no extra flags, OS unknown
  out.set([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff]);
  out[10] = 0x01; // BFINAL, BTYPE 00 (stored)
  view.setUint16(11, data.length, true);
  view.setUint16(13, ~data.length & 0xffff, true);
  out.set(data, 15);
  view.setUint32(15 + data.length, crc32(data), true);
  view.setUint32(19 + data.length, data.length, true);
  return out;
}
