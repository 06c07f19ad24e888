// Worker thread of PrepareThread (prepare-thread.ts): reads, parses and compresses batches off the main thread.
import { parentPort } from "node:worker_threads";
import type { IngestItem } from "../../functions/ingest/prepare";
import { type PreparedBatch, prepareBatch } from "../../functions/ingest/store";
import { BlobReaders, type GitBatch, readGitBatch } from "./mail-sources";

/** A batch as messages, or as epoch commits whose blobs the preparing thread reads itself. */
export type BatchSource = { items: IngestItem[]; deletions: Uint8Array[] } | { git: GitBatch };

export interface PrepareRequest {
  id: number;
  source: BatchSource;
  now: number;
}

export interface Prepared {
  batch: PreparedBatch;
  /** milliseconds spent reading blobs from git */
  readMs: number;
}

export type PrepareReply = { ready: true } | ({ id: number } & Prepared) | { id: number; error: string };

/** Reads a source's messages (with `readers` for git blobs), then prepares the batch. */
export async function prepareSource(readers: BlobReaders, source: BatchSource, now: Date): Promise<Prepared> {
  const t0 = performance.now();
  const { items, deletions } = "git" in source ? await readGitBatch(readers, source.git) : source;
  const readMs = performance.now() - t0;
  const batch = await prepareBatch(items, { deletions, now });
  return { batch, readMs };
}

const EMPTY = new Uint8Array(0);
const port = parentPort;
if (port) {
  const readers = new BlobReaders();
  port.on("message", async (req: PrepareRequest | "close") => {
    if (req === "close") {
      readers.close();
      port.close();
      return;
    }
    try {
      const { batch, readMs } = await prepareSource(readers, req.source, new Date(req.now));
      // the originals and the bodies go back only inside the encoded columns, whose buffers move without a copy
      for (const m of batch.messages) {
        m.item = { ...m.item, bytes: EMPTY };
        m.parsed = { ...m.parsed, body: "" };
      }
      port.postMessage({ id: req.id, batch, readMs } satisfies PrepareReply, [
        batch.columns.bodies.buffer as ArrayBuffer,
        batch.columns.sources.buffer as ArrayBuffer,
      ]);
    } catch (error) {
      port.postMessage({ id: req.id, error: (error as Error).stack ?? String(error) } satisfies PrepareReply);
    }
  });
  port.postMessage({ ready: true } satisfies PrepareReply);
}
