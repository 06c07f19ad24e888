import WebSocket from "ws";
import {
  createDatabase,
  type Database,
  isLocalTarget,
  parseDatabaseUrl,
  parsePoolMax,
} from "../../db/client";
import { type Bridge, startBridge } from "./bridge";
import { EMBEDDED_URL, runningServer } from "./embedded";
import { serveEmbedded } from "./embedded-server";

export interface ScriptDatabase extends Database {
  /** Where the data lives, for messages: the URL's host or the embedded folder. */
  target: string;
}

/**
 * The database for Node scripts and tests, always through db/client.ts:
 * - DATABASE_URL set: that server (a local one through NEXUS_WS_PROXY, or a bridge we start here);
 * - else the embedded PGlite: through the bridge of a running `npm start`, or opened here (on its own thread).
 */
export async function openScriptDatabase(options: { poolMax?: number } = {}): Promise<ScriptDatabase> {
  const poolMax = options.poolMax ?? parsePoolMax(process.env.DB_POOL_MAX);
  const url = process.env.DATABASE_URL || undefined;
  let bridge: Bridge | undefined;
  let closeEmbedded: (() => Promise<void>) | undefined;
  let wsProxy: string | undefined;
  let target: string;

  if (url) {
    target = parseDatabaseUrl(url).host;
    if (isLocalTarget(url)) {
      wsProxy = process.env.NEXUS_WS_PROXY || undefined;
      if (!wsProxy) {
        bridge = await startBridge();
        wsProxy = bridge.address;
      }
    }
  } else {
    target = "embedded";
    wsProxy = runningServer();
    if (!wsProxy) {
      const embedded = await serveEmbedded(undefined, { publish: false });
      closeEmbedded = embedded.close;
      wsProxy = embedded.address;
    }
  }

  const database = createDatabase({
    url: url || EMBEDDED_URL,
    wsProxy,
    poolMax,
    webSocketConstructor: WebSocket,
  });
  return {
    ...database,
    target,
    end: async () => {
      await database.end();
      await bridge?.close();
      await closeEmbedded?.();
    },
  };
}
