import type { ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppBindings } from "../env";
import { ApiError, errorBody } from "./errors";

/** Errors leave as `{ error: { code, message } }`; an unexpected exception is a bug (500) and is logged. */
export const handleError: ErrorHandler<AppBindings> = (err, c) => {
  const requestId = c.get("requestId");
  if (err instanceof ApiError) {
    return c.json({ ...errorBody(err.code, err.message, err.details), requestId }, err.status);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const code =
      status === 413
        ? "payload_too_large"
        : status === 401
          ? "unauthorized"
          : status < 500
            ? "bad_request"
            : "internal_error";
    return c.json({ ...errorBody(code, err.message || "bad request"), requestId }, status);
  }
  const cause = driverError(err);
  if (cause.code === QUERY_CANCELED) {
    return c.json(
      {
        ...errorBody(
          "database_timeout",
          "the database took too long for this request and stopped: try a narrower one",
        ),
        requestId,
      },
      504,
    );
  }
  if (isConnectionError(cause)) {
    return c.json(
      { ...errorBody("database_unavailable", `the database does not answer: ${cause.message}`), requestId },
      503,
    );
  }
  console.error(`[${requestId}] unhandled error`, err);
  return c.json({ ...errorBody("internal_error", "internal error"), requestId }, 500);
};

export const handleNotFound: NotFoundHandler<AppBindings> = (c) =>
  c.json(
    {
      ...errorBody("not_found", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`),
      requestId: c.get("requestId"),
    },
    404,
  );

/** The driver's error: Drizzle wraps it (DrizzleQueryError "Failed query: …") as its `cause`. */
function driverError(err: Error): Error & { code?: string } {
  let e: Error & { code?: string } = err;
  while (e.code === undefined && e.cause instanceof Error) e = e.cause;
  return e;
}

/** SQLSTATE 57014: a statement cancelled, here by the request's statement_timeout. */
const QUERY_CANCELED = "57014";

/**
 * The database cannot take the request: the WebSocket or the server went away (class 08, 57P0x: shutdown,
 * restart), the server has no room (class 53: too many connections, out of memory or disk), or no connection
 * came within the connect timeout.
 */
function isConnectionError(err: Error & { code?: string }): boolean {
  const code = err.code;
  if (code && /^(08|57P0|53)/.test(code)) return true;
  return /websocket|ECONNREFUSED|Connection terminated|connection timeout|timeout exceeded when trying to connect/i.test(
    err.message,
  );
}
