import type { Pool } from "@neondatabase/serverless";
import type { IngestItem } from "../ingest/prepare";
import { type IngestOutcome, ingestBatch, type WriteOptions } from "../ingest/store";
import { fetchWindow, type SyncWindow, UpstreamError, type UpstreamSettings } from "./fetch-window";
import {
  advanceMark,
  finishUpstreamRun,
  type RunCounts,
  type SyncStatus,
  saveWindowSeconds,
  type UpstreamList,
} from "./state";

/**
 * Brings one list up to date with its upstream: windows of the upstream's received time from the list's mark
 * (less a margin, for clock skew and late delivery) to now, each downloaded whole and then stored through the
 * import pipeline; the mark moves past a window in the transaction that stores its last batch, so it never
 * passes mail that was not stored. A window with more than `maxPerWindow` messages is abandoned and split; the
 * window length adapts so a run fits its deadline. The cron (a few seconds a run) and `npm run sync` (no
 * deadline) both run this.
 */

export interface SyncOptions {
  settings: UpstreamSettings;
  /** stop starting windows once this time (ms) is near */
  deadline: number;
  /** seconds each run starts before the mark */
  marginSeconds: number;
  maxPerWindow: number;
  onWindow?: (window: SyncWindow, counts: RunCounts) => void;
}

export interface ListSyncResult {
  list: string;
  caughtUp: boolean;
  status: SyncStatus;
}

/** Where a list with no mark starts: the upstream's beginning (rt: 0); empty windows grow fast. */
export const ORIGIN = new Date(0);
const FIRST_WINDOW = 30 * 86400;
const MIN_WINDOW = 60;
const MAX_WINDOW = 20 * 365 * 86400;
const BATCH = 100;
/** A run too far behind: more than a day of cron runs at this run's pace. */
const TOO_FAR_RUNS = 288;

function emptyCounts(): RunCounts {
  return { windows: 0, requests: 0, received: 0, stored: 0, duplicates: 0, rejected: 0, bytes: 0, ms: 0 };
}

/** Runs the sync of a claimed list and records its outcome (status, next poll, back-off); never throws for
 * the upstream's faults, which end up in the status. */
export async function syncClaimedList(
  pool: Pool,
  list: UpstreamList,
  options: SyncOptions,
): Promise<ListSyncResult> {
  const started = Date.now();
  const counts = emptyCounts();
  let mark = list.mark;
  let caughtUp = false;
  let error: SyncStatus["error"] = null;
  let retryAfter: number | undefined;
  try {
    ({ mark, caughtUp } = await syncWindows(pool, list, options, counts));
  } catch (e) {
    const at = new Date().toISOString();
    if (e instanceof UpstreamError) {
      error = { code: e.code, message: e.message, ...(e.httpStatus ? { httpStatus: e.httpStatus } : {}), at };
      retryAfter = e.retryAfterSeconds;
    } else {
      error = { code: "sync_failed", message: (e as Error).message.slice(0, 300), at };
    }
    mark = (e as { mark?: Date | null }).mark ?? mark;
  }
  counts.ms = Date.now() - started;
  const now = new Date();
  const failures = error ? list.failures + 1 : 0;
  const status: SyncStatus = {
    state: error ? "error" : caughtUp ? "ok" : "behind",
    lastRunAt: now.toISOString(),
    lastSuccessAt: error ? (list.status?.lastSuccessAt ?? null) : now.toISOString(),
    caughtUp,
    mark: mark?.toISOString() ?? null,
    error,
    lastRun: counts,
  };
  let nextAt: Date;
  if (error) {
    // back off: what Retry-After asks, else the poll interval doubled per error in a row (at most 6 hours)
    const backoff = retryAfter ?? Math.min(list.pollSeconds * 2 ** (failures - 1), 6 * 3600);
    nextAt = new Date(now.getTime() + backoff * 1000);
  } else if (caughtUp) {
    nextAt = new Date(now.getTime() + list.pollSeconds * 1000);
  } else {
    nextAt = now; // still catching up: the next run goes on
    const backlog = Math.round((now.getTime() - (mark ?? ORIGIN).getTime()) / 1000);
    const covered = mark ? (mark.getTime() - (list.mark ?? ORIGIN).getTime()) / 1000 : 0;
    status.backlogSeconds = backlog;
    if (covered <= 0 || backlog / covered > TOO_FAR_RUNS) {
      status.hint = `${Math.round(backlog / 86400)} days behind the upstream, too far for the cron: catch up with \`npm run sync -- --list ${list.slug}\``;
    }
  }
  await finishUpstreamRun(pool, list.id, { status, nextAt, failures });
  return { list: list.slug, caughtUp, status };
}

