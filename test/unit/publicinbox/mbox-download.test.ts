import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { Original } from "../../../db/queries/lore";
import { binaryToBytes, bytesToBinary } from "../../../functions/mail/bytes";
import { gzippedMbox, READ_BATCH } from "../../../functions/publicinbox/mbox-download";
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
  const original = (s: string, i = 0): Original => ({
    emailId: i + 1,
    list: "l",
    messageId: "m",
    subject: "s",
    raw: new Uint8Array(gzipSync(bytes(s))),
  });
  const expected = (...messages: string[]) =>
    messages.map((m) => bytesToBinary(mboxrdEntry(bytes(m)))).join("");
  /** `first`: how many originals the caller read already (the thread query reads the first batch itself) */
  const inflated = async (originals: Original[], first?: number) => {
    const byId = new Map(originals.map((o) => [o.emailId, o]));
    const reads: number[][] = [];
    const load = async (ids: number[]) => {
      reads.push(ids);
      return ids.flatMap((id) => byId.get(id) ?? []);
    };
    let held: Promise<unknown> | undefined;
    const res = await gzippedMbox(
      originals.map((o) => o.emailId),
      {
        first: first === undefined ? undefined : originals.slice(0, first),
        load,
        name: (o) => `first-${o.emailId}`,
        hold: (reading) => (held = reading),
      },
    );
    expect(res.headers.get("content-type")).toBe("application/gzip");
    expect(res.headers.get("content-disposition")).toBe("inline; filename=first-1.mbox.gz");
    // a DecompressionStream, as a browser or a Worker reads it: one member (it rejects more than one)
    const text = await new Response(res.body!.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
    // every email read once, in order, in batches, all before the hold on the database ends
    await held;
    expect(reads.flat()).toEqual(originals.slice(first ?? 0).map((o) => o.emailId));
    expect(reads.length).toBe(Math.ceil((originals.length - (first ?? 0)) / READ_BATCH));
    return Buffer.from(text).toString("latin1");
  };

  it("inflates to the entries in order, kept and edited ones mixed", async () => {
    const messages = [plain, quoted, crlf, status, binary, leadingFrom, plain];
    expect(await inflated(messages.map(original))).toBe(expected(...messages));
    expect(await inflated([original(quoted)])).toBe(expected(quoted));
  });

  it("streams a download of many batches whole and in order", async () => {
    const messages = Array.from({ length: 600 }, (_, i) =>
      [plain, quoted, crlf, binary][i % 4]!.replace("x", `x${i}`),
    );
    expect(await inflated(messages.map(original))).toBe(expected(...messages));
    expect(await inflated(messages.map(original), 100)).toBe(expected(...messages));
    expect(await inflated(messages.slice(0, 50).map(original), 50)).toBe(expected(...messages.slice(0, 50)));
  });
});
