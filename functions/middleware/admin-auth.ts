import { createMiddleware } from "hono/factory";
import type { AppBindings } from "../env";
import { ApiError } from "../lib/errors";

/** /admin/v1 needs the role admin (an admin's access token, an admin-scoped API token, or ADMIN_TOKEN). */
export const adminAuthMiddleware = createMiddleware<AppBindings>(async (c, next) => {
  const who = c.var.principal;
  if (!who) throw new ApiError("unauthorized", "the admin API needs a bearer token of an admin");
  if (who.role !== "admin") throw new ApiError("forbidden", "the admin API is for admins only");
  await next();
});
