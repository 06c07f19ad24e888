// Entry of every TypeScript worker thread (ts-thread.ts): registers tsx in this thread, then loads the module
// named in workerData. A worker thread does not reliably inherit the loader of the runner that started it.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
