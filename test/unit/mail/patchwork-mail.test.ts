import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { detectPatch } from "../../../functions/mail/patch";
import { corpusPath, parseMboxFile } from "./corpus";

/** patchwork's parser cases (patchwork/tests/mail), with the outcomes its test_parser.py documents. */
const dir = corpusPath("patchwork/mail");
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".mbox"))
  .sort();
const load = (name: string) => {
  const [m] = parseMboxFile(`${dir}/${files.find((f) => f.startsWith(name))}`);
  return { message: m!, patch: detectPatch(m!.body, m!.attachments) };
};

describe("patchwork mail/: every case parses", () => {
  it.each(files)("%s", (f) => {
    const [m] = parseMboxFile(`${dir}/${f}`);
    expect(m!.messageId.length).toBeGreaterThan(0);
  });
});

describe("patchwork mail/: pull requests", () => {
  it.each(["0001", "0002", "0004", "0005", "0006", "0017", "0023", "0024"])(
    "%s is a pull request without a diff",
    (n) => {
      const { patch } = load(n);
      expect(patch.patchType).toBe("none");
      expect(patch.metadata?.pull?.url).toMatch(/^(git|ssh|git\+ssh|https?):\/\/\S+$/);
    },
  );
  it("0003: a pull request with a diff is also a patch", () => {
    const { patch } = load("0003");
    expect(patch.metadata?.pull?.url).toMatch(/^git:\/\//);
    expect(patch.patchType).toBe("inline");
  });
  it("0023: the ref wrapped onto the next line is the branch", () => {
    expect(load("0023").patch.metadata?.pull).toEqual({
      url: "https://git.kernel.org/pub/scm/linux/kernel/git/matthias.bgg/linux.git/",
      branch: "tags/v5.4-next-soc",
    });
  });
  it("0024: trailing spaces are not part of the branch", () => {
    expect(load("0024").patch.metadata?.pull?.branch).toBe("tags/davinci-for-v5.6/soc");
  });
});

describe("patchwork mail/: diffs", () => {
  it("0007: a diff in a text/plain attachment is an attachment patch", () => {
    const { patch } = load("0007");
    expect(patch.patchType).toBe("attachment");
    expect(patch.metadata!.files.map((f) => f.path).length).toBeGreaterThan(0);
  });
  const withDiff = [
    "0008",
    "0009",
    "0010",
    "0011",
    "0012",
    "0013",
    "0014",
    "0015",
    "0016",
    "0019",
    "0021",
    "0022",
    "0025",
    "0026",
    "0027",
  ];
  it.each(withDiff)("%s has an inline patch", (n) => {
    const { patch } = load(n);
    expect(patch.patchType).toBe("inline");
    expect(patch.metadata!.files.length).toBeGreaterThan(0);
  });
  it("0020: a comment in a multipart message is not a patch", () => {
    expect(load("0020").patch.patchType).toBe("none");
  });
  it("0008: a pure rename is a patch with the old and new path", () => {
    const f = load("0008").patch.metadata!.files[0]!;
    expect(f.status).toBe("renamed");
    expect(f.oldPath).toBeTruthy();
    expect(f.oldPath).not.toBe(f.path);
    expect(f.added + f.removed).toBe(0);
  });
  it("0021: an empty new file", () => {
    const f = load("0021").patch.metadata!.files[0]!;
    expect(f.status).toBe("added");
    expect(f.added).toBe(0);
  });
  it("0022: a mode change only", () => {
    const f = load("0022").patch.metadata!.files[0]!;
    expect([f.added, f.removed]).toEqual([0, 0]);
  });
  it.each(["0025", "0026", "0027"])("%s: binary files are marked binary", (n) => {
    expect(load(n).patch.metadata!.files.some((f) => f.binary)).toBe(true);
  });
  it("0026: mixed binary and text files keep both", () => {
    const files = load("0026").patch.metadata!.files;
    expect(files.some((f) => !f.binary && f.added > 0)).toBe(true);
  });
  // 0009 is hand-edited (its diffstat says 0 insertions above a hunk that adds a line): not comparable.
  it.each(withDiff.filter((n) => n !== "0009"))(
    "%s: per-file counts agree with the diffstat git wrote",
    (n) => {
      const meta = load(n).patch.metadata!;
      if (!meta.diffstat || meta.diffstat.filesChanged === 0) return;
      expect(meta.files.length).toBe(meta.diffstat.filesChanged);
      expect(meta.insertions).toBe(meta.diffstat.insertions);
      expect(meta.deletions).toBe(meta.diffstat.deletions);
    },
  );
  it("0016: a message without a subject still parses", () => {
    expect(load("0016").message.subject).toBe("");
  });
  it("0010: an unknown charset label falls back without losing the text", () => {
    const { message } = load("0010");
    expect(message.body).toContain("diff");
    expect(message.charsetFallback).toBe(true);
  });
});
