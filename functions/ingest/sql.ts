import type { Pool, PoolClient } from "@neondatabase/serverless";

/** The ingest code talks SQL through a client of the one Pool (db/client.ts) — never its own connection. */
export type Client = Pick<PoolClient, "query">;

/** Run `fn` in one transaction on one client of the pool. */
export async function inTransaction<T>(pool: Pool, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await fn({ query: annotated(client) } as Client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

export async function rows<T>(client: Client, text: string, params: unknown[] = []): Promise<T[]> {
  const r = await client.query(text, params);
  return r.rows as T[];
}

/** Errors name the statement that failed (its first words), so a report says where. */
function annotated(client: PoolClient): Client["query"] {
  return (async (text: string, params?: unknown[]) => {
    try {
      return await client.query(text, params);
    } catch (error) {
      const e = error as Error;
      e.message = `${e.message} (in: ${text.replace(/\s+/g, " ").slice(0, 60)}…)`;
      throw e;
    }
  }) as unknown as Client["query"];
}
