import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";

/**
 * The git path of `npm run sync`: a public-inbox upstream serves each epoch as a git repository at
 * `{inbox}/N` (what grokmirror and `git clone --mirror https://lore.kernel.org/LIST/0` use). The mirror keeps
 * them as `{dir}/git/N.git`, the layout `npm run import` reads, fetching the epochs it has and cloning new ones
 * until the upstream has no next epoch.
 */

export function hasGit(): boolean {
  return spawnSync("git", ["--version"], { stdio: "ignore" }).status === 0;
}

function git(args: string[], timeoutMs = 600_000) {
  return spawnSync("git", args, {
    encoding: "utf8",
    timeout: timeoutMs,
    env: { ...process.env, GIT_TERMINAL_PROMPT: "0" },
  });
}

/** Whether the upstream serves epoch 0 over git. */
export function servesEpochs(upstream: string): boolean {
  return git(["ls-remote", "--heads", `${upstream}0`], 60_000).status === 0;
}

export interface MirrorReport {
  epochs: { epoch: number; action: "cloned" | "fetched" }[];
}

/** Clones or fetches every epoch of the upstream into `{dir}/git/N.git`. */
export function mirrorEpochs(
  upstream: string,
  dir: string,
  onEpoch?: (epoch: number, action: string) => void,
): MirrorReport {
  const report: MirrorReport = { epochs: [] };
  mkdirSync(join(dir, "git"), { recursive: true });
  for (let epoch = 0; ; epoch++) {
    const gitDir = join(dir, "git", `${epoch}.git`);
    const url = `${upstream}${epoch}`;
    if (existsSync(join(gitDir, "HEAD"))) {
      onEpoch?.(epoch, "fetching");
      const r = git(["--git-dir", gitDir, "fetch", "--quiet", "--prune", url, "+refs/*:refs/*"]);
      if (r.status !== 0) throw new Error(`git fetch ${url} failed: ${r.stderr.trim()}`);
      report.epochs.push({ epoch, action: "fetched" });
      continue;
    }
    // a missing next epoch is the end: the upstream answers 404 for it
    if (git(["ls-remote", "--heads", url], 60_000).status !== 0) break;
    onEpoch?.(epoch, "cloning");
    const r = git(["clone", "--quiet", "--mirror", url, gitDir]);
    if (r.status !== 0) throw new Error(`git clone --mirror ${url} failed: ${r.stderr.trim()}`);
    report.epochs.push({ epoch, action: "cloned" });
  }
  return report;
}

/** The newest commit time over the mirror's epochs: public-inbox commits each message at its received time. */
export function newestCommitTime(dir: string, epochs: number[]): Date | null {
  let newest = 0;
  for (const epoch of epochs) {
    const r = git(["--git-dir", join(dir, "git", `${epoch}.git`), "log", "-1", "--format=%ct"]);
    const t = Number(r.stdout.trim());
    if (r.status === 0 && t > newest) newest = t;
  }
  return newest ? new Date(newest * 1000) : null;
}
