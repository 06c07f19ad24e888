import type { PoolClient } from "@neondatabase/serverless";
import { withTransaction } from "../../db/transaction";
import type { ScheduledTask } from "../cron";

/**
 * A cron task that fills a column for rows stored before it existed: `batch` claims some rows (SKIP LOCKED),
 * computes and writes their values in one transaction and answers how many it took; batches run until none is
 * left or the run's deadline comes.
 */
export function rowBackfillTask(batch: (client: PoolClient) => Promise<number>): ScheduledTask {
  return async ({ db, deadline }) => {
    let rows = 0;
    let batches = 0;
    const started = Date.now();
    for (;;) {
      if (Date.now() >= deadline) return { rows, batches, ms: Date.now() - started, done: false };
      const n = await withTransaction(db.pool, batch);
      if (n === 0) return { rows, batches, ms: Date.now() - started, done: true };
      rows += n;
      batches++;
    }
  };
}
