import { once } from "node:events";
import type { Worker } from "node:worker_threads";
import WebSocket from "ws";
import { createDatabase } from "../../db/client";
import { dataDir, EMBEDDED_URL } from "./embedded";
import type { EmbeddedThreadData, EmbeddedThreadReply } from "./embedded-thread";
import { type EmbeddedVacuumOptions, startEmbeddedVacuum } from "./embedded-vacuum";
import { startTsThread } from "./ts-thread";

export interface EmbeddedServer {
  /** The bridge's `127.0.0.1:PORT`, the value for NEXUS_WS_PROXY. */
  address: string;
  dir: string;
  close(): Promise<void>;
}

/**
 * Opens the embedded database folder (only one process may) and serves it through the bridge, both on a
 * thread of their own: PGlite's work then runs beside the caller's (an import parses, encodes and decodes on
 * the main thread while PGlite executes). With `publish` the bridge's address is published so other scripts
 * use it instead of opening the folder. With `vacuum` it stands in for autovacuum (embedded-vacuum.ts), for
 * servers that live long and take writes. Fails with a clear message when another process has the folder open.
 */
export async function serveEmbedded(
  dir = dataDir(),
  options: { publish?: boolean; vacuum?: EmbeddedVacuumOptions } = {},
): Promise<EmbeddedServer> {
  const data: EmbeddedThreadData = { dir, publish: options.publish ?? true };
  const thread = startTsThread(new URL("./embedded-thread.ts", import.meta.url), data);
  const [ready] = (await once(thread, "message")) as [EmbeddedThreadReply];
  if ("error" in ready) {
    await thread.terminate();
    throw new Error(ready.error);
  }
  if (!options.vacuum) return { address: ready.address, dir, close: () => closeThread(thread) };
  const maintenance = createDatabase({
    url: EMBEDDED_URL,
    wsProxy: ready.address,
    webSocketConstructor: WebSocket,
    poolMax: 1,
  });
  const vacuum = startEmbeddedVacuum(maintenance.pool, options.vacuum);
  return {
    address: ready.address,
    dir,
    close: async () => {
      await vacuum.stop();
      await maintenance.end();
      await closeThread(thread);
    },
  };
}

async function closeThread(thread: Worker): Promise<void> {
  const exited = once(thread, "exit");
  thread.postMessage("close");
  await exited;
}
