// Entry of the prepare thread (prepare-thread.ts): registers tsx in this thread, then loads the TypeScript
// worker. A worker thread does not reliably inherit the loader of the runner that started the process.
import { register } from "tsx/esm/api";

register();
await import("./prepare-worker.ts");
