import type { Pool } from "@neondatabase/serverless";
import type { Db } from "../db/client";
import type { AiBinding } from "./embeddings/provider";

/** Bindings of the Worker (wrangler.toml vars and secrets). */
export interface Env {
  /** Postgres URL: a Neon connection string in production (secret); a local server or `pglite` host locally. */
  DATABASE_URL?: string;
  /** Local only: address of the WebSocket bridge (`127.0.0.1:PORT`). Ignored for Neon URLs. */
  NEXUS_WS_PROXY?: string;
  /** Connections per pool (each request and each cron run has its own pool). */
  DB_POOL_MAX?: string;
  /** The longest a request's statement may run (ms) before the server cancels it (504); default 10000. */
  STATEMENT_TIMEOUT_MS?: string;
  /** The longest a request waits for a database connection (ms) before a 503; default 5000. */
  DB_CONNECT_TIMEOUT_MS?: string;
  /**
   * Opt-in shared bearer token for automation on /admin/v1 (secret). People sign in instead: an admin's
   * access token or an admin-scoped API token passes the same check.
   */
  ADMIN_TOKEN?: string;
  /** Key that signs access tokens (secret, 32+ random bytes). Without it nobody can sign in. */
  JWT_SECRET?: string;
  /** The key before the current one, still accepted during a rotation (secret). */
  JWT_SECRET_PREVIOUS?: string;
  /** Origins allowed to call the API from a browser (comma-separated, exact); none when unset. */
  CORS_ORIGINS?: string;
  /** Time budget (ms) of one scheduled run; default 20000. */
  CRON_BUDGET_MS?: string;
  /** How long (ms) an isolate trusts its last readiness check; default 10000 when ready, 1000 when not. */
  READINESS_TTL_MS?: string;
  /** Workers AI (`[ai] binding = "AI"`): the embedding provider. Without it embedding jobs are skipped. */
  AI?: AiBinding;
  /** Operator contact (an address or URL) sent in the User-Agent of every request to an upstream. */
  UPSTREAM_CONTACT?: string;
  /** Per request to an upstream, the whole answer included (ms); default 15000. */
  UPSTREAM_TIMEOUT_MS?: string;
  /** How far before its mark each sync starts again (clock skew, late delivery), seconds; default 3600. */
  UPSTREAM_MARGIN_SECONDS?: string;
  /** A catch-up window with more messages than this is split; default 300. */
  UPSTREAM_WINDOW_MESSAGES?: string;
  /** Embedding model on Workers AI; default @cf/baai/bge-small-en-v1.5 (384 dimensions). */
  EMBEDDING_MODEL?: string;
}

export interface AppBindings {
  Bindings: Env;
  Variables: {
    db: Db;
    pool: Pool;
    /** keeps the request's pool open until `work` settles (a response body that still reads, mbox-download.ts) */
    holdDatabase: (work: Promise<unknown>) => void;
    requestId: string;
    /** who the request's bearer token (or, for a page, the session cookie) names; null when none */
    principal: Principal | null;
    /** the signed-in user of a page request (functions/web/session.ts): the user menu and the forms */
    account?: PageAccount;
  };
}

/** The caller behind a request's bearer token. */
export interface Principal {
  /** null for the shared ADMIN_TOKEN */
  userId: number | null;
  role: "admin" | "user";
  /** session: the pages' cookie (functions/auth/login.ts), accepted only outside /api and /admin */
  via: "access_token" | "api_token" | "admin_token" | "session";
}

/** What the pages show of the signed-in user, and the CSRF token their forms carry. */
export interface PageAccount {
  userId: number;
  email: string;
  displayName: string | null;
  unread: number;
  csrf: string;
}
