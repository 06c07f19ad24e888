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
    client.release(broken);
  }
}
