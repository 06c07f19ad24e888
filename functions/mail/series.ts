import type { SubjectTags } from "./subject";

/**
 * Patch series: which messages form one posting of a series, and which postings are versions of the same
 * work.
 *
 * - series key: the message id of the series head — the cover letter (0/T) when one is found among the
 *   message's references, else patch 1/T, else the message itself. A head must be a non-reply patch
 *   message from the same sender with the same total and version. A patch without references falls back
 *   to the closest earlier unthreaded head of the same sender, version and total sent within
 *   SAME_SENDER_WINDOW_MS (git send-email without threading).
 * - lineage key (seriesLineageKey): sender address + normalised subject of the series' first patch (the
 *   lowest number above 0; the cover's subject only when no patch is known). Patch subjects survive a
 *   reroll more reliably than cover letters, which v2 often adds or drops.
 */

export interface SeriesCandidate {
  messageId: string;
  authorKey: string;
  tags: SubjectTags;
  normalizedSubject: string;
  date: Date;
  /** reference chain, oldest first */
  chain: string[];
}

export interface SeriesAssignment {
  seriesKey: string;
  version: number;
  versionLabel: string | null;
  number: number | null;
  total: number | null;
  isCover: boolean;
  /** subject of the head, the series title */
  title: string;
}

export const SAME_SENDER_WINDOW_MS = 6 * 3600_000;

export function isSeriesMember(c: SeriesCandidate): boolean {
  return c.tags.isPatch && !c.tags.isReply;
}

/**
 * Can `head` head the series of `m`? Same sender and total, lower number (a cover 0/T or patch 1/T), and the
 * same version — except that an unversioned patch may follow a versioned cover it replies to ("[PATCH
 * net-next v3 0/4]" with "[PATCH 1/4]" replies, as git send-email produces when only the cover was edited).
 */
function canHead(head: SeriesCandidate, m: SeriesCandidate, explicitReference: boolean): boolean {
  if (!isSeriesMember(head) || head.authorKey !== m.authorKey || head.tags.total !== m.tags.total)
    return false;
  if ((head.tags.number ?? 1) >= (m.tags.number ?? 1)) return false;
  if (head.tags.version === m.tags.version) return true;
  return explicitReference && head.tags.number === 0 && m.tags.version === 1;
}

/**
 * The series of a patch message, or null for non-patches and replies. `find` resolves a message id to a
 * known message (this batch or the database); `sameSender` lists known messages of the same sender near
 * the date, for patches sent without references.
 */
export function assignSeries(
  m: SeriesCandidate,
  find: (messageId: string) => SeriesCandidate | undefined,
  sameSender: (m: SeriesCandidate) => SeriesCandidate[] = () => [],
  depth = 0,
): SeriesAssignment | null {
  if (!isSeriesMember(m)) return null;
  let head: SeriesCandidate | undefined;
  if (m.tags.total !== null && m.tags.number !== 0 && depth < 8) {
    // the lowest-numbered qualifying message among the references
    for (const id of m.chain) {
      const c = find(id);
      if (c && canHead(c, m, true) && (!head || (c.tags.number ?? 1) < (head.tags.number ?? 1))) head = c;
    }
    if (!head && m.chain.length === 0) {
      // unthreaded posting: the closest earlier head of this sender within the window
      let best = Number.POSITIVE_INFINITY;
      for (const c of sameSender(m)) {
        if (c.messageId === m.messageId || c.chain.length > 0 || !canHead(c, m, false)) continue;
        const gap = m.date.getTime() - c.date.getTime();
        if (gap < -60_000 || gap > SAME_SENDER_WINDOW_MS) continue; // allow a minute of clock skew
        if (Math.abs(gap) < best) {
          best = Math.abs(gap);
          head = c;
        }
      }
    }
  }
  // a head that is itself a patch (1/T) may belong to a cover: follow it
  const headSeries = head ? assignSeries(head, find, sameSender, depth + 1) : null;
  const key = headSeries?.seriesKey ?? m.messageId;
  const title = headSeries?.title ?? m.normalizedSubject;
  return {
    seriesKey: key,
    version: headSeries?.version ?? m.tags.version,
    versionLabel: headSeries ? headSeries.versionLabel : m.tags.versionLabel,
    number: m.tags.number,
    total: m.tags.total,
    isCover: m.tags.number === 0,
    title,
  };
}

/** The lineage key of a series from its sender and its known members. */
export function seriesLineageKey(
  authorKey: string,
  members: { number: number | null; normalizedSubject: string }[],
): string {
  let best: { number: number | null; normalizedSubject: string } | undefined;
  for (const m of members) {
    const n = m.number ?? 1;
    const b = best ? (best.number ?? 1) : Number.POSITIVE_INFINITY;
    // prefer patches (n > 0) with the lowest number; a cover (0) only when nothing else is known
    const rank = (x: number) => (x === 0 ? Number.MAX_SAFE_INTEGER : x);
    if (!best || rank(n) < rank(b)) best = m;
  }
  return `${authorKey}\n${(best?.normalizedSubject ?? "").toLowerCase()}`;
}
