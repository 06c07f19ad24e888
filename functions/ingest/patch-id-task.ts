import { claimPatchesWithoutId, setPatchIds } from "../../db/queries/patch-ids";
import { parseMessage } from "../mail/parse";
import { detectPatch } from "../mail/patch";
import { gunzip } from "./prepare";
import { rowBackfillTask } from "./row-backfill";

/** Patches per batch: each is re-parsed from its original (about 1 ms), one transaction per batch. */
const BATCH = 100;

/**
 * Cron task: fills emails.patch_id for patches stored before the column existed, from their original bytes
 * with the importer's own parse and patch detection, so the id is the one an import would have written.
 */
export const patchIdBackfillTask = rowBackfillTask(async (client) => {
  const claimed = await claimPatchesWithoutId(client, BATCH);
  const ids = await Promise.all(
    claimed.map(async (row) => {
      const parsed = parseMessage(await gunzip(row.raw), { sourceDate: new Date() });
      const patchId = parsed.ok ? detectPatch(parsed.message.body, parsed.message.attachments).patchId : null;
      return { id: row.id, patchId };
    }),
  );
  await setPatchIds(client, ids);
  return claimed.length;
});
