import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { gzipWriter } from "../../functions/lib/compression";

/** A gzip member written piece by piece: one stream that zlib and the web's DecompressionStream both read. */
describe("gzipWriter", () => {
  const written = (pieces: Uint8Array[]) => {
    const gz = gzipWriter();
    return Buffer.concat([gz.header, ...pieces.map((p) => gz.piece(p)), gz.end()]);
  };
  const webInflate = async (bytes: Uint8Array) =>
    Buffer.from(
      await new Response(
        new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip")),
      ).arrayBuffer(),
    );

  it("inflates to the pieces in order, through zlib and DecompressionStream", async () => {
    // pieces larger than the 32 KB window, repetitive across pieces, binary and empty
    const text = Buffer.from("From: a\nSubject: [PATCH] x\n\n+ line\n".repeat(2000));
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 256));
    const pieces = [text, bytes, Buffer.alloc(0), text.subarray(5)];
    const gz = written(pieces);
    const whole = Buffer.concat(pieces);
    expect(gunzipSync(gz).equals(whole)).toBe(true);
    expect((await webInflate(gz)).equals(whole)).toBe(true);
    // compressed, not stored
    expect(gz.length).toBeLessThan(whole.length / 2);
  });

  it("writes an empty member when no piece comes", async () => {
    expect(gunzipSync(written([])).length).toBe(0);
    expect((await webInflate(written([]))).length).toBe(0);
  });

  it("checks its trailer: a flipped byte of the data is refused", () => {
    const gz = written([Buffer.from("hello, world\n".repeat(100))]);
    gz[gz.length - 8]! ^= 1;
    expect(() => gunzipSync(gz)).toThrow();
  });
});
