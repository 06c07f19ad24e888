import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseMailDate } from "../../../functions/mail/date";
import { normalizeSubject } from "../../../functions/mail/subject";
import { corpusPath, parseMboxFile } from "./corpus";

/** git's t5100 (mailinfo) cases: expected `Author/Email/Subject/Date` in info*, bodies in *mboxrd. */
const dir = (name: string) => corpusPath("git-t5100/t5100", name);

function readInfo(name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(dir(name), "utf8").split("\n")) {
    const m = /^(\w+): ?(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

describe("git t5100: RFC 2047 header decoding", () => {
  const messages = parseMboxFile(dir("rfc2047-samples.mbox"));
  messages.forEach((m, i) => {
    const name = `rfc2047-info-${String(i + 1).padStart(4, "0")}`;
    it(name, () => {
      const info = readInfo(name);
      if (info.Author !== undefined) expect(m.from?.name).toBe(info.Author);
      if (info.Email !== undefined) expect(m.from?.address).toBe(info.Email);
      expect(normalizeSubject(m.subject)).toBe(info.Subject);
    });
  });
  it("has one expectation per sample", () => expect(messages.length).toBe(11));
});

describe("git t5100: sample.mbox author, subject cleaning and date", () => {
  const messages = parseMboxFile(dir("sample.mbox"));
  it("splits all 18 messages", () => expect(messages.length).toBe(18));
  messages.forEach((m, i) => {
    const name = `info${String(i + 1).padStart(4, "0")}`;
    // git am lets "From:"/"Subject:"/"Date:" lines at the top of the body override the headers (in-body
    // headers, and the scissors line). An archive shows the message as sent, so those cases are skipped.
    const inBody = /^\s*(From|Subject|Date):|^\s*\[PATCH/.test(m.body) || /-- >8 --/.test(m.body);
    (inBody ? it.skip : it)(
      `${name}${inBody ? " (in-body headers: a git am convention, not archive display)" : ""}`,
      () => {
        const info = readInfo(name);
        expect(m.from?.name ?? "").toBe(info.Author);
        expect(m.from?.address ?? "").toBe(info.Email);
        expect(normalizeSubject(m.subject)).toBe(info.Subject);
        const want = parseMailDate(info.Date);
        if (want) expect(m.date.date.toISOString()).toBe(want.toISOString());
      },
    );
  });
  it("compares at least 10 messages fully", () => {
    const full = messages.filter(
      (m) => !(/^\s*(From|Subject|Date):|^\s*\[PATCH/.test(m.body) || /-- >8 --/.test(m.body)),
    );
    expect(full.length).toBeGreaterThanOrEqual(10);
  });
});

describe("git t5100: mboxrd", () => {
  it("unescapes >From lines exactly as git mailsplit --mboxrd", () => {
    const messages = parseMboxFile(dir("sample.mboxrd"));
    expect(messages.length).toBe(2);
    expect(messages[0]!.body.trimEnd()).toBe(readFileSync(dir("0001mboxrd"), "utf8").trimEnd());
    expect(messages[1]!.body.trimEnd()).toBe(readFileSync(dir("0002mboxrd"), "utf8").trimEnd());
  });
});
