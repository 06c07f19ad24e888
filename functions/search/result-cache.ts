import { BoundedCache } from "../lib/bounded-cache";

/**
 * Search answers kept in the isolate, each with the database snapshot it was computed at (db/queries/snapshot.ts):
 * a request for the same search is answered from here only while the snapshot is the same, that is while nothing
 * was written since, so a kept answer is never stale. Pages of a search link that many people follow, paging
 * back, and bots asking again then cost one light statement. 8 MiB, least recently used first.
 */

/** Relative dates (d:2.weeks.ago.., today) mean another range a moment later: such queries are not kept. */
const RELATIVE_DATE = /\b(?:now|today|yesterday|ago)\b/i;

interface Kept<T> {
  snapshot: string;
  result: T;
  bytes: number;
}

const kept = new BoundedCache<Kept<unknown>>(8 * 1024 * 1024, 512 * 1024, (k) => k.bytes);

/** The key of a search, or null when its answer is not to be kept (see RELATIVE_DATE). */
export function resultKey(query: string | undefined, parts: readonly unknown[]): string | null {
  if (query !== undefined && RELATIVE_DATE.test(query)) return null;
  return JSON.stringify([query ?? null, ...parts]);
}

/** The answer kept for `key` at this snapshot, if any. */
export function keptResult<T>(key: string, snapshot: string): T | undefined {
  const entry = kept.get(key);
  return entry && entry.snapshot === snapshot ? (entry.result as T) : undefined;
}

export function keepResult<T>(key: string, snapshot: string, result: T): void {
  // UTF-16: two bytes a character of the answer as JSON
  kept.set(key, { snapshot, result, bytes: 2 * JSON.stringify(result).length });
}
