import { requestId } from "hono/request-id";
import { adminRouter } from "./api/admin";
import { livenessRouter, readinessRouter } from "./api/health";
import { readApiRouter } from "./api/v1";
import { createDocsRouter } from "./api/v1/openapi";
import { createRouter } from "./lib/router";
import { adminAuthMiddleware } from "./middleware/admin-auth";
import { databaseMiddleware } from "./middleware/database";
import { principalMiddleware } from "./middleware/principal";
import { readinessMiddleware } from "./middleware/readiness";
import { corsMiddleware, securityHeadersMiddleware } from "./middleware/security-headers";
import { loreRouter } from "./publicinbox";
import { webRouter } from "./web";
import { accountRouter } from "./web/account";
import { assetsRouter } from "./web/assets";
import { handleErrorWithPages, handleNotFoundWithPages } from "./web/errors";
import { pageSessionMiddleware } from "./web/session";

/** The one app factory: the Worker entry and the tests build the app here. Order of registration matters. */
export function createApp() {
  const app = createRouter();
  app.use("*", requestId());
  app.use("*", securityHeadersMiddleware);
  app.use("*", corsMiddleware);
  // JSON errors, or error pages for a browser's page request (functions/web/errors.ts).
  app.onError(handleErrorWithPages);
  app.notFound(handleNotFoundWithPages);

  app.route("/api/v1/health", livenessRouter);
  app.route("/", createDocsRouter({ api: readApiRouter, admin: adminRouter }));
  app.route("/", assetsRouter); // the stylesheet and script need no database
  app.use("*", databaseMiddleware);
  app.route("/api/v1/health", readinessRouter);
  app.use("*", readinessMiddleware);
  app.use("*", principalMiddleware);
  app.use("*", pageSessionMiddleware); // the pages' user, and their expired session's refresh
  app.use("/admin/v1/*", adminAuthMiddleware);

  // Domain routers: one line each.
  app.route("/api/v1", readApiRouter);
  app.route("/admin/v1", adminRouter);
  // sign-in, notifications and the forms of the pages (functions/web/account.tsx)
  app.route("/", accountRouter);
  // The pages at lore's URLs, for browsers (Accept: text/html); other requests fall through to the next face.
  app.route("/", webRouter);
  // public-inbox's URL layout (/:list/…, /all/…, /:mid/): after the API so /api and /admin keep their paths
  app.route("/", loreRouter);

  return app;
}

export type App = ReturnType<typeof createApp>;
