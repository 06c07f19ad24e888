import { type MboxEntry, MboxSplitter } from "../mail/mbox";

/**
 * One request to a public-inbox upstream: the messages it received in a time window, as the gzipped mboxrd of a
 * search (`POST {inbox}?q=rt:FROM..TO&x=m`, what lei sends; public-inbox answers x=m only to POST, and a search
 * with no hit with 404 "No results found"). Nothing is stored here: the caller stores a window only once it has
 * arrived whole, so a fault half-way (a truncated gzip, a timeout) leaves the list as it was.
 */

export interface UpstreamSettings {
  /** names Nexus and the operator's contact (UPSTREAM_CONTACT) */
  userAgent: string;
  /** per request, the whole body included */
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** A time window of the upstream's received time (rt:); `to` null: open-ended (everything since `from`). */
export interface SyncWindow {
  from: Date;
  to: Date | null;
}

export type UpstreamErrorCode =
  | "rate_limited"
  | "upstream_unavailable"
  | "http_error"
  | "not_mbox"
  | "bad_gzip"
  | "timeout"
  | "network";

export class UpstreamError extends Error {
  constructor(
    readonly code: UpstreamErrorCode,
    message: string,
    readonly httpStatus?: number,
    /** what the upstream's Retry-After asked for */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "UpstreamError";
  }
}

export type WindowAnswer =
  | { kind: "messages"; entries: MboxEntry[]; bytes: number }
  | { kind: "none" }
  | { kind: "not_modified" }
  /** more than `maxMessages` in the window: the download was stopped, try a smaller window */
  | { kind: "overflow" };

const unixSeconds = (d: Date) => Math.floor(d.getTime() / 1000);

/** public-inbox's received-time range: `rt:` takes Unix seconds, either end may be open; both ends inclusive. */
export function windowQuery(window: SyncWindow): string {
  return `rt:${unixSeconds(window.from)}..${window.to ? unixSeconds(window.to) : ""}`;
}

/** The search URL of an inbox URL (`https://lore.kernel.org/linux-foo/`). */
export function windowUrl(upstream: string, window: SyncWindow): string {
  const base = upstream.endsWith("/") ? upstream : `${upstream}/`;
  return `${base}?q=${encodeURIComponent(windowQuery(window))}&x=m`;
}

/** Retry-After as seconds (delta-seconds or an HTTP date), or undefined. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

function isAbort(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === "TimeoutError" || name === "AbortError";
}

async function excerpt(res: Response): Promise<string> {
  const text = await res.text().catch(() => "");
  return text.replace(/\s+/g, " ").trim().slice(0, 80);
}

export async function fetchWindow(
  upstream: string,
  window: SyncWindow,
  settings: UpstreamSettings,
  options: { maxMessages: number; ifModifiedSince?: Date | null },
): Promise<WindowAnswer> {
  const signal = AbortSignal.timeout(settings.timeoutMs);
  const headers: Record<string, string> = {
    "User-Agent": settings.userAgent,
    Accept: "application/gzip, application/mbox;q=0.5",
  };
  if (options.ifModifiedSince) headers["If-Modified-Since"] = options.ifModifiedSince.toUTCString();
  const timedOut = () =>
    new UpstreamError("timeout", `no whole answer from the upstream within ${settings.timeoutMs} ms`);
  let res: Response;
  try {
    res = await (settings.fetch ?? fetch)(windowUrl(upstream, window), { method: "POST", headers, signal });
  } catch (error) {
    if (isAbort(error)) throw timedOut();
    throw new UpstreamError("network", `upstream unreachable: ${(error as Error).message}`.slice(0, 200));
  }
  const type = (res.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (res.status === 304) {
    await res.body?.cancel();
    return { kind: "not_modified" };
  }
  if (res.status === 404 && type === "text/plain") {
    const text = await excerpt(res);
    if (/^No results found/i.test(text)) return { kind: "none" };
    throw new UpstreamError("http_error", `upstream answered 404: ${text}`, 404);
  }
  if (res.status === 429 || res.status >= 500) {
    const retry = retryAfterSeconds(res.headers.get("retry-after"));
    await res.body?.cancel();
    throw new UpstreamError(
      res.status === 429 ? "rate_limited" : "upstream_unavailable",
      `upstream answered ${res.status}${retry === undefined ? "" : ` (Retry-After ${retry} s)`}`,
      res.status,
      retry,
    );
  }
  if (res.status !== 200) {
    throw new UpstreamError(
      "http_error",
      `upstream answered ${res.status}: ${await excerpt(res)}`,
      res.status,
    );
  }
  if (type !== "application/gzip" && type !== "application/x-gzip") {
    await res.body?.cancel();
    throw new UpstreamError(
      "not_mbox",
      `upstream answered ${type || "no content type"}, not a gzipped mbox (is ${upstream} a public-inbox?)`,
      200,
    );
  }
  return readMbox(res, options.maxMessages, timedOut);
}

/** Decompresses and splits the body as it arrives; the whole window is returned only once the gzip ended well. */
async function readMbox(
  res: Response,
  maxMessages: number,
  timedOut: () => UpstreamError,
): Promise<WindowAnswer> {
  if (!res.body) throw new UpstreamError("bad_gzip", "upstream answered an empty body", 200);
  const body = res.body.getReader();
  const gunzip = new DecompressionStream("gzip");
  const writer = gunzip.writable.getWriter();
  let bytes = 0;
  // The body is fed to the decompressor by hand (not pipeThrough), so a fault on either side (the body's
  // timeout, not gzip, a gzip cut short) is caught here and ends the read below instead of escaping unhandled.
  let pumpError: unknown;
  const pump = (async () => {
    for (let first = true; ; first = false) {
      const { done, value } = await body.read();
      if (done) break;
      if (first && (value[0] !== 0x1f || (value.length > 1 && value[1] !== 0x8b)))
        throw new UpstreamError("not_mbox", "upstream's body is not gzip", 200);
      bytes += value.length;
      await writer.write(value);
    }
    await writer.close();
  })().catch(async (error) => {
    pumpError ??= error;
    await writer.abort(error).catch(() => {});
    await body.cancel().catch(() => {});
  });
  const reader = gunzip.readable.getReader();
  const splitter = new MboxSplitter();
  const entries: MboxEntry[] = [];
  let head = true;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (head && value.length > 0) {
        if (!startsWithFrom(value))
          throw new UpstreamError("not_mbox", "upstream's gzip does not hold an mbox", 200);
        head = false;
      }
      for (const entry of splitter.push(value)) entries.push(entry);
      if (entries.length > maxMessages) {
        await stop();
        return { kind: "overflow" };
      }
    }
    await pump;
    if (pumpError) throw pumpError;
  } catch (error) {
    const cause = pumpError ?? error;
    await stop();
    if (cause instanceof UpstreamError) throw cause;
    if (isAbort(cause)) throw timedOut();
    throw new UpstreamError(
      "bad_gzip",
      `upstream's gzip is truncated or corrupt: ${(cause as Error).message}`,
      200,
    );
  }
  for (const entry of splitter.end()) entries.push(entry);
  if (head) throw new UpstreamError("bad_gzip", "upstream's gzip holds nothing", 200);
  return { kind: "messages", entries, bytes };

  async function stop() {
    pumpError ??= new Error("stopped");
    await reader.cancel().catch(() => {});
    await body.cancel().catch(() => {});
    await pump;
  }
}

function startsWithFrom(chunk: Uint8Array): boolean {
  const from = [0x46, 0x72, 0x6f, 0x6d, 0x20]; // "From "
  return from.every((b, i) => i >= chunk.length || chunk[i] === b);
}
