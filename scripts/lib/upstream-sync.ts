import { join, resolve } from "node:path";
import type { Pool } from "@neondatabase/serverless";
import { upstreamConfig } from "../../functions/upstream/settings";
import {
  claimUpstreamList,
  finishUpstreamRun,
  releaseUpstreamList,
  setMark,
  type UpstreamList,
  upstreamOf,
} from "../../functions/upstream/state";
import { syncClaimedList } from "../../functions/upstream/sync-list";
import { type ImportSummary, importSource } from "./import-source";
import { hasGit, mirrorEpochs, newestCommitTime, servesEpochs } from "./upstream-git";

/**
 * `npm run sync` for one list: the list is claimed as the cron claims it (so a CLI run and a cron run never
 * poll one upstream at once), then caught up over git (the upstream's epochs mirrored and imported, deletions
 * included) when `git` is here and the upstream serves epochs, else over HTTP with the cron's own code and no
 * deadline. Either way the list's mark and sync status end where the cron goes on from.
 */

export type SyncVia = "git" | "http" | "auto";

export interface CliSyncResult {
  list: string;
  via: "git" | "http";
  stored: number;
  deleted: number;
  duplicates: number;
  rejected: number;
  error: string | null;
}

/** The lease a CLI run holds; renewed by nothing: a run longer than this may meet a cron run on the list. */
const CLI_LEASE_SECONDS = 6 * 3600;

export async function syncListFromCli(
  pool: Pool,
  slug: string,
  options: { via: SyncVia; mirrorRoot: string; env: NodeJS.ProcessEnv; log: (line: string) => void },
): Promise<CliSyncResult> {
  const known = await upstreamOf(pool, slug);
  if (!known)
    throw new Error(`list ${slug} follows no upstream: npm run list:add -- --list ${slug} --upstream URL`);
  const list = await claimUpstreamList(pool, { leaseSeconds: CLI_LEASE_SECONDS, slug });
  if (!list)
    throw new Error(`list ${slug} is being synced by another run (until ${known.leaseUntil?.toISOString()})`);
  let via: "git" | "http" = options.via === "auto" ? "http" : options.via;
  if (options.via !== "http" && hasGit() && servesEpochs(list.upstreamUrl)) via = "git";
  else if (options.via === "git") {
    await releaseUpstreamList(pool, list.id);
    throw new Error(
      hasGit() ? `${list.upstreamUrl} serves no git epochs (${list.upstreamUrl}0)` : "git is not installed",
    );
  }
  options.log(`${slug}: syncing from ${list.upstreamUrl} over ${via}`);
  return via === "git" ? syncOverGit(pool, list, options) : syncOverHttp(pool, list, options);
}

async function syncOverHttp(
  pool: Pool,
  list: UpstreamList,
  options: { env: NodeJS.ProcessEnv; log: (line: string) => void },
): Promise<CliSyncResult> {
  const config = upstreamConfig(options.env);
  const started = Date.now();
  const r = await syncClaimedList(pool, list, {
    ...config,
    deadline: Number.POSITIVE_INFINITY,
    onWindow: (w, c) => {
      const secs = (Date.now() - started) / 1000;
      options.log(
        `  window ${w.from.toISOString().slice(0, 19)}Z..${w.to ? `${w.to.toISOString().slice(0, 19)}Z` : "now"}: ` +
          `${c.received} received · ${c.stored} stored · ${c.requests} requests · ${(c.stored / Math.max(secs, 0.001)).toFixed(0)} msgs/s`,
      );
    },
  });
  const c = r.status.lastRun;
  return {
    list: list.slug,
    via: "http",
    stored: c.stored,
    deleted: 0,
    duplicates: c.duplicates,
    rejected: c.rejected,
    error: r.status.error ? `${r.status.error.code}: ${r.status.error.message}` : null,
  };
}

async function syncOverGit(
  pool: Pool,
  list: UpstreamList,
  options: { mirrorRoot: string; log: (line: string) => void },
): Promise<CliSyncResult> {
  const dir = resolve(join(options.mirrorRoot, list.slug));
  const started = Date.now();
  let summary: ImportSummary | null = null;
  let error: string | null = null;
  try {
    const mirrored = mirrorEpochs(list.upstreamUrl, dir, (epoch, action) =>
      options.log(`  epoch ${epoch}: ${action}`),
    );
    if (mirrored.epochs.length === 0) throw new Error(`${list.upstreamUrl} has no epoch 0`);
    let lastLine = 0;
    summary = await importSource(pool, {
      source: dir,
      slug: list.slug,
      onProgress: (done, total, s) => {
        if (Date.now() - lastLine < 2000 && done !== total) return;
        lastLine = Date.now();
        options.log(`  ${done}/${total} commits · ${s.imported} imported · ${s.deleted} deleted`);
      },
    });
    const newest = newestCommitTime(
      dir,
      mirrored.epochs.map((e) => e.epoch),
    );
    if (newest) await setMark(pool, list.id, newest);
  } catch (e) {
    error = (e as Error).message;
  }
  const now = new Date();
  const mark = (await upstreamOf(pool, list.slug))?.mark ?? null;
  await finishUpstreamRun(pool, list.id, {
    status: {
      state: error ? "error" : "ok",
      lastRunAt: now.toISOString(),
      lastSuccessAt: error ? (list.status?.lastSuccessAt ?? null) : now.toISOString(),
      caughtUp: !error,
      mark: mark?.toISOString() ?? null,
      error: error ? { code: "git_failed", message: error.slice(0, 300), at: now.toISOString() } : null,
      lastRun: {
        windows: 0,
        requests: 0,
        received: summary?.read ?? 0,
        stored: summary?.imported ?? 0,
        duplicates: summary?.duplicates ?? 0,
        rejected: summary?.rejected ?? 0,
        bytes: 0,
        ms: Date.now() - started,
      },
    },
    nextAt: new Date(now.getTime() + list.pollSeconds * 1000),
    failures: error ? list.failures + 1 : 0,
  });
  return {
    list: list.slug,
    via: "git",
    stored: summary?.imported ?? 0,
    deleted: summary?.deleted ?? 0,
    duplicates: summary?.duplicates ?? 0,
    rejected: summary?.rejected ?? 0,
    error,
  };
}
