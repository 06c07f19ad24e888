import type { Pool } from "@neondatabase/serverless";
import { ensureList, ensureRepository, markSynced } from "../../functions/ingest/lists";
import { type BatchResult, reasonClass, type WriteOptions, writeBatch } from "../../functions/ingest/store";
import { detectSource, epochCommits, epochRange, maildirFiles, maildirItem, mboxItems } from "./mail-sources";
import { PrepareThread } from "./prepare-thread";
import type { BatchSource } from "./prepare-worker";

export interface ImportSummary {
  read: number;
  imported: number;
  duplicates: number;
  rejected: number;
  deleted: number;
  /** rejections by reason class (the reason up to its first colon) */
  rejectedReasons: Record<string, number>;
  /** each rejected message (the first MAX_LISTED): where in the source, its Message-ID when known, why */
  rejections: Rejection[];
  /** milliseconds per phase (parse runs on its own thread, beside write and thread: phases overlap) */
  times: { read: number; parse: number; write: number; thread: number; total: number };
}

export interface Rejection {
  /** the commit of a public-inbox epoch, the file of a maildir, or "message N" of an mbox */
  where: string;
  messageId: string | null;
  reason: string;
}

/** Rejections listed one by one in the summary; beyond this they are only counted. */
export const MAX_LISTED = 1000;

export interface ImportOptions {
  source: string;
  slug: string;
  name?: string;
  batchSize?: number;
  /** stop after this many commits/messages (for tests: import an epoch in parts) */
  limit?: number;
  /** total is NaN when unknown in advance (an mbox is streamed) */
  onProgress?: (done: number, total: number, summary: ImportSummary) => void;
}

/** Import a public-inbox v2 inbox, one epoch, an mbox or a maildir into a list (created when missing). */
export async function importSource(pool: Pool, options: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 500;
  // The first batches are small so the database starts writing while later ones are still read and parsed:
  // 100, 200, 400, then batchSize.
  let flushes = 0;
  const full = (n: number) => n >= Math.min(batchSize, 100 << Math.min(flushes, 8));
  const summary: ImportSummary = {
    read: 0,
    imported: 0,
    duplicates: 0,
    rejected: 0,
    deleted: 0,
    rejectedReasons: {},
    rejections: [],
    times: { read: 0, parse: 0, write: 0, thread: 0, total: 0 },
  };
  const list = await ensureList(pool, options.slug, options.name);
  const { kind, epochs } = detectSource(options.source);
  const account = (r: BatchResult, where: (index: number) => string) => {
    for (const o of r.outcomes) {
      if (o.status === "stored") summary.imported++;
      else if (o.status === "duplicate") summary.duplicates++;
      else if (o.status === "deleted") summary.deleted++;
      else {
        summary.rejected++;
        const reason = o.reason ?? "unknown";
        const cls = reasonClass(reason);
        summary.rejectedReasons[cls] = (summary.rejectedReasons[cls] ?? 0) + 1;
        if (summary.rejections.length < MAX_LISTED)
          summary.rejections.push({ where: where(o.index), messageId: o.messageId, reason });
      }
    }
    summary.times.parse += r.times.parse;
    summary.times.write += r.times.write;
    summary.times.thread += r.times.thread;
  };
  let limit = options.limit ?? Number.POSITIVE_INFINITY;

  // Pipeline: batch N+1 is read and parsed while batch N is written; writes stay in order, one at a time.
  const preparer = new PrepareThread();
  let writing: Promise<void> = Promise.resolve();
  const submit = async (
    source: BatchSource,
    write: WriteOptions,
    where: (index: number) => string,
    after: () => void,
  ) => {
    flushes++;
    const prepared = preparer.prepare(source);
    prepared.catch(() => {}); // handled by the write chain below
    await writing;
    writing = prepared.then(async ({ batch, readMs }) => {
      summary.times.read += readMs;
      account(await writeBatch(pool, list.id, batch, write), where);
      after();
    });
    writing.catch(() => {}); // awaited by the next submit or at the end
  };
  // Reads `units` (commits or messages) up to the limit, handing them to `flush` in batches; the time spent
  // waiting for the source counts as read time. Returns once every batch is written.
  const drain = async <T>(units: AsyncIterable<T>, flush: (batch: T[]) => Promise<void>) => {
    let batch: T[] = [];
    let waitStart = performance.now();
    for await (const unit of units) {
      summary.times.read += performance.now() - waitStart;
      if (limit <= 0) break;
      limit--;
      batch.push(unit);
      if (full(batch.length)) {
        await flush(batch);
        batch = [];
      }
      waitStart = performance.now();
    }
    if (batch.length > 0) await flush(batch);
    await writing;
  };

  try {
    if (kind === "inbox" || kind === "epoch") {
      for (const epoch of epochs) {
        const repo = await ensureRepository(pool, list.id, epoch.order, epoch.gitDir);
        const { range, count } = epochRange(epoch.gitDir, repo.lastIndexedCommit);
        if (count === 0) continue;
        const total = Math.min(count, limit);
        let done = 0;
        // the preparing thread reads the blobs (git cat-file) itself
        await drain(epochCommits(epoch.gitDir, range), async (commits) => {
          summary.read += commits.length;
          const last = commits[commits.length - 1]!.sha;
          await submit(
            { git: { gitDir: epoch.gitDir, epoch: epoch.order, commits } },
            {
              inTransaction: async (client) => {
                await client.query(
                  "UPDATE mailing_list_repositories SET last_indexed_commit = $1 WHERE id = $2",
                  [last, repo.id],
                );
              },
            },
            // outcome indexes count the commits that add a message (readGitBatch's items)
            (i) => `commit ${commits.filter((c) => c.message)[i]?.sha ?? "?"}`,
            () => {
              done += commits.length;
              options.onProgress?.(done, total, summary);
            },
          );
        });
      }
    } else {
      // a maildir's files are listed first (their number gives the progress total); an mbox is streamed
      const files = kind === "maildir" ? maildirFiles(options.source) : null;
      const total = files ? Math.min(files.length, limit) : Number.NaN;
      const source = files
        ? (async function* () {
            for (const f of files) yield maildirItem(f);
          })()
        : mboxItems(options.source);
      let done = 0;
      await drain(source, async (items) => {
        const offset = summary.read;
        summary.read += items.length;
        const where = files
          ? (i: number) => `file ${files[offset + i] ?? "?"}`
          : (i: number) => `message ${offset + i + 1}`;
        await submit({ items, deletions: [] }, {}, where, () => {
          done += items.length;
          options.onProgress?.(done, total, summary);
        });
      });
    }
  } finally {
    await preparer.close();
  }
  await markSynced(pool, list.id);
  summary.times.total = performance.now() - started;
  return summary;
}
