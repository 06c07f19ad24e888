import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { inject } from "vitest";
import { createDatabase } from "../../db/client";
import { createApp } from "../../functions/app";
import type { Env } from "../../functions/env";

/** Where envWith's databases live: in-memory PGlite (worker) or PostgreSQL 15 with pgvector (worker-native). */
export const databaseTarget = inject("databaseTarget");

/** The test bindings with another database (an in-memory PGlite by name, see test/setup/databases.ts). */
export function envWith(database: string, overrides: Partial<Env> = {}): Env {
  return { ...(env as Env), DATABASE_URL: `postgresql://postgres@pglite:5432/${database}`, ...overrides };
}

/** Calls the real app inside the Workers runtime with the given bindings and waits for its waitUntil work. */
export async function callApp(path: string, bindings: Env, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await createApp().fetch(new Request(`http://nexus${path}`, init), bindings, ctx);
  // the body is read before the request's waitUntil work is waited on, as a client reads it while that work
  // runs: a streamed download holds the pool open until its body is read (holdDatabase)
  const body = res.body === null ? null : await res.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/** A pool from inside the Worker runtime, through the same factory, for arranging test state. */
export function workerDatabase(bindings: Env) {
  return createDatabase({ url: bindings.DATABASE_URL!, wsProxy: bindings.NEXUS_WS_PROXY });
}

/** Open WebSocket connections on the bridge. */
export async function bridgeConnections(bindings: Env): Promise<number> {
  const res = await fetch(`http://${bindings.NEXUS_WS_PROXY}/stats`);
  return ((await res.json()) as { open: number }).open;
}
