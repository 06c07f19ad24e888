import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MboxSplitter, splitMbox } from "../../../functions/mail/mbox";
import { corpusPath, filesUnder } from "./corpus";

/** Reading an mbox in chunks (as the importer streams a file) gives exactly what splitting it whole gives. */
function streamed(bytes: Uint8Array, chunk: number) {
  const splitter = new MboxSplitter();
  const out = [];
  for (let at = 0; at < bytes.length; at += chunk) out.push(...splitter.push(bytes.subarray(at, at + chunk)));
  out.push(...splitter.end());
  return out;
}

const files = [
  corpusPath("publicinbox-v2/wcn36xx.lists.infradead.org.mbox"),
  ...filesUnder(corpusPath("git-t5100/t5100")).filter((f) => /mbox|sample|0001mboxrd|0002mboxrd/.test(f)),
  ...filesUnder(corpusPath("patchwork/fuzz")),
];

describe("MboxSplitter (streaming) = splitMbox (whole file)", () => {
  it.each(files)("%s", (file) => {
    const bytes = new Uint8Array(readFileSync(file));
    const whole = [...splitMbox(bytes)];
    expect(whole.length).toBeGreaterThan(0);
    for (const chunk of [1, 7, 100, 4096, 65536]) {
      const parts = streamed(bytes, chunk);
      expect(parts.map((e) => Buffer.from(e.bytes).toString("latin1"))).toEqual(
        whole.map((e) => Buffer.from(e.bytes).toString("latin1")),
      );
      expect(parts.map((e) => e.fromLineDate?.toISOString() ?? null)).toEqual(
        whole.map((e) => e.fromLineDate?.toISOString() ?? null),
      );
    }
  });

  it("takes the From-line date, except the placeholders of public-inbox (the epoch) and git format-patch", () => {
    const entry = (fromLine: string) =>
      [...splitMbox(new TextEncoder().encode(`${fromLine}\nSubject: s\n\nbody\n`))][0]!.fromLineDate;
    expect(entry("From someone@example.org Tue Nov 24 06:30:00 2026")?.toISOString()).toBe(
      "2026-11-24T06:30:00.000Z",
    );
    expect(entry("From mboxrd@z Thu Jan  1 00:00:00 1970")).toBeNull();
    expect(entry("From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001")).toBeNull();
    // the whole public-inbox export: no message takes 1970 as its source date
    expect([...splitMbox(new Uint8Array(readFileSync(files[0]!)))].map((e) => e.fromLineDate)).toEqual(
      Array(39).fill(null),
    );
  });

  it("splits the wcn36xx mbox into one entry per separator whose next line is a header", () => {
    const text = readFileSync(files[0]!, "latin1");
    const separators = text
      .split("\n")
      .filter((line, i, lines) => line.startsWith("From ") && /^[!-9;-~]+:/.test(lines[i + 1] ?? ""));
    expect(streamed(new Uint8Array(readFileSync(files[0]!)), 4096)).toHaveLength(separators.length);
  });

  it("hands each message over as soon as the next separator is confirmed, not at the end", () => {
    const message = (n: number) =>
      `From x@y Mon Jan  1 00:00:0${n} 2024\nSubject: m${n}\n\nbody ${n}\n>From quoted\n\n`;
    const lines = (message(1) + message(2) + message(3)).split(/(?<=\n)/);
    const splitter = new MboxSplitter();
    const seen: { text: string; afterLine: string }[] = [];
    for (const line of lines) {
      for (const e of splitter.push(new TextEncoder().encode(line)))
        seen.push({ text: Buffer.from(e.bytes).toString(), afterLine: line });
    }
    for (const e of splitter.end()) seen.push({ text: Buffer.from(e.bytes).toString(), afterLine: "(end)" });
    expect(seen).toEqual([
      { text: "Subject: m1\n\nbody 1\nFrom quoted\n", afterLine: "Subject: m2\n" },
      { text: "Subject: m2\n\nbody 2\nFrom quoted\n", afterLine: "Subject: m3\n" },
      { text: "Subject: m3\n\nbody 3\nFrom quoted\n", afterLine: "(end)" },
    ]);
  });
});
