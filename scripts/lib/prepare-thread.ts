import { once } from "node:events";
import type { Worker } from "node:worker_threads";
import { BlobReaders } from "./mail-sources";
import { type BatchSource, type Prepared, type PrepareReply, prepareSource } from "./prepare-worker";
import { startTsThread } from "./ts-thread";

/**
 * Reading (git blobs) and prepareBatch (parse, compress, hash) on a worker thread, so the importer prepares
 * batch N+1 while the main thread writes batch N. The thread takes about half a second to load its modules:
 * until it says it is ready, batches are prepared here (the main thread has nothing else to do then), so the
 * first write is not delayed.
 */
export class PrepareThread {
  private worker: Worker;
  private ready = false;
  private local = new BlobReaders();
  private next = 0;
  private waiting = new Map<number, { resolve(p: Prepared): void; reject(e: Error): void }>();
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
      else w?.resolve(m);
    });
    const fail = (error: Error) => {
      this.failed ??= error;
      for (const w of this.waiting.values()) w.reject(error);
      this.waiting.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`prepare thread exited (${code})`)));
  }

  prepare(source: BatchSource, now = new Date()): Promise<Prepared> {
    if (this.failed) return Promise.reject(this.failed);
    if (!this.ready) return prepareSource(this.local, source, now);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, source, now: now.getTime() });
    });
  }

  async close(): Promise<void> {
    this.local.close();
    const exited = once(this.worker, "exit");
    this.worker.postMessage("close");
    await exited;
  }
}
