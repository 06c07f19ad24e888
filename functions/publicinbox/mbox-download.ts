import type { Original } from "../../db/queries/lore";
import { gunzip } from "../ingest/prepare";
import { mboxrdEntry } from "./mboxrd";

/**
 * A gzipped mboxrd of stored originals, streamed: each original is inflated, made an mboxrd entry
 * (mboxrd.ts) and fed to the gzip stream in turn, so a long thread or a large search result is never held
 * whole. public-inbox answers `t.mbox` gzipped too, so both thread forms use this.
 */
export function gzippedMbox(originals: Original[], filename: string): Response {
  let next = 0;
  const entries = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const original = originals[next++];
      if (!original) {
        controller.close();
        return;
      }
      controller.enqueue(mboxrdEntry(await gunzip(original.raw)));
    },
  });
  return new Response(entries.pipeThrough(new CompressionStream("gzip")), {
    headers: {
      "content-type": "application/gzip",
      "content-disposition": `inline; filename=${filename}.mbox.gz`,
    },
  });
}
