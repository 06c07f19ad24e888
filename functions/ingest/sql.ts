import type { Pool, PoolClient } from "@neondatabase/serverless";
import { withTransaction } from "../../db/transaction";

/** The ingest code talks SQL through a client of the one Pool (db/client.ts) — never its own connection. */
export type Client = Pick<PoolClient, "query">;

/** Run `fn` in one transaction on one client of the pool; its statements' errors name the statement. */
export function inTransaction<T>(pool: Pool, fn: (client: Client) => Promise<T>): Promise<T> {
  return withTransaction(pool, (client) => fn({ query: annotated(client) } as Client));
}

export async function rows<T>(client: Client, text: string, params: unknown[] = []): Promise<T[]> {
  const r = await client.query(text, params);
  return r.rows as T[];
}

/** Per-statement timings (count, milliseconds) by the statement's first words, while profiling is on. */
export const statementProfile = { enabled: false, times: new Map<string, { count: number; ms: number }>() };

function label(text: string): string {
  return text.replace(/\s+/g, " ").trim().slice(0, 60);
}

/** Errors name the statement that failed (its first words), so a report says where. */
function annotated(client: PoolClient): Client["query"] {
  return (async (text: string, params?: unknown[]) => {
    const t0 = statementProfile.enabled ? performance.now() : 0;
    try {
      return await client.query(text, params);
    } catch (error) {
      const e = error as Error;
      e.message = `${e.message} (in: ${label(text)}…)`;
      throw e;
    } finally {
      if (statementProfile.enabled) {
        const key = label(text);
        const t = statementProfile.times.get(key) ?? { count: 0, ms: 0 };
        t.count++;
        t.ms += performance.now() - t0;
        statementProfile.times.set(key, t);
      }
    }
  }) as unknown as Client["query"];
}
