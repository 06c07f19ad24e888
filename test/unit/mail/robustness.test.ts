import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { splitMbox } from "../../../functions/mail/mbox";
import { parseMessage } from "../../../functions/mail/parse";
import { detectPatch } from "../../../functions/mail/patch";
import { corpusPath, FIXED_SOURCE_DATE, filesUnder } from "./corpus";

/** Hostile and strange input: every message is parsed or rejected with a reason, never a crash. */
function outcomes(path: string, asMbox: boolean) {
  const bytes = readFileSync(path);
  const entries = asMbox ? [...splitMbox(bytes)].map((e) => e.bytes) : [new Uint8Array(bytes)];
  return entries.map((b) => {
    const r = parseMessage(b, { sourceDate: FIXED_SOURCE_DATE });
    if (r.ok) detectPatch(r.message.body, r.message.attachments);
    return r;
  });
}

const fuzz = filesUnder(corpusPath("patchwork/fuzz"));
const mime = filesUnder(corpusPath("mime")).filter((f) => f.endsWith(".eml"));
const hyperkitty = filesUnder(corpusPath("hyperkitty")).filter((f) => f.endsWith(".txt"));

describe("patchwork fuzz/, mime/ and hyperkitty/ never crash the parser", () => {
  it.each([
    ...fuzz.map((f) => [f, true] as const),
    ...mime.map((f) => [f, false] as const),
    ...hyperkitty.map((f) => [f, false] as const),
  ])("%s", (file, asMbox) => {
    const results = outcomes(file, asMbox);
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      if (r.ok) {
        expect(r.message.messageId).toMatch(/\S/);
        expect(Number.isNaN(r.message.date.date.getTime())).toBe(false);
      } else expect(r.reason).toMatch(/^[a-z_]+$/);
    }
  });
  it("covers the whole of each folder", () => {
    expect(fuzz.length).toBe(17);
    expect(mime.length).toBe(15);
    expect(hyperkitty.length).toBe(14);
  });
});

describe("hyperkitty: strange headers and charsets", () => {
  const one = (name: string) => {
    const r = outcomes(corpusPath("hyperkitty/hyperkitty/tests/testdata", name), false)[0]!;
    if (!r.ok) throw new Error(r.reason);
    return r.message;
  };
  it("finds the id inside free-text In-Reply-To", () => {
    expect(one("strange-in-reply-to-header.txt").inReplyTo).toBe(
      "200704070053.46646.other.person@example.com",
    );
  });
  it("takes an unterminated In-Reply-To id", () => {
    expect(one("wrong-in-reply-to-header.txt").inReplyTo).toBe("200704070053.46646.other.person@example");
  });
  it("decodes an unknown charset label without losing text", () => {
    const m = one("payload-unknown.txt");
    expect(m.body.length).toBeGreaterThan(0);
    expect(m.body).not.toContain("\uFFFD");
  });
  it("decodes iso-8859-1 and utf-8 payloads", () => {
    expect(one("payload-iso8859.txt").body).not.toContain("\uFFFD");
    expect(one("payload-utf8.txt").body).not.toContain("\uFFFD");
  });
  it("decodes raw 8-bit and encoded non-ASCII headers", () => {
    const m = one("non-ascii-headers.txt");
    expect(m.subject).not.toMatch(/=\?|\uFFFD/);
    expect(m.from?.name ?? "").not.toMatch(/=\?|\uFFFD/);
  });
});
