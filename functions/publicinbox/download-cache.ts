/**
 * Thread downloads kept in the isolate, compressed, by list and Message-ID: the same series is fetched again and
 * again (b4 am by each reviewer, CI bots, lei), and its originals need no reading, inflating and compressing
 * again while the thread is unchanged. An entry is served only when the thread's member ids, read fresh by every
 * request (one light statement), are the ones it was made from: a new reply changes them, and stored originals
 * never change under an id. Least recently used entries go first past MAX_BYTES; an isolate has 128 MB.
 */

const MAX_BYTES = 16 * 1024 * 1024;
/** a larger download is not kept: a few giant threads would push out every series */
export const MAX_CACHED_DOWNLOAD = 2 * 1024 * 1024;

export interface CachedDownload {
  emailIds: number[];
  filename: string;
  body: Uint8Array;
}

const entries = new Map<string, CachedDownload>();
let total = 0;

export const downloadKey = (list: string, messageId: string) => `${list}\n${messageId}`;

/** The entry for `key` (now the most recently used), if any: the caller checks its emailIds. */
export function cachedDownload(key: string): CachedDownload | undefined {
  const entry = entries.get(key);
  if (entry) {
    entries.delete(key);
    entries.set(key, entry);
  }
  return entry;
}

/** Keeps a download sent in `chunks`, joined into one body. */
export function keepDownload(
  key: string,
  entry: { emailIds: number[]; filename: string; chunks: Uint8Array[] },
): void {
  forget(key);
  const body = Buffer.concat(entry.chunks);
  if (body.byteLength > MAX_CACHED_DOWNLOAD) return;
  entries.set(key, { emailIds: entry.emailIds, filename: entry.filename, body });
  total += body.byteLength;
  for (const [oldest] of entries) {
    if (total <= MAX_BYTES) break;
    forget(oldest);
  }
}

function forget(key: string): void {
  const entry = entries.get(key);
  if (!entry) return;
  entries.delete(key);
  total -= entry.body.byteLength;
}

export const sameIds = (a: number[], b: number[]) => a.length === b.length && a.every((id, i) => id === b[i]);
