import { claimPatchesWithoutId, setPatchIds } from "../../db/queries/patch-ids";
import { withTransaction } from "../../db/transaction";
import type { ScheduledTask } from "../cron";
import { gunzip } from "../lib/compression";
import { parseMessage } from "../mail/parse";
import { detectPatch } from "../mail/patch";

/** Patches per batch: each is re-parsed from its original (about 1 ms), one transaction per batch. */
const BATCH = 100;

/**
 * Cron task: fills emails.patch_id for patches stored before the column existed, from their original bytes
 * with the importer's own parse and patch detection, so the id is the one an import would have written.
 */
export const patchIdBackfillTask: ScheduledTask = async ({ db, deadline }) => {
  let rows = 0;
  let batches = 0;
  const started = Date.now();
  for (;;) {
    if (Date.now() >= deadline) return { rows, batches, ms: Date.now() - started, done: false };
    const n = await withTransaction(db.pool, async (client) => {
      const claimed = await claimPatchesWithoutId(client, BATCH);
      const ids = await Promise.all(
        claimed.map(async (row) => {
          const parsed = parseMessage(gunzip(row.raw), { sourceDate: new Date() });
          const patchId = parsed.ok
            ? detectPatch(parsed.message.body, parsed.message.attachments).patchId
            : null;
          return { id: row.id, patchId };
        }),
      );
      await setPatchIds(client, ids);
      return claimed.length;
    });
    if (n === 0) return { rows, batches, ms: Date.now() - started, done: true };
    rows += n;
    batches++;
  }
};
