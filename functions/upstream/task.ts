import type { ScheduledTask } from "../cron";
import { upstreamConfig } from "./settings";
import { claimUpstreamList } from "./state";
import { type ListSyncResult, syncClaimedList } from "./sync-list";

/** Leave this much of the run for the tasks after this one and for ending the pool. */
const RESERVE_MS = 1000;

/**
 * Cron task: polls the lists whose upstream is due, one list at a time (so one request at a time to any
 * upstream), each claimed with a lease that outlives the run's deadline, until the deadline.
 */
export const upstreamSyncTask: ScheduledTask = async ({ db, env, deadline }) => {
  const config = upstreamConfig(env);
  const done: number[] = [];
  const lists: ListSyncResult[] = [];
  while (Date.now() + RESERVE_MS < deadline) {
    const leaseSeconds = Math.ceil((deadline - Date.now()) / 1000) + 60;
    const list = await claimUpstreamList(db.pool, { leaseSeconds, exclude: done });
    if (!list) break;
    done.push(list.id);
    lists.push(await syncClaimedList(db.pool, list, { ...config, deadline: deadline - RESERVE_MS }));
  }
  return {
    lists: lists.map((l) => ({
      list: l.list,
      state: l.status.state,
      stored: l.status.lastRun.stored,
      requests: l.status.lastRun.requests,
      ...(l.status.error ? { error: l.status.error.code } : {}),
    })),
  };
};
