/**
 * Postgres binary array format for large statement parameters. The driver sends a Uint8Array parameter in
 * binary format as is, so bodies and raw sources reach the server without the text path's costs: base64 or
 * hex encoding, escaping every element into an array literal, and the server parsing that literal back.
 * The SQL must cast the parameter to the array type (`$2::text[]`, `$3::bytea[]`) so the server knows it.
 */

const TEXT_OID = 25;
const BYTEA_OID = 17;

const encoder = new TextEncoder();

/** text[] in binary format. Strings must hold no NUL (see pgText). */
export function binaryTextArray(values: readonly (string | null)[]): Uint8Array {
  return binaryArray(
    TEXT_OID,
    values.map((v) => (v === null ? null : encoder.encode(v))),
  );
}

/** bytea[] in binary format. */
export function binaryByteaArray(values: readonly (Uint8Array | null)[]): Uint8Array {
  return binaryArray(BYTEA_OID, values);
}

// Layout: ndim, has-nulls flag, element type oid, then per dimension its length and lower bound (1), then
// each element as its byte length (-1 for NULL) followed by its bytes.
function binaryArray(oid: number, elements: readonly (Uint8Array | null)[]): Uint8Array {
  let size = 20;
  for (const e of elements) size += 4 + (e?.length ?? 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setInt32(0, 1);
  view.setInt32(4, elements.some((e) => e === null) ? 1 : 0);
  view.setInt32(8, oid);
  view.setInt32(12, elements.length);
  view.setInt32(16, 1);
  let at = 20;
  for (const e of elements) {
    if (e === null) {
      view.setInt32(at, -1);
      at += 4;
      continue;
    }
    view.setInt32(at, e.length);
    out.set(e, at + 4);
    at += 4 + e.length;
  }
  return out;
}

/** A binary array (as built above) holding only the elements at `positions`, in that order. */
export function binaryArrayElements(array: Uint8Array, positions: readonly number[]): Uint8Array {
  const view = new DataView(array.buffer, array.byteOffset, array.byteLength);
  const count = view.getInt32(12);
  const elements: (Uint8Array | null)[] = [];
  let at = 20;
  for (let i = 0; i < count; i++) {
    const length = view.getInt32(at);
    elements.push(length < 0 ? null : array.subarray(at + 4, at + 4 + length));
    at += 4 + Math.max(length, 0);
  }
  return binaryArray(
    view.getInt32(8),
    positions.map((p) => elements[p]!),
  );
}
