import { BoundedCache } from "../lib/bounded-cache";

/**
 * Thread downloads kept in the isolate, compressed, by list and Message-ID: the same series is fetched again and
 * again (b4 am by each reviewer, CI bots, lei), and its originals need no reading, inflating and compressing
 * again while the thread is unchanged. An entry is served only when the thread's member ids, read fresh by every
 * request (one light statement), are the ones it was made from: a new reply changes them, and stored originals
 * never change under an id. Least recently used entries go first past 16 MiB; an isolate has 128 MB.
 */

/** a larger download is not kept: a few giant threads would push out every series */
export const MAX_CACHED_DOWNLOAD = 2 * 1024 * 1024;

export interface CachedDownload {
  emailIds: number[];
  filename: string;
  body: Uint8Array;
}

const downloads = new BoundedCache<CachedDownload>(
  16 * 1024 * 1024,
  MAX_CACHED_DOWNLOAD,
  (d) => d.body.byteLength,
);

export const downloadKey = (list: string, messageId: string) => `${list}\n${messageId}`;

/** The entry for `key` (now the most recently used), if any: the caller checks its emailIds. */
export const cachedDownload = (key: string): CachedDownload | undefined => downloads.get(key);

/** Keeps a download sent in `chunks`, joined into one body. */
export function keepDownload(
  key: string,
  entry: { emailIds: number[]; filename: string; chunks: Uint8Array[] },
): void {
  downloads.set(key, {
    emailIds: entry.emailIds,
    filename: entry.filename,
    body: Buffer.concat(entry.chunks),
  });
}

export const sameIds = (a: number[], b: number[]) => a.length === b.length && a.every((id, i) => id === b[i]);
