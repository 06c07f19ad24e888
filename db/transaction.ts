import type { Pool, PoolClient } from "@neondatabase/serverless";

/**
 * Runs `fn` in one transaction on one client of the pool: COMMIT on success, ROLLBACK on error. `begin` may
 * carry settings for the transaction (`BEGIN; SET LOCAL …`). A client whose ROLLBACK fails is destroyed, not
 * returned to the pool.
 */
export async function withTransaction<T>(
  pool: Pool,
  fn: (client: PoolClient) => Promise<T>,
  begin = "BEGIN",
): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  // A connection lost while the client is checked out is emitted as an 'error' event besides failing the
  // statement in flight; unheard, Node would end the process with it. The statement's error is the report.
  const lost = () => {
    broken = true;
  };
  client.on("error", lost);
  try {
    await client.query(begin);
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.off("error", lost);
    client.release(broken);
  }
}
