import type { Original } from "../../db/queries/lore";
import { gunzip } from "../ingest/prepare";
import { mboxrdEntry } from "./mboxrd";

/**
 * A gzipped mboxrd of stored originals, streamed: each original is inflated, made an mboxrd entry
 * (mboxrd.ts) and fed to the gzip stream in turn, so a long thread or a large search result is never held
 * whole. public-inbox answers `t.mbox` gzipped too, so both thread forms use this.
 * One gzip member, not the stored gzips sent as members of their own: the web's DecompressionStream (browsers,
 * Workers, so a Nexus mirroring a Nexus) rejects anything after the first member.
 */
/** Originals inflated ahead of the stream. */
const INFLATE_AHEAD = 8;

export function gzippedMbox(originals: Original[], filename: string): Response {
  // a few originals are inflated ahead of the one being written, so inflating overlaps compressing
  const ahead: Promise<Uint8Array>[] = [];
  let next = 0;
  const fill = () => {
    while (ahead.length < INFLATE_AHEAD && next < originals.length)
      ahead.push(gunzip(originals[next++]!.raw));
  };
  const entries = new ReadableStream<Uint8Array>({
    async pull(controller) {
      fill();
      const message = ahead.shift();
      if (!message) {
        controller.close();
        return;
      }
      controller.enqueue(mboxrdEntry(await message));
    },
  });
  return new Response(entries.pipeThrough(new CompressionStream("gzip")), {
    headers: {
      "content-type": "application/gzip",
      "content-disposition": `inline; filename=${filename}.mbox.gz`,
    },
  });
}
