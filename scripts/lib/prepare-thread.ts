import type { Worker } from "node:worker_threads";
import type { IngestItem } from "../../functions/ingest/prepare";
import type { PreparedBatch } from "../../functions/ingest/store";
import type { PrepareRequest } from "./prepare-worker";
import { startTsThread } from "./ts-thread";

/**
 * prepareBatch (parse, compress, hash) on a worker thread, so the importer parses batch N+1 while the main
 * thread writes batch N (the embedded database runs on the main thread). Requests are answered in order.
 */
export class PrepareThread {
  private worker: Worker;
  private next = 0;
  private waiting = new Map<number, { resolve(b: PreparedBatch): void; reject(e: Error): void }>();
  private failed: Error | null = null;

  constructor() {
    this.worker = startTsThread(new URL("./prepare-worker.ts", import.meta.url));
    this.worker.on("message", (m: { id: number; batch?: PreparedBatch; error?: string }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.error !== undefined) w?.reject(new Error(`prepare thread: ${m.error}`));
      else w?.resolve(m.batch!);
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
