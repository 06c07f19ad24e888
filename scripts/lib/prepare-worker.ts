// Worker thread of PrepareThread (prepare-thread.ts): parses and compresses batches off the main thread.
import { parentPort } from "node:worker_threads";
import type { IngestItem } from "../../functions/ingest/prepare";
import { type PreparedBatch, prepareBatch } from "../../functions/ingest/store";
import { nodeCodec } from "./node-codec";

export interface PrepareRequest {
  id: number;
  items: IngestItem[];
  deletions: Uint8Array[];
  now: number;
}

export type PrepareReply =
  | { ready: true }
  | { id: number; batch: PreparedBatch }
  | { id: number; error: string };

const EMPTY = new Uint8Array(0);
const port = parentPort!;

port.on("message", async (req: PrepareRequest) => {
  let reply: PrepareReply;
  try {
    const batch = await prepareBatch(req.items, {
      deletions: req.deletions,
      now: new Date(req.now),
      codec: nodeCodec,
    });
    // the originals and the bodies go back only inside the encoded columns, whose buffers move without a copy
    for (const m of batch.messages) {
      m.item = { ...m.item, bytes: EMPTY };
      m.parsed = { ...m.parsed, body: "" };
    }
    port.postMessage({ id: req.id, batch } satisfies PrepareReply, [
      batch.columns.bodies.buffer as ArrayBuffer,
      batch.columns.sources.buffer as ArrayBuffer,
    ]);
    return;
  } catch (error) {
    reply = { id: req.id, error: (error as Error).stack ?? String(error) };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true } satisfies PrepareReply);
