// The thread of serveEmbedded (embedded-server.ts): opens the embedded database, serves it through the bridge,
// and on "close" closes both and exits.
import { parentPort, workerData } from "node:worker_threads";
import { startBridge } from "./bridge";
import { openEmbedded, publishServer } from "./embedded";

export interface EmbeddedThreadData {
  dir: string;
  publish: boolean;
}

export type EmbeddedThreadReply = { address: string } | { error: string };

const port = parentPort!;
const { dir, publish } = workerData.data as EmbeddedThreadData;
try {
  const embedded = await openEmbedded(dir);
  const bridge = await startBridge({ pglite: async () => embedded.pg });
  const unpublish = publish ? publishServer(bridge.address, dir) : () => {};
  port.once("message", async () => {
    unpublish();
    await bridge.close();
    await embedded.close();
    process.exit(0);
  });
  port.postMessage({ address: bridge.address } satisfies EmbeddedThreadReply);
} catch (error) {
  port.postMessage({ error: (error as Error).message } satisfies EmbeddedThreadReply);
}
