import { describe, expect, it } from "vitest";
import { binaryToBytes, bytesToBinary } from "../../../functions/mail/bytes";
import {
  downloadName,
  MBOXRD_FROM_LINE,
  mboxrdEntry,
  rawCharset,
} from "../../../functions/publicinbox/mboxrd";

/**
 * The mboxrd entries public-inbox serves (PublicInbox::Mbox msg_hdr/msg_body). The whole kgdb epoch is compared
 * byte for byte with public-inbox-httpd itself in test/peers/lore-archive.test.ts; these are the edge cases.
 */
const entry = (s: string) => bytesToBinary(mboxrdEntry(binaryToBytes(s)));
const FROM = MBOXRD_FROM_LINE;

describe("mboxrdEntry", () => {
  it("adds the From line, keeps the message, ends with a blank line", () => {
    expect(entry("Subject: a\nMessage-ID: <a@b>\n\nbody\n")).toBe(
      `${FROM}\nSubject: a\nMessage-ID: <a@b>\n\nbody\n\n`,
    );
  });

  it("quotes >*From at body line starts only, one more > each", () => {
    expect(entry("Subject: a\n\nFrom me\n>From you\n>>From them\n From not\nx From no\n")).toBe(
      `${FROM}\nSubject: a\n\n>From me\n>>From you\n>>>From them\n From not\nx From no\n\n`,
    );
  });

  it("drops Lines, Bytes, Content-Length and Status with their continuation lines, any case", () => {
    expect(
      entry("Subject: a\nstatus: RO\nContent-Length: 12\n  more\nLines: 3\nBytes: 9\nTo: b\n\nx\n"),
    ).toBe(`${FROM}\nSubject: a\nTo: b\n\nx\n\n`);
  });

  it("keeps a CRLF message's line ending, in the From line and the blank line too", () => {
    expect(entry("Subject: a\r\nTo: b\r\n\r\nFrom x\r\n")).toBe(
      `${FROM}\r\nSubject: a\r\nTo: b\r\n\r\n>From x\r\n\n`,
    );
  });

  it("drops a stray leading From line, and answers a header-only message", () => {
    expect(entry("From old@x Mon Jan  1 00:00:00 2001\nSubject: a\n\nb\n")).toBe(
      `${FROM}\nSubject: a\n\nb\n\n`,
    );
    expect(entry("Subject: a\nTo: b\n")).toBe(`${FROM}\nSubject: a\nTo: b\n\n\n`);
  });

  it("copies 8-bit bytes untouched", () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode("Subject: \u00e9\n\nFrom "),
      0x80,
      0x9f,
      0xff,
      10,
    ]);
    const out = mboxrdEntry(bytes);
    expect([...out.subarray(-6)]).toEqual([0x20, 0x80, 0x9f, 0xff, 10, 10]);
    expect(bytesToBinary(out)).toContain(">From ");
  });
});

describe("download names and charsets", () => {
  it("makes public-inbox's file names", () => {
    expect(downloadName("Re: [PATCH v2 1/3] kgdb: fix it.", { dropReply: true })).toBe(
      "PATCH-v2-1-3-kgdb-fix-it",
    );
    expect(downloadName("Re: x")).toBe("Re-x");
    expect(downloadName("...")).toBe("no-subject");
  });

  it("names the message's charset when it is a plain token", () => {
    const charset = (h: string) => rawCharset(new TextEncoder().encode(`${h}\n\nx\n`));
    expect(charset('Content-Type: text/plain;\n charset="ISO-8859-1"')).toBe("ISO-8859-1");
    expect(charset("Content-Type: multipart/mixed; boundary=x")).toBe("UTF-8");
    expect(charset('Content-Type: text/plain; charset="a\\r\\nb"')).toBe("UTF-8");
  });
});
