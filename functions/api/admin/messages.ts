import type { Context } from "hono";
import type { AppBindings } from "../../env";
import { findList } from "../../ingest/lists";
import type { IngestItem } from "../../ingest/prepare";
import { type IngestOutcome, ingestBatch, reasonClass } from "../../ingest/store";
import { ApiError } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import { splitMbox } from "../../mail/mbox";

/** Largest request body accepted (bytes). */
export const MAX_INGEST_BYTES = 25 * 1024 * 1024;
const BATCH = 200;

/** Read the body with a size bound, whether or not Content-Length is given. */
async function boundedBody(c: Context<AppBindings>): Promise<Uint8Array> {
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > MAX_INGEST_BYTES)
    throw new ApiError("payload_too_large", `body over ${MAX_INGEST_BYTES} bytes`);
  const reader = c.req.raw.body?.getReader();
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_INGEST_BYTES) {
      await reader.cancel();
      throw new ApiError("payload_too_large", `body over ${MAX_INGEST_BYTES} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const ch of chunks) {
    out.set(ch, at);
    at += ch.length;
  }
  return out;
}

/**
 * POST /admin/v1/lists/:slug/messages — import mail over HTTP with the same pipeline as `npm run import`.
 * `message/rfc822`: one message; `application/mbox`: an mbox/mboxrd of many. Answers each message's outcome
 * (stored, duplicate, rejected with a reason).
 */
export const messagesIngestRouter = createRouter().post("/lists/:slug/messages", async (c) => {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "message/rfc822" && type !== "application/mbox") {
    throw new ApiError(
      "unsupported_media_type",
      "send message/rfc822 (one message) or application/mbox (many)",
    );
  }
  const list = await findList(c.var.pool, c.req.param("slug"));
  if (!list) throw new ApiError("not_found", `no list ${c.req.param("slug")}`);
  const body = await boundedBody(c);
  if (body.length === 0) throw new ApiError("bad_request", "empty body");
  const items: IngestItem[] =
    type === "message/rfc822"
      ? [{ bytes: body, sourceDate: new Date() }]
      : [...splitMbox(body)].map((e) => ({ bytes: e.bytes, sourceDate: e.fromLineDate }));
  const outcomes: IngestOutcome[] = [];
  for (let start = 0; start < items.length; start += BATCH) {
    const r = await ingestBatch(c.var.pool, list.id, items.slice(start, start + BATCH));
    for (const o of r.outcomes) outcomes.push({ ...o, index: o.index + start });
  }
  const count = (s: IngestOutcome["status"]) => outcomes.filter((o) => o.status === s).length;
  const rejectedByReason: Record<string, number> = {};
  for (const o of outcomes)
    if (o.status === "rejected") {
      const cls = reasonClass(o.reason ?? "unknown");
      rejectedByReason[cls] = (rejectedByReason[cls] ?? 0) + 1;
    }
  return c.json(
    {
      data: {
        list: list.slug,
        received: items.length,
        stored: count("stored"),
        duplicates: count("duplicate"),
        rejected: count("rejected"),
        rejectedByReason,
        outcomes: outcomes.map((o) => ({
          index: o.index,
          messageId: o.messageId,
          status: o.status,
          ...(o.reason ? { reason: o.reason } : {}),
        })),
      },
    },
    200,
  );
});
