import { sql } from "drizzle-orm";
import type { Db } from "../client";

/**
 * The database's current snapshot as text (xmin:xmax:transactions in progress). Two reads give the same text
 * exactly when no transaction that wrote anything ended between them (a read-only transaction takes no id), so
 * an answer computed at one of them is the answer at the other: what the search result cache validates with.
 */
export async function databaseSnapshot(db: Db): Promise<string> {
  const result = await db.execute<{ snapshot: string }>(sql`SELECT pg_current_snapshot()::text AS snapshot`);
  return result.rows[0]!.snapshot;
}
