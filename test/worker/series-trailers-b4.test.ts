import { afterAll, beforeAll, describe, expect, it } from "vitest";
import alreadyPresentMbox from "../../../shared/corpus/b4-samples/trailers-followup-already-present.mbox?raw";
import bareAddressMbox from "../../../shared/corpus/b4-samples/trailers-followup-bare-address.mbox?raw";
import bareAddressRef from "../../../shared/corpus/b4-samples/trailers-followup-bare-address-ref-defaults.txt?raw";
import custodyMbox from "../../../shared/corpus/b4-samples/trailers-followup-custody.mbox?raw";
import custodyRef from "../../../shared/corpus/b4-samples/trailers-followup-custody-ref-unordered.txt?raw";
import htmljunkMbox from "../../../shared/corpus/b4-samples/trailers-followup-htmljunk.mbox?raw";
import htmljunkRef from "../../../shared/corpus/b4-samples/trailers-followup-htmljunk-ref-defaults.txt?raw";
import nameParensMbox from "../../../shared/corpus/b4-samples/trailers-followup-name-parens.mbox?raw";
import nameParensRef from "../../../shared/corpus/b4-samples/trailers-followup-name-parens-ref-defaults.txt?raw";
import nonGitPatchMbox from "../../../shared/corpus/b4-samples/trailers-followup-non-git-patch.mbox?raw";
import nonGitPatchRef from "../../../shared/corpus/b4-samples/trailers-followup-non-git-patch-ref-defaults.txt?raw";
import nonGitCommentsMbox from "../../../shared/corpus/b4-samples/trailers-followup-non-git-patch-with-comments.mbox?raw";
import nonGitCommentsRef from "../../../shared/corpus/b4-samples/trailers-followup-non-git-patch-with-comments-ref-defaults.txt?raw";
import noreMbox from "../../../shared/corpus/b4-samples/trailers-followup-nore.mbox?raw";
import noreRef from "../../../shared/corpus/b4-samples/trailers-followup-nore-ref-defaults.txt?raw";
import partialRerollMbox from "../../../shared/corpus/b4-samples/trailers-followup-partial-reroll.mbox?raw";
import partialRerollRef from "../../../shared/corpus/b4-samples/trailers-followup-partial-reroll-ref-defaults.txt?raw";
import singleMbox from "../../../shared/corpus/b4-samples/trailers-followup-single.mbox?raw";
import singleRef from "../../../shared/corpus/b4-samples/trailers-followup-single-ref-defaults.txt?raw";
import strippedLinesMbox from "../../../shared/corpus/b4-samples/trailers-followup-stripped-lines.mbox?raw";
import strippedLinesRef from "../../../shared/corpus/b4-samples/trailers-followup-stripped-lines-ref-defaults.txt?raw";
import withCoverMbox from "../../../shared/corpus/b4-samples/trailers-followup-with-cover.mbox?raw";
import withCoverRef from "../../../shared/corpus/b4-samples/trailers-followup-with-cover-ref-defaults.txt?raw";
import withDiffstatMbox from "../../../shared/corpus/b4-samples/trailers-followup-with-diffstat.mbox?raw";
import withDiffstatRef from "../../../shared/corpus/b4-samples/trailers-followup-with-diffstat-ref-defaults.txt?raw";
import coverFollowupMbox from "../../../shared/corpus/b4-samples/trailers-thread-with-cover-followup.mbox?raw";
import coverFollowupVerify from "../../../shared/corpus/b4-samples/trailers-thread-with-cover-followup.verify?raw";
import followupsMbox from "../../../shared/corpus/b4-samples/trailers-thread-with-followups.mbox?raw";
import followupsVerify from "../../../shared/corpus/b4-samples/trailers-thread-with-followups.verify?raw";
import { ensureList } from "../../functions/ingest/lists";
import { callApp, envWith, workerDatabase } from "../helpers/worker";

