import { Worker } from "node:worker_threads";

/** Starts a worker thread running the TypeScript module `entry`; it reads `data` as workerData.data. */
export function startTsThread(entry: URL, data?: unknown): Worker {
  return new Worker(new URL("./ts-worker.mjs", import.meta.url), {
    workerData: { entry: entry.href, data },
  });
}
