import type { Worker } from "node:worker_threads";
import type { IngestItem } from "../../functions/ingest/prepare";
import { type PreparedBatch, prepareBatch } from "../../functions/ingest/store";
import { nodeCodec } from "./node-codec";
import type { PrepareReply, PrepareRequest } from "./prepare-worker";
import { startTsThread } from "./ts-thread";

/**
 * prepareBatch (parse, compress, hash) on a worker thread, so the importer parses batch N+1 while the main
 * thread writes batch N. The thread takes about half a second to load its modules: until it says it is ready,
 * batches are prepared here (the main thread has nothing else to do then), so the first write is not delayed.
 */
export class PrepareThread {
  private worker: Worker;
  private ready = false;
  private next = 0;
  private waiting = new Map<number, { resolve(b: PreparedBatch): void; reject(e: Error): void }>();
  private failed: Error | null = null;

  constructor() {
    this.worker = startTsThread(new URL("./prepare-worker.ts", import.meta.url));
    this.worker.on("message", (m: PrepareReply) => {
      if ("ready" in m) {
        this.ready = true;
        return;
      }
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if ("error" in m) w?.reject(new Error(`prepare thread: ${m.error}`));
      else w?.resolve(m.batch);
    });
    const fail = (error: Error) => {
      this.failed ??= error;
      for (const w of this.waiting.values()) w.reject(error);
      this.waiting.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`prepare thread exited (${code})`)));
  }

  prepare(items: IngestItem[], deletions: Uint8Array[] = [], now = new Date()): Promise<PreparedBatch> {
    if (this.failed) return Promise.reject(this.failed);
    if (!this.ready) return prepareBatch(items, { deletions, now, codec: nodeCodec });
    const id = this.next++;
    const request: PrepareRequest = { id, items, deletions, now: now.getTime() };
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
