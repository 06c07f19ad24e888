import type { Original } from "../../db/queries/lore";
import { gunzip, gzipWriter } from "../lib/compression";
import { MAX_CACHED_DOWNLOAD } from "./download-cache";
import { mboxrdEntry } from "./mboxrd";

/**
 * A gzipped mboxrd of stored originals, streamed: originals are read a batch at a time, inflated and made mboxrd
 * entries (mboxrd.ts) a few at a time, each few compressed as one piece of the gzip stream (gzipWriter). So a
 * 10,000-message search result is never held whole, and the first bytes leave while the rest is compressed.
 * public-inbox answers `t.mbox` gzipped too, so both thread forms use this.
 * One gzip member, not the stored gzips sent as members of their own: the web's DecompressionStream (browsers,
 * Workers, so a Nexus mirroring a Nexus) rejects anything after the first member.
 * Reads are one after another, none ahead on a second connection: on the embedded database that was slower
 * (bench:lore, largest thread: 31–36 ms against 29–30 ms).
 */

/** Originals per read: most threads in one. */
export const READ_BATCH = 256;
/** Messages per compressed piece. */
const PIECE = 32;

export interface MboxSource {
  /** the originals of the first emailIds, when the query that found them read those too */
  first?: Original[];
  /** reads the originals of the given emails, in the order given (db/queries/lore originalsOf) */
  load: (emailIds: number[]) => Promise<Original[]>;
  /** the file name, from the first original found (none: "no-subject") */
  name: (first: Original) => string;
  /** told when the body is read to its end (or given up): the database must stay open until then */
  hold: (reading: Promise<unknown>) => void;
  /** given the whole compressed body once it was sent, unless it grew past MAX_CACHED_DOWNLOAD (download-cache.ts) */
  keep?: (chunks: Uint8Array[], filename: string) => void;
}

/** A gzipped mboxrd answer. */
export const mboxResponse = (body: ReadableStream<Uint8Array> | Uint8Array, filename: string) =>
  new Response(body, {
    headers: {
      "content-type": "application/gzip",
      "content-disposition": `inline; filename=${filename}.mbox.gz`,
    },
  });

/** The download of `emailIds` (not empty), in that order. */
export async function gzippedMbox(emailIds: number[], source: MboxSource): Promise<Response> {
  // originals read and not yet written, and how many of emailIds have been read
  let pending: Original[] = source.first ?? [];
  let read = pending.length;
  const readMore = async () => {
    pending = await source.load(emailIds.slice(read, read + READ_BATCH));
    read += READ_BATCH;
  };
  if (!source.first) await readMore();
  const filename = pending[0] ? source.name(pending[0]) : "no-subject";
  let finish = () => {};
  source.hold(new Promise<void>((resolve) => (finish = resolve)));
  const gz = gzipWriter();
  let kept: Uint8Array[] | null = source.keep ? [] : null;
  let keptBytes = 0;
  const send = (controller: ReadableStreamDefaultController<Uint8Array>, chunk: Uint8Array) => {
    controller.enqueue(chunk);
    if (!kept) return;
    keptBytes += chunk.byteLength;
    if (keptBytes > MAX_CACHED_DOWNLOAD) kept = null;
    else kept.push(chunk);
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      send(controller, gz.header);
    },
    async pull(controller) {
      try {
        while (pending.length === 0 && read < emailIds.length) await readMore();
        if (pending.length === 0) {
          send(controller, gz.end());
          controller.close();
          if (kept) source.keep?.(kept, filename);
          finish();
          return;
        }
        const piece = pending.slice(0, PIECE);
        pending = pending.slice(PIECE);
        send(controller, gz.piece(Buffer.concat(piece.map((o) => mboxrdEntry(gunzip(o.raw))))));
      } catch (error) {
        finish();
        throw error;
      }
    },
    cancel: () => finish(),
  });
  return mboxResponse(body, filename);
}
