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
  everyRouteSecured = false,
): () => OpenApiDocument {
  let cached: OpenApiDocument | undefined;
  router.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description:
      "An access token from POST /api/v1/auth/login (JWT, 15 minutes), a personal API token (nxp_…), " +
      "or for /admin/v1 the opt-in shared ADMIN_TOKEN",
  });
  return () => {
    cached ??= router.getOpenAPI31Document({
      openapi: "3.1.0",
      info: { title, version: "1", description },
      servers: [{ url: server }],
      ...(everyRouteSecured ? { security: [{ bearer: [] }] } : {}),
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
      "Operator endpoints, for the role admin: an admin's access token or admin-scoped API token, or ADMIN_TOKEN.",
      "/admin/v1",
      true,
    );
  const docs = createRouter()
    .get("/api/v1/openapi.json", (c) => c.json(api()))
    .get("/api/docs", async (c) => {
      c.header("content-security-policy", await docsPolicy());
      return c.html(DOCS_PAGE);
    });
  if (admin) docs.get("/admin/v1/openapi.json", (c) => c.json(admin()));
  return docs;
}

let policy: Promise<string> | undefined;

/** The docs page's own policy: its one inline style and script by hash, the OpenAPI document by fetch. */
function docsPolicy(): Promise<string> {
  policy ??= (async () => {
    const hash = async (pattern: RegExp) => {
      const body = pattern.exec(DOCS_PAGE)?.[1] ?? "";
      const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body));
      return `'sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}'`;
    };
    const [style, script] = await Promise.all([
      hash(/<style>([\s\S]*?)<\/style>/),
      hash(/<script>([\s\S]*?)<\/script>/),
    ]);
    return `default-src 'none'; style-src ${style}; script-src ${script}; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'`;
  })();
  return policy;
}