/**
 * The series API's trailer tallies against b4's own test fixtures (shared/corpus/b4-samples, from b4's
 * src/tests: test___init__.py test_followup_trailers and test_ez.py test_trailers). Each mbox is imported
 * into its own list over the HTTP ingest route; b4's expected output for it (the patches as `b4 am` or
 * `b4 trailers -u` writes them after collecting follow-up trailers) is parsed here, and for every patch the
 * people b4 adds as Reviewed-by / Acked-by / Tested-by / Nacked-by / Reported-by must be exactly the patch's
 * tally plus the tally of its version's cover letter (b4 applies trailers given on the cover letter to every
 * patch; Nexus keeps them on the cover letter).
 *
 * Judged out of scope (b4's apply workflow, not who reviewed what):
 * - `-ref-noadd`, `-addmysob`, `-copyccs`, `-addlink`, `-addmsgid`, `-ordered` and custody `-ordered`: the
 *   same people as the defaults, with the applier's own Signed-off-by, Cc: from the headers, a Link: or
 *   Message-ID: of the applier's choosing, or another order; `-sloppy` turns off b4's check that a
 *   follow-up trailer names its sender (the defaults, which Nexus follows, drop the mismatched one);
 *   custody `-with-ignored` is a per-user setting that ignores one reviewer.
 * - `trailers-thread-with-followups-no-match` and `-and-tripledash`: `b4 trailers -u` matching trailers to
 *   local git commits whose patch-id changed or whose message holds "---" (the mail is the same as
 *   trailers-thread-with-followups, checked here).
 * - Signed-off-by: `Test Override` is b4's test config signing off as the applier; Signed-off-by is not
 *   tallied at all.
 * Where Nexus departs from b4 (no fixture here has the case): a Reported-by in a reply counts whoever sends
 * it, since it credits someone else by nature; b4 would set it aside as a mismatch.
 */

const bindings = envWith("series_trailers_b4");
const auth = { authorization: `Bearer ${bindings.ADMIN_TOKEN}` };

const KIND: Record<string, string> = {
  "reviewed-by": "reviewedBy",
  "acked-by": "ackedBy",
  "tested-by": "testedBy",
  "nacked-by": "nackedBy",
  "reported-by": "reportedBy",
};
const TRAILER_LINE = /^([A-Za-z-]+):[ \t]+(.+)$/;

/** A person as b4 writes the trailer: "Name <address>" or a bare address. */
function personOf(kind: string, value: string): string {
  const m = /^(.*?)\s*<([^<>]+)>$/.exec(value.trim());
  return m ? `${kind}: ${m[1]} <${m[2]!.toLowerCase()}>` : `${kind}: <${value.trim().toLowerCase()}>`;
}

/** The tallied people among the trailers of a commit message (lines up to the diff or the "---"). */
function talliedTrailers(message: string): string[] {
  const out: string[] = [];
  for (const line of message.split("\n")) {
    if (line === "---" || line.startsWith("diff ") || line.startsWith("--- ")) break;
    const m = TRAILER_LINE.exec(line);
    const kind = m && KIND[m[1]!.toLowerCase()];
    if (kind) out.push(personOf(kind, m[2]!));
  }
  return [...new Set(out)].sort();
}

interface Expected {
  /** Message-ID, or for `.verify` files (git log output) the commit subject */
  key: string;
  people: string[];
}

/** A `-ref-*.txt`: an mbox of the patches b4 would apply. */
function fromAmMbox(text: string): Expected[] {
  return text
    .split(/^From git@z .*\n/m)
    .filter((m) => m.trim())
    .map((m) => {
      const split = m.indexOf("\n\n");
      const id = /^Message-Id: <(.+)>$/im.exec(m.slice(0, split))![1]!;
      return { key: id, people: talliedTrailers(m.slice(split + 2)) };
    });
}

/** A `.verify`: `git log --format=%ae%n%s%n%b---` of the commits `b4 trailers -u` rewrote. */
function fromGitLog(text: string): Expected[] {
  const out: Expected[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length && lines[i]; ) {
    const subject = lines[i + 1]!;
    let end = i + 2;
    while (lines[end] !== "---") end++;
    out.push({ key: subject, people: talliedTrailers(lines.slice(i + 2, end).join("\n")) });
    i = end + 1;
  }
  return out;
}

/**
 * already-present has no expected output: b4's test only checks that the one new trailer (a Tested-by
 * naming someone other than its sender) is a mismatch, so b4 applies the patch as it was sent.
 */
function unchangedFirstMessage(text: string): Expected[] {
  const first = text.split(/^From foo@z .*\n/m).find((m) => m.trim())!;
  const split = first.indexOf("\n\n");
  const id = /^Message-Id: <(.+)>$/im.exec(first.slice(0, split))![1]!;
  return [{ key: id, people: talliedTrailers(first.slice(split + 2)) }];
}

