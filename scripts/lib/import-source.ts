import type { Pool } from "@neondatabase/serverless";
import { ensureList, ensureRepository, markSynced } from "../../functions/ingest/lists";
import type { IngestItem } from "../../functions/ingest/prepare";
import { type BatchResult, type WriteOptions, writeBatch } from "../../functions/ingest/store";
import {
  detectSource,
  epochCommits,
  epochRange,
  type GitBatch,
  maildirFiles,
  maildirItem,
  mboxItems,
} from "./mail-sources";
import { PrepareThread } from "./prepare-thread";
import type { BatchSource } from "./prepare-worker";

export interface ImportSummary {
  read: number;
  imported: number;
  duplicates: number;
  rejected: number;
  deleted: number;
  rejectedReasons: Record<string, number>;
  /** milliseconds per phase (parse runs on its own thread, beside write and thread: phases overlap) */
  times: { read: number; parse: number; write: number; thread: number; total: number };
}

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
    times: { read: 0, parse: 0, write: 0, thread: 0, total: 0 },
  };
  const list = await ensureList(pool, options.slug, options.name);
  const { kind, epochs } = detectSource(options.source);
  const account = (r: BatchResult) => {
    for (const o of r.outcomes) {
      if (o.status === "stored") summary.imported++;
      else if (o.status === "duplicate") summary.duplicates++;
      else if (o.status === "deleted") summary.deleted++;
      else {
        summary.rejected++;
        const reason = o.reason ?? "unknown";
        summary.rejectedReasons[reason] = (summary.rejectedReasons[reason] ?? 0) + 1;
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
  const submit = async (source: BatchSource, write: WriteOptions, after?: () => void) => {
    flushes++;
    const prepared = preparer.prepare(source);
    prepared.catch(() => {}); // handled by the write chain below
    await writing;
    writing = prepared.then(async ({ batch, readMs }) => {
      summary.times.read += readMs;
      account(await writeBatch(pool, list.id, batch, write));
      after?.();
    });
    writing.catch(() => {}); // awaited by the next submit or at the end
  };

  try {
    if (kind === "inbox" || kind === "epoch") {
      for (const epoch of epochs) {
        const repo = await ensureRepository(pool, list.id, epoch.order, epoch.gitDir);
        const { range, count } = epochRange(epoch.gitDir, repo.lastIndexedCommit);
        if (count === 0) continue;
        const total = Math.min(count, limit);
        {
          let batch: GitBatch["commits"] = [];
          let done = 0;
          const flush = async () => {
            if (batch.length === 0) return;
            const last = batch[batch.length - 1]!.sha;
            summary.read += batch.length;
            const commits = batch;
            batch = [];
            // the preparing thread reads the blobs (git cat-file) itself
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
              () => {
                done += commits.length;
                options.onProgress?.(done, total, summary);
              },
            );
          };
          // read time = waiting for git log (here) + git cat-file (where the batch is prepared)
          let waitStart = performance.now();
          for await (const c of epochCommits(epoch.gitDir, range)) {
            summary.times.read += performance.now() - waitStart;
            if (limit <= 0) break;
            limit--;
            batch.push({ ...c, time: c.time.getTime() });
            if (full(batch.length)) await flush();
            waitStart = performance.now();
          }
          await flush();
          await writing;
        }
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
      let items: IngestItem[] = [];
      let done = 0;
      const flush = async () => {
        if (items.length === 0) return;
        const batch = items;
        items = [];
        summary.read += batch.length;
        await submit({ items: batch, deletions: [] }, {}, () => {
          done += batch.length;
          options.onProgress?.(done, total, summary);
        });
      };
      let waitStart = performance.now();
      for await (const item of source) {
        summary.times.read += performance.now() - waitStart;
        if (limit <= 0) break;
        limit--;
        items.push(item);
        if (full(items.length)) await flush();
        waitStart = performance.now();
      }
      await flush();
      await writing;
    }
  } finally {
    await preparer.close();
  }
  await markSynced(pool, list.id);
  summary.times.total = performance.now() - started;
  return summary;
}
