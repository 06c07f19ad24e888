import type { Context } from "hono";

/** `Cache-Control: no-cache` on the request: the client wants an answer made now, not one kept in the isolate. */
export const asksFresh = (c: Context) => /no-cache/i.test(c.req.header("cache-control") ?? "");
