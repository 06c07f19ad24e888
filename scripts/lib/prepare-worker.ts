// Worker thread of PrepareThread (prepare-thread.ts): parses and compresses batches off the main thread.
import { parentPort } from "node:worker_threads";
import type { IngestItem } from "../../functions/ingest/prepare";
import { prepareBatch } from "../../functions/ingest/store";
import { nodeCodec } from "./node-codec";

export interface PrepareRequest {
  id: number;
  items: IngestItem[];
  deletions: Uint8Array[];
  now: number;
}

const EMPTY = new Uint8Array(0);

parentPort!.on("message", async (req: PrepareRequest) => {
  try {
    const batch = await prepareBatch(req.items, {
      deletions: req.deletions,
      now: new Date(req.now),
      codec: nodeCodec,
    });
    // the originals go back compressed only
    for (const m of batch.messages) m.item = { ...m.item, bytes: EMPTY };
    parentPort!.postMessage({ id: req.id, batch });
  } catch (error) {
    parentPort!.postMessage({ id: req.id, error: (error as Error).stack ?? String(error) });
  }
});
