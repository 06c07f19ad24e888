import { neonConfig, Pool } from "@neondatabase/serverless";
import { drizzle, type NeonDatabase } from "drizzle-orm/neon-serverless";
import * as schema from "./schema";

/**
 * The one place that creates database connections. Every code path (HTTP middleware, the cron handler,
 * Node scripts, tests) calls createDatabase() and passes the result down.
 */
export interface DatabaseConfig {
  /** A postgres:// URL. For the embedded PGlite the host is `pglite` (see scripts/lib/embedded.ts). */
  url: string;
  /**
   * Address of our local WebSocket-to-Postgres bridge (`127.0.0.1:PORT`). Only for local targets; with a
   * Neon URL it is ignored and the driver talks to Neon directly.
   */
  wsProxy?: string;
  /** Max connections of this pool (DB_POOL_MAX). */
  poolMax?: number;
  /** Node has no global WebSocket before v22: scripts pass the `ws` package here. */
  webSocketConstructor?: unknown;
  /**
   * The server cancels any statement of this pool's sessions that runs longer (SQLSTATE 57014); sent as the
   * startup parameter `statement_timeout`. None when unset (scripts, cron: their own limits).
   */
  statementTimeoutMs?: number;
  /**
   * How long a query waits for a connection (a free one of this pool, or a new one to the server) before it
   * fails with "timeout exceeded when trying to connect". Waits forever when unset.
   */
  connectTimeoutMs?: number;
}

export type Db = NeonDatabase<typeof schema>;

export interface Database {
  pool: Pool;
  db: Db;
  end(): Promise<void>;
}

export const DEFAULT_POOL_MAX = 5;

/** True when the URL names a server on this machine (or the embedded PGlite), never Neon. */
export function isLocalTarget(url: string): boolean {
  const host = parseDatabaseUrl(url).hostname;
  return (
    host === "pglite" || host === "localhost" || host === "127.0.0.1" || host === "::1" || host === "[::1]"
  );
}

export function parseDatabaseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error("DATABASE_URL is not a URL: expected postgresql://user:password@host/database");
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new Error(`DATABASE_URL must start with postgresql://, got ${parsed.protocol}//`);
  }
  return parsed;
}

export function parsePoolMax(value: string | number | undefined): number {
  return parseWholeNumber("DB_POOL_MAX", value, DEFAULT_POOL_MAX, 1, 100);
}

/** A setting that is a whole number within bounds; `fallback` when unset or empty. */
export function parseWholeNumber(
  name: string,
  value: string | number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined || value === "") return fallback;
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function configureDriver(config: DatabaseConfig): void {
  if (config.webSocketConstructor) {
    neonConfig.webSocketConstructor = config.webSocketConstructor as typeof WebSocket;
  }
  if (!isLocalTarget(config.url)) return;
  if (!config.wsProxy) {
    throw new Error(
      `DATABASE_URL points at a local server (${new URL(config.url).hostname}) but no bridge is set: ` +
        "set NEXUS_WS_PROXY to the local bridge address (127.0.0.1:PORT)",
    );
  }
  // The local bridge speaks plain ws:// and answers the startup message itself: no TLS, no pipelining.
  const proxy = config.wsProxy.replace(/^wss?:\/\//, "").replace(/\/+$/, "");
  neonConfig.wsProxy = (host, port) => `${proxy}/v2?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  // Coalescing holds each write back for a setTimeout(0) (≥ 1 ms in Node) to merge it with the next: it
  // saves frames on the way to Neon, but on the local bridge it only adds that wait to every round trip
  // (measured: SELECT 1 1.7 → 0.4 ms, connect 4.1 → 2.4 ms in Node).
  neonConfig.coalesceWrites = false;
}

export function createDatabase(config: DatabaseConfig): Database {
  configureDriver(config);
  const pool = new Pool({
    connectionString: config.url,
    max: config.poolMax ?? DEFAULT_POOL_MAX,
    statement_timeout: config.statementTimeoutMs,
    connectionTimeoutMillis: config.connectTimeoutMs,
  });
  // An idle client's socket error must not crash the process or the isolate.
  pool.on("error", () => {});
  const db = drizzle({ client: pool, schema });
  return { pool, db, end: () => pool.end() };
}
