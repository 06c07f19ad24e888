import { describe, expect, it } from "vitest";
import { detectPatch } from "../../../functions/mail/patch";
import { countsFromReply, namesSender, parseTrailerPerson } from "../../../functions/mail/trailers";

/** Trailer values as they are written (b4's test fixtures, lore mail), and whose word a reply's trailer is. */

describe("parseTrailerPerson", () => {
  it.each([
    ["Jane Doe <jane@example.com>", "Jane Doe", "jane@example.com"],
    // one person: an unquoted comma stays in the name (b4 trailers-followup-name-parens)
    ["Tester2, Followup <followup-tester2@example.com>", "Tester2, Followup", "followup-tester2@example.com"],
    ['"Doe, Jane" <jane@example.com>', "Doe, Jane", "jane@example.com"],
    ["Followup Reviewer1 (corporate) <r1@example.com>", "Followup Reviewer1 (corporate)", "r1@example.com"],
    ["Followup Tester1 [corporate] <t1@example.com>", "Followup Tester1 [corporate]", "t1@example.com"],
    // HTML mail clients nest a mailto: into the address (b4 trailers-followup-htmljunk)
    [
      "HTML Junker <html-junker@example.com<mailto:html-junker@example.com>>",
      "HTML Junker",
      "html-junker@example.com",
    ],
    ["bare-address@example.org", null, "bare-address@example.org"],
    ["<bare@example.com>", null, "bare@example.com"],
    ["stable@vger.kernel.org # 5.10+", null, "stable@vger.kernel.org"],
    ["Some Name", "Some Name", null],
  ])("%s", (value, name, email) => {
    expect(parseTrailerPerson(value)).toEqual({ name, email });
  });
});

describe("namesSender / countsFromReply", () => {
  const sender = (email: string, ...names: string[]) => ({ email, names });
  it("accepts the sender's address, up to case, a +tag and one subdomain label", () => {
    const p = (email: string) => ({ name: "Someone", email });
    expect(namesSender(p("Jane@Example.com"), sender("jane@example.com"))).toBe(true);
    expect(namesSender(p("jane+kernel@example.com"), sender("jane@example.com"))).toBe(true);
    expect(namesSender(p("jane@linux.intel.com"), sender("jane@intel.com"))).toBe(true);
    expect(namesSender(p("jane@a.b.intel.com"), sender("jane@intel.com"))).toBe(false);
    expect(namesSender(p("joan@example.com"), sender("jane@example.com"))).toBe(false);
  });

  it("accepts a name the sender goes by, also through a list's DMARC rewrite and as Last, First", () => {
    const petr = { name: "Petr Mladek", email: "pmladek@suse.com" };
    expect(namesSender(petr, sender("list@lists.example.org", "Petr Mladek via Kgdb-bugreport"))).toBe(true);
    expect(namesSender(petr, sender("petr@gmail.com", "petr mladek"))).toBe(true);
    expect(namesSender(petr, sender("petr@gmail.com", "Mladek, Petr"))).toBe(true);
    // b4's trailers-followup-single: Mismatched Reviewer <…example.com> sending "Mismatched Reviewer1 <…example.net>"
    const other = { name: "Mismatched Reviewer1", email: "mismatched-reviewer1@example.net" };
    expect(namesSender(other, sender("mismatched-reviewer1@example.com", "Mismatched Reviewer"))).toBe(false);
  });

  it("Reported-by credits someone else and counts; the others must be the sender's own", () => {
    const greg = sender("gregkh@linuxfoundation.org", "Greg Kroah-Hartman");
    const jens = parseTrailerPerson("Jens Remus <jremus@linux.ibm.com>");
    expect(countsFromReply("Reported-by", jens, greg)).toBe(true);
    expect(countsFromReply("Tested-by", jens, greg)).toBe(false);
    // prose that happens to start a line like a trailer (kgdb-bugreport)
    const prose = parseTrailerPerson("since I'd like the record to show your diligence in jumping");
    expect(countsFromReply("Acked-by", prose, sender("daniel.thompson@linaro.org", "Daniel Thompson"))).toBe(
      false,
    );
  });
});

describe("hunk headers", () => {
  it("a plain --- / +++ diff whose hunk header has three @ (b4's fixtures, combined diffs) is a patch", () => {
    const body = [
      "Fix junk.",
      "",
      "Reviewed-by: Original Reviewer <original-reviewer@example.com>",
      "",
      "--- a/b4/junk.py",
      "+++ b/b4/junk.py",
      "@@@ -1,1 +1,1 @@ def junk():",
      "-junk1",
      "+junk2",
      "",
    ].join("\n");
    const info = detectPatch(body);
    expect(info.patchType).toBe("inline");
    expect(info.metadata!.files.map((f) => f.path)).toEqual(["b4/junk.py"]);
    expect(info.metadata!.trailers[0]).toMatchObject({
      name: "Original Reviewer",
      email: "original-reviewer@example.com",
    });
  });
});
