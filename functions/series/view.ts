import type { Db } from "../../db/client";
import { replyTrailers, seriesMessages, seriesVersions } from "../../db/queries/series";
import { iso } from "../api/v1/params";
import { presentAuthor } from "../api/v1/present";
import { countsFromReply, parseTrailerPerson, type TrailerPerson } from "../mail/trailers";

/**
 * A series with all its versions, as the JSON API and the series page show it. Each patch carries a tally of
 * who reviewed, acked and tested it: the trailers in the patch itself plus those its replies give, at any
 * depth (test/worker/series-trailers-b4 holds the tallies to b4's own expected answers); trailers sent in reply
 * to the cover letter apply to the whole version (as b4 applies them) and are tallied on the cover letter. A
 * reply's Reviewed-by, Acked-by, Tested-by or Nacked-by counts only when it names its sender (b4's rule:
 * "Reviewed-by: someone else" is not that person's word); see functions/mail/trailers.ts.
 */

export interface TrailerPersonRef {
  name: string | null;
  email: string | null;
  /** the message the trailer was given in */
  emailId: number;
}

export interface Tally {
  reviewedBy: TrailerPersonRef[];
  ackedBy: TrailerPersonRef[];
  testedBy: TrailerPersonRef[];
  nackedBy: TrailerPersonRef[];
  reportedBy: TrailerPersonRef[];
}

const TALLY_KEY: Record<string, keyof Tally> = {
  "reviewed-by": "reviewedBy",
  "acked-by": "ackedBy",
  "tested-by": "testedBy",
  "nacked-by": "nackedBy",
  "reported-by": "reportedBy",
};

interface MetadataTrailer {
  key?: unknown;
  value?: unknown;
}

function emptyTally(): Tally {
  return { reviewedBy: [], ackedBy: [], testedBy: [], nackedBy: [], reportedBy: [] };
}

function addTrailer(tally: Tally, key: string, found: TrailerPerson, emailId: number) {
  const slot = TALLY_KEY[key.toLowerCase()];
  if (!slot) return;
  const person = { name: found.name, email: found.email?.toLowerCase() || null, emailId };
  // One person counts once per kind, wherever they said it.
  const same = (p: { name: string | null; email: string | null }) =>
    person.email ? p.email === person.email : p.name === person.name;
  if (!tally[slot].some(same)) tally[slot].push(person);
}

/** Every version of the series' lineage with patches, cover letters and tallies, oldest version first. */
export async function seriesWithTallies(db: Db, listId: number, lineageKey: string) {
  const versions = await seriesVersions(db, listId, lineageKey);
  const messages = await seriesMessages(
    db,
    versions.map((v) => v.id),
  );
  const replies = await replyTrailers(
    db,
    listId,
    messages.map((m) => m.messageId),
  );
  const tallies = new Map<string, Tally>();
  for (const m of messages) {
    const tally = emptyTally();
    const own = (m.patchMetadata as { trailers?: MetadataTrailer[] } | null)?.trailers;
    for (const t of Array.isArray(own) ? own : []) {
      if (typeof t.key === "string" && typeof t.value === "string")
        addTrailer(tally, t.key, parseTrailerPerson(t.value), m.id);
    }
    tallies.set(m.messageId, tally);
  }
  for (const r of replies) {
    const tally = tallies.get(r.inReplyTo);
    const person = parseTrailerPerson(r.value);
    if (tally && countsFromReply(r.key, person, r.sender)) addTrailer(tally, r.key, person, r.emailId);
  }

  const data = versions.map((v) => {
    const mine = messages.filter((m) => m.seriesId === v.id);
    const present = (m: (typeof mine)[number]) => ({
      id: m.id,
      messageId: m.messageId,
      subject: m.subject,
      date: iso(m.date)!,
      number: m.number,
      total: m.total,
      author: presentAuthor(m)!,
      trailers: tallies.get(m.messageId)!,
    });
    const cover = mine.find((m) => m.id === v.coverEmailId) ?? null;
    const patches = mine
      .filter((m) => m.id !== v.coverEmailId && m.patchType !== "none")
      .map((m) => {
        const meta = m.patchMetadata as {
          files?: { path?: unknown }[];
          insertions?: unknown;
          deletions?: unknown;
        };
        return {
          ...present(m),
          files: (Array.isArray(meta?.files) ? meta.files : []).map((f) => String(f.path ?? "")),
          insertions: typeof meta?.insertions === "number" ? meta.insertions : null,
          deletions: typeof meta?.deletions === "number" ? meta.deletions : null,
        };
      });
    return {
      id: v.id,
      version: v.version,
      versionLabel: v.versionLabel,
      total: v.total,
      title: v.title,
      author: presentAuthor(v)!,
      firstDate: iso(v.firstDate),
      lastDate: iso(v.lastDate),
      coverLetter: cover && present(cover),
      patches,
    };
  });
  return data;
}
