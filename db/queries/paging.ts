import { sql } from "drizzle-orm";

export interface PageWindow {
  limit: number;
  offset: number;
}

/**
 * Each request has its own pool, and every extra connection costs a WebSocket handshake: list queries
 * carry their total as `count(*) OVER ()` in the same statement, and only a page past the end asks again.
 */
export const totalOver = () => sql<number>`count(*) OVER ()`.mapWith(Number);

export async function totalOf(
  rows: { total: number }[],
  window: PageWindow,
  countAll: () => Promise<number>,
): Promise<number> {
  if (rows.length > 0) return rows[0]!.total;
  return window.offset === 0 ? 0 : countAll();
}

/** Drops the per-row `total` column once it has been read. */
export function withoutTotal<T extends { total: number }>(rows: T[]): Omit<T, "total">[] {
  return rows.map(({ total: _total, ...rest }) => rest);
}
