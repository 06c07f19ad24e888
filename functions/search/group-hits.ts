/**
 * Search answers threads, not loose messages: hits (already in rank order, best first) are grouped by
 * thread, a thread ranks where its best hit ranks, and keeps its few best hits for display.
 */

export interface RankedHit {
  emailId: number;
  threadId: number;
}

export interface ThreadGroup<H extends RankedHit> {
  threadId: number;
  /** The thread's hits, best first, at most `hitsPerThread`. */
  hits: H[];
  /** How many hits the thread had in all. */
  hitCount: number;
}

export function groupByThread<H extends RankedHit>(
  ranked: readonly H[],
  hitsPerThread: number,
): ThreadGroup<H>[] {
  const groups = new Map<number, ThreadGroup<H>>();
  const seen = new Set<number>();
  for (const hit of ranked) {
    // One message appears once (a later duplicate, e.g. from a fallback list, is ignored).
    if (seen.has(hit.emailId)) continue;
    seen.add(hit.emailId);
    let group = groups.get(hit.threadId);
    if (!group) {
      group = { threadId: hit.threadId, hits: [], hitCount: 0 };
      groups.set(hit.threadId, group);
    }
    group.hitCount++;
    if (group.hits.length < hitsPerThread) group.hits.push(hit);
  }
  // Map keeps insertion order: the order in which each thread's best hit appeared.
  return [...groups.values()];
}
