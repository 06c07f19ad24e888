import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMessage } from "../../../functions/mail/parse";
import { detectPatch } from "../../../functions/mail/patch";
import { stablePatchId } from "../../../functions/mail/patch-id";
import { Sha1 } from "../../../functions/mail/sha1";
import { epochBlobs } from "../../helpers/epoch";
import { corpusPath, FIXED_SOURCE_DATE } from "./corpus";

describe("Sha1", () => {
  it("equals node:crypto's SHA-1 on lengths around the block boundaries", () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 100_000]) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 31 + n) & 0xff);
      const ours = Buffer.from(new Sha1().update(bytes).digest()).toString("hex");
      expect(ours, `length ${n}`).toBe(createHash("sha1").update(bytes).digest("hex"));
    }
  });
});

describe("stablePatchId", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "nexus-patchid-"));
    execFileSync("git", [
      "clone",
      "-q",
      "--mirror",
      corpusPath("publicinbox-v2/kgdb-bugreport.0.bundle"),
      join(dir, "0.git"),
    ]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("equals `git patch-id --stable` for every patch of the kgdb epoch", () => {
    // The text each patch was found in, as the importer sees it; git reads them all in one stream, each after a
    // `commit <id>` line of its own (git's own separator), and prints "<patch-id> <commit id>" for each.
    const texts: string[] = [];
    const ours: (string | null)[] = [];
    for (const blob of epochBlobs(join(dir, "0.git"))) {
      const r = parseMessage(blob, { sourceDate: FIXED_SOURCE_DATE });
      if (!r.ok) continue;
      const patch = detectPatch(r.message.body, r.message.attachments);
      if (patch.patchType === "none") continue;
      const source = patch.metadata!.source;
      const text =
        source === "body"
          ? r.message.body
          : r.message.attachments.find((a) => a.filename === source.attachment && a.text !== null)!.text!;
      texts.push(text);
      ours.push(patch.patchId);
    }
    const fakeCommit = (i: number) => (i + 1).toString(16).padStart(40, "0");
    const stream = texts
      .map((t, i) => `commit ${fakeCommit(i)}\n${t.endsWith("\n") ? t : `${t}\n`}`)
      .join("");
    const out = execFileSync("git", ["patch-id", "--stable"], {
      input: stream,
      maxBuffer: 1 << 28,
    }).toString();
    const theirs = new Map<string, string>();
    for (const line of out.trim().split("\n")) {
      const [id, commit] = line.split(" ");
      if (commit && !theirs.has(commit)) theirs.set(commit, id!);
    }
    expect(texts.length).toBeGreaterThan(500);
    const mismatches = ours.flatMap((id, i) =>
      id === (theirs.get(fakeCommit(i)) ?? null) ? [] : [{ i, ours: id, git: theirs.get(fakeCommit(i)) }],
    );
    expect(mismatches).toEqual([]);
  });

  it("sums the files of a diff (--stable) and ignores whitespace, index lines and hunk positions", () => {
    const file = (name: string, at: number) =>
      `diff --git a/${name} b/${name}\nindex 1111111..2222222 100644\n--- a/${name}\n+++ b/${name}\n@@ -${at},2 +${at},2 @@\n ctx\n-old\n+new\n`;
    const ab = stablePatchId(`msg\n---\n${file("a.c", 1)}${file("b.c", 9)}`);
    const ba = stablePatchId(`other words\n${file("b.c", 40)}${file("a.c", 3)}`.replace("+new", "+ new"));
    expect(ab).toMatch(/^[0-9a-f]{40}$/);
    expect(ba).toBe(ab);
    expect(stablePatchId("no diff here\n")).toBeNull();
  });
});
