import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { Original } from "../../../db/queries/lore";
import { binaryToBytes, bytesToBinary } from "../../../functions/mail/bytes";
import { gzippedMbox } from "../../../functions/publicinbox/mbox-download";
import { mboxrdEntry } from "../../../functions/publicinbox/mboxrd";

/**
 * Thread and search downloads: one gzip stream the web's DecompressionStream reads, inflating to the entries one
 * after another, edited or not.
 * The kgdb epoch is compared with public-inbox-httpd byte for byte in test/peers/lore-archive.test.ts.
 */

const bytes = (s: string) => binaryToBytes(s);
const plain = "Subject: a\nMessage-ID: <a@b>\n\nbody\n";
const crlf = "Subject: c\r\nMessage-ID: <c@d>\r\n\r\nbody\r\n";
const quoted = "Subject: q\n\nFrom here on\n";
const status = "Subject: s\nStatus: RO\n\nx\n";
const leadingFrom = "From someone Mon Jan  1 00:00:00 2024\nSubject: f\n\nx\n";
const binary = "Subject: b\nContent-Type: text/plain; charset=latin1\n\ncaf\xe9 \xff\n";

describe("gzippedMbox", () => {
  const original = (s: string): Original => ({
    emailId: 1,
    list: "l",
    messageId: "m",
    subject: "s",
    raw: new Uint8Array(gzipSync(bytes(s))),
  });
  const expected = (...messages: string[]) =>
    messages.map((m) => bytesToBinary(mboxrdEntry(bytes(m)))).join("");
  const inflated = async (originals: Original[]) => {
    const res = gzippedMbox(originals, "x");
    expect(res.headers.get("content-type")).toBe("application/gzip");
    // a DecompressionStream, as a browser or a Worker reads it: one member (it rejects more than one)
    const text = await new Response(res.body!.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
    return Buffer.from(text).toString("latin1");
  };

  it("inflates to the entries in order, kept and edited ones mixed", async () => {
    const messages = [plain, quoted, crlf, status, binary, leadingFrom, plain];
    expect(await inflated(messages.map(original))).toBe(expected(...messages));
    expect(await inflated([original(quoted)])).toBe(expected(quoted));
  });
});
