import type { Router } from "../../lib/router";
import { createRouter } from "../../lib/router";
import { DOCS_PAGE } from "./docs-page";

/**
 * The OpenAPI 3.1 documents, generated from the same route definitions (zod schemas) the handlers
 * validate with, and the reference page that renders them. Mounted before the database middleware:
 * documentation needs no database.
 */

type OpenApiDocument = ReturnType<Router["getOpenAPI31Document"]>;

function documentOf(
  router: Router,
  title: string,
  description: string,
  server: string,
): () => OpenApiDocument {
  let cached: OpenApiDocument | undefined;
  return () => {
    cached ??= router.getOpenAPI31Document({
      openapi: "3.1.0",
      info: { title, version: "1", description },
      servers: [{ url: server }],
    });
    return cached;
  };
}

export function createDocsRouter(routers: { api: Router; admin?: Router }) {
  const api = documentOf(
    routers.api,
    "Nexus API",
    "Read access to Linux kernel mailing list archives: lists, threads, messages, authors, patch series, search. " +
      "Lists answer `{ data, meta: { page, pageSize, total } }`; errors `{ error: { code, message } }`.",
    "/api/v1",
  );
  const admin =
    routers.admin &&
    documentOf(
      routers.admin,
      "Nexus admin API",
      "Operator endpoints. Authorization: Bearer <ADMIN_TOKEN>.",
      "/admin/v1",
    );
  const docs = createRouter()
    .get("/api/v1/openapi.json", (c) => c.json(api()))
    .get("/api/docs", (c) => c.html(DOCS_PAGE));
  if (admin) docs.get("/admin/v1/openapi.json", (c) => c.json(admin()));
  return docs;
}
