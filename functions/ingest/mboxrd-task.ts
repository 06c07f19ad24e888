import { claimUncheckedSources, setMboxrdVerbatim } from "../../db/queries/mboxrd-verbatim";
import { mboxrdVerbatim } from "../publicinbox/mboxrd";
import { gunzip } from "./prepare";
import { rowBackfillTask } from "./row-backfill";

/** Originals per batch: each is inflated and checked (well under 1 ms), one transaction per batch. */
const BATCH = 200;

/**
 * Cron task: fills email_sources.mboxrd_verbatim for originals stored before the column existed, with the
 * importer's own check, so thread and search downloads send them without inflating them.
 */
export const mboxrdBackfillTask = rowBackfillTask(async (client) => {
  const claimed = await claimUncheckedSources(client, BATCH);
  const checked = await Promise.all(
    claimed.map(async (row) => ({ emailId: row.emailId, verbatim: mboxrdVerbatim(await gunzip(row.raw)) })),
  );
  await setMboxrdVerbatim(client, checked);
  return claimed.length;
});