const CASES: [string, string, Expected[]][] = [
  ["thread-with-followups", followupsMbox, fromGitLog(followupsVerify)],
  ["thread-with-cover-followup", coverFollowupMbox, fromGitLog(coverFollowupVerify)],
  ["followup-single", singleMbox, fromAmMbox(singleRef)],
  ["followup-with-cover", withCoverMbox, fromAmMbox(withCoverRef)],
  ["followup-custody", custodyMbox, fromAmMbox(custodyRef)],
  ["followup-partial-reroll", partialRerollMbox, fromAmMbox(partialRerollRef)],
  ["followup-nore", noreMbox, fromAmMbox(noreRef)],
  ["followup-non-git-patch", nonGitPatchMbox, fromAmMbox(nonGitPatchRef)],
  ["followup-non-git-patch-with-comments", nonGitCommentsMbox, fromAmMbox(nonGitCommentsRef)],
  ["followup-with-diffstat", withDiffstatMbox, fromAmMbox(withDiffstatRef)],
  ["followup-name-parens", nameParensMbox, fromAmMbox(nameParensRef)],
  ["followup-bare-address", bareAddressMbox, fromAmMbox(bareAddressRef)],
  ["followup-stripped-lines", strippedLinesMbox, fromAmMbox(strippedLinesRef)],
  ["followup-htmljunk", htmljunkMbox, fromAmMbox(htmljunkRef)],
  ["followup-already-present", alreadyPresentMbox, unchangedFirstMessage(alreadyPresentMbox)],
];

interface Person {
  name: string | null;
  email: string | null;
}
type Tally = Record<string, Person[]>;
interface ApiMessage {
  messageId: string;
  subject: string;
  trailers: Tally;
}
interface ApiVersion {
  version: number;
  coverLetter: ApiMessage | null;
  patches: ApiMessage[];
}

function tallied(tally: Tally | undefined): string[] {
  if (!tally) return [];
  return Object.entries(tally).flatMap(([kind, people]) =>
    people.map((p) => (p.name ? `${kind}: ${p.name} <${p.email}>` : `${kind}: <${p.email}>`)),
  );
}

let db: ReturnType<typeof workerDatabase>;
beforeAll(async () => {
  db = workerDatabase(bindings);
  for (const [slug, mbox] of CASES) {
    await ensureList(db.pool, slug);
    const res = await callApp(`/admin/v1/lists/${slug}/messages`, bindings, {
      method: "POST",
      headers: { ...auth, "content-type": "application/mbox" },
      body: mbox,
    });
    const body = (await res.json()) as { data: { stored: number; received: number } };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.data.stored).toBe(body.data.received);
  }
});
afterAll(() => db.end());

/** Every version of every series of the list, through GET /api/v1/lists/:slug/series/:id. */
async function versionsOf(slug: string): Promise<ApiVersion[]> {
  const ids = await db.pool.query(
    "SELECT s.id FROM patch_series s JOIN mailing_lists l ON l.id = s.mailing_list_id WHERE l.slug = $1 ORDER BY s.id",
    [slug],
  );
  const seen = new Map<string, ApiVersion>();
  for (const { id } of ids.rows) {
    const res = await callApp(`/api/v1/lists/${slug}/series/${id}`, bindings);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { versions: (ApiVersion & { id: number })[] } };
    for (const v of body.data.versions) seen.set(String(v.id), v);
  }
  return [...seen.values()].sort((a, b) => a.version - b.version);
}

describe("series trailer tallies agree with b4's expected output", () => {
  it.each(CASES)("%s", async (slug, _mbox, expected) => {
    expect(expected.length).toBeGreaterThan(0);
    const versions = await versionsOf(slug);
    for (const want of expected) {
      const at = versions.findIndex((v) =>
        v.patches.some((p) => p.messageId === want.key || p.subject.endsWith(`] ${want.key}`)),
      );
      expect(at, `${want.key} is a patch of a series: ${JSON.stringify(versions)}`).toBeGreaterThanOrEqual(0);
      const patch = versions[at]!.patches.find(
        (p) => p.messageId === want.key || p.subject.endsWith(`] ${want.key}`),
      )!;
      // A partial reroll (a v3 of one patch sent in reply to v2) has no cover letter of its own: b4 applies
      // it with the rest of v2, v2's cover letter and its trailers included.
      const cover = versions
        .slice(0, at + 1)
        .reverse()
        .find((v) => v.coverLetter)?.coverLetter;
      const got = [...new Set([...tallied(patch.trailers), ...tallied(cover?.trailers)])].sort();
      expect(got, `${slug} ${want.key}`).toEqual(want.people);
    }
  });
});
