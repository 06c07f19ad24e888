import { type Bridge, startBridge } from "./bridge";
import { dataDir, openEmbedded, publishServer } from "./embedded";

export interface EmbeddedServer {
  bridge: Bridge;
  dir: string;
  close(): Promise<void>;
}

/**
 * Opens the embedded database folder (only one process may) and serves it through the bridge, publishing the
 * bridge's address so other scripts use it instead of opening the folder. Fails with a clear message when
 * another process has the folder open.
 */
export async function serveEmbedded(dir = dataDir()): Promise<EmbeddedServer> {
  const embedded = await openEmbedded(dir);
  const bridge = await startBridge({ pglite: async () => embedded.pg });
  const unpublish = publishServer(bridge.address, dir);
  return {
    bridge,
    dir,
    close: async () => {
      unpublish();
      await bridge.close();
      await embedded.close();
    },
  };
}