async function syncWindows(
  pool: Pool,
  list: UpstreamList,
  options: SyncOptions,
  counts: RunCounts,
): Promise<{ mark: Date | null; caughtUp: boolean }> {
  let mark = list.mark;
  let from = mark ? new Date(mark.getTime() - options.marginSeconds * 1000) : ORIGIN;
  let span = list.windowSeconds ?? FIRST_WINDOW;
  let lastWindowMs = 0;
  while (Date.now() + Math.max(lastWindowMs * 1.5, 1000) < options.deadline) {
    const requestAt = new Date();
    const end = from.getTime() + span * 1000;
    // a window reaching into the margin before now is left open, so nothing that arrives meanwhile is cut off
    const open = end >= requestAt.getTime() - options.marginSeconds * 1000;
    const window: SyncWindow = { from, to: open ? null : new Date(end) };
    const t0 = Date.now();
    counts.requests++;
    let answer: Awaited<ReturnType<typeof fetchWindow>>;
    try {
      answer = await fetchWindow(list.upstreamUrl, window, options.settings, {
        maxMessages: span <= MIN_WINDOW ? Number.POSITIVE_INFINITY : options.maxPerWindow,
        // the open window of a list that synced before: a cache in front of the upstream may answer 304
        ifModifiedSince: open && list.status?.lastSuccessAt ? new Date(list.status.lastSuccessAt) : null,
      });
    } catch (error) {
      // a window too slow to arrive in time is asked for in quarters next time
      if (error instanceof UpstreamError && error.code === "timeout" && span > MIN_WINDOW)
        await saveWindowSeconds(pool, list.id, Math.max(MIN_WINDOW, Math.floor(span / 4)));
      throw Object.assign(error as Error, { mark });
    }
    if (answer.kind === "overflow") {
      span = Math.max(MIN_WINDOW, Math.floor(span / 4));
      await saveWindowSeconds(pool, list.id, span);
      lastWindowMs = Date.now() - t0;
      continue;
    }
    const entries = answer.kind === "messages" ? answer.entries : [];
    counts.bytes += answer.kind === "messages" ? answer.bytes : 0;
    counts.received += entries.length;
    const nextSpan = entries.length < options.maxPerWindow / 4 ? Math.min(MAX_WINDOW, span * 2) : span;
    const newMark = open ? requestAt : window.to!;
    await storeWindow(pool, list.id, entries, counts, async (client) =>
      advanceMark(client, list.id, newMark, nextSpan),
    );
    counts.windows++;
    mark = newMark;
    span = nextSpan;
    lastWindowMs = Date.now() - t0;
    options.onWindow?.(window, counts);
    if (open) return { mark, caughtUp: true };
    from = newMark;
  }
  return { mark, caughtUp: false };
}

/** Stores a window's messages in batches; the last batch's transaction also moves the mark. */
async function storeWindow(
  pool: Pool,
  listId: number,
  entries: { bytes: Uint8Array; fromLineDate: Date | null }[],
  counts: RunCounts,
  moveMark: NonNullable<WriteOptions["inTransaction"]>,
): Promise<void> {
  const items: IngestItem[] = entries.map((e) => ({ bytes: e.bytes, sourceDate: e.fromLineDate }));
  if (items.length === 0) {
    await ingestBatch(pool, listId, [], { inTransaction: moveMark });
    return;
  }
  for (let start = 0; start < items.length; start += BATCH) {
    const last = start + BATCH >= items.length;
    const r = await ingestBatch(
      pool,
      listId,
      items.slice(start, start + BATCH),
      last ? { inTransaction: moveMark } : {},
    );
    tally(r.outcomes, counts);
  }
}

function tally(outcomes: IngestOutcome[], counts: RunCounts) {
  for (const o of outcomes) {
    if (o.status === "stored") counts.stored++;
    else if (o.status === "duplicate") counts.duplicates++;
    else if (o.status === "rejected") counts.rejected++;
  }
}
