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
  if (isConnectionError(err)) {
    return c.json(
      { ...errorBody("database_unavailable", `the database does not answer: ${err.message}`), requestId },
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

/** Driver errors raised before any SQL ran: the WebSocket or the server went away. */
function isConnectionError(err: Error): boolean {
  const code = (err as { code?: string }).code;
  if (code && /^(08|57P0)/.test(code)) return true;
  return /websocket|ECONNREFUSED|Connection terminated|connection timeout|timeout exceeded when trying to connect/i.test(
    err.message,
  );
}
