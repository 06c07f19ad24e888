import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppBindings } from "../env";
import { ApiError } from "./errors";

/**
 * Every router is made here so all share one validation hook: a request that fails its zod schema becomes a
 * 400 `bad_request` naming the fields, never a 500.
 */
export function createRouter() {
  return new OpenAPIHono<AppBindings>({
    defaultHook: (result) => {
      if (!result.success) {
        const issues = result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
        const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
        throw new ApiError("bad_request", `invalid request: ${summary}`, issues);
      }
    },
  });
}

export type Router = ReturnType<typeof createRouter>;
