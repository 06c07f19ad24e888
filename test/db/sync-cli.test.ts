import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { cloneEpoch, KGDB_BUNDLE, publicInboxEnv } from "../../scripts/lib/lore-peers";
import { openTestDatabase } from "../helpers/db";
import { startUpstreamPeer, type UpstreamPeer } from "../helpers/upstream-peer";

// `npm run sync` against a real public-inbox upstream (public-inbox-httpd serving a v2 inbox of the kgdb epoch on
// 127.0.0.1): over git (the epochs cloned as grokmirror does) and over HTTP (the cron's client), each into its
// own database, compared with `npm run import` of the epoch itself.

const SLUG = "kgdb-bugreport";

function run(script: string, args: string[], database: string) {
  const r = spawnSync(process.execPath, ["--import", "tsx", script, ...args], {
    encoding: "utf8",
    env: {
      ...process.env,
      DATABASE_URL: `postgresql://postgres@pglite:5432/${database}`,
      NEXUS_WS_PROXY: inject("bridge"),
      UPSTREAM_CONTACT: "cli-test@example.org",
      UPSTREAM_WINDOW_MESSAGES: "500",
    },
    timeout: 400_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The archive as a reader sees it: every message's Message-ID, original bytes' hash, subject and date. */
async function archive(database: string): Promise<string[]> {
  const db = openTestDatabase(database, 1);
  try {
    const r = await db.pool.query(
      `SELECT e.message_id, s.raw_sha256, e.subject, e.date FROM emails e
       JOIN email_sources s ON s.email_id = e.id JOIN mailing_lists l ON l.id = e.mailing_list_id
       WHERE l.slug = $1 ORDER BY e.message_id`,
      [SLUG],
    );
    return r.rows.map(
      (x: { message_id: string; raw_sha256: string; subject: string; date: Date | null }) =>
        `${x.message_id} ${x.raw_sha256} ${x.date?.toISOString()} ${x.subject}`,
    );
  } finally {
    await db.end();
  }
}

let peer: UpstreamPeer;
const work = mkdtempSync(join(tmpdir(), "nexus-sync-cli-"));
beforeAll(async () => {
  peer = await startUpstreamPeer();
}, 240_000);
afterAll(async () => {
  await peer?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("npm run sync", () => {
  it("refuses bad arguments and lists without an upstream, exiting non-zero with a message", () => {
    const none = run("scripts/sync.ts", [], "sync_cli_args");
    expect(none.code).toBe(2);
    expect(none.err).toContain("usage:");
    const unknown = run("scripts/sync.ts", ["--list", "nope"], "sync_cli_args");
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("follows no upstream");
    const bad = run(
      "scripts/list-add.ts",
      ["--list", SLUG, "--upstream", "ftp://example.org/x/"],
      "sync_cli_args",
    );
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("http(s)");
  }, 120_000);

  it("over git and over HTTP gives the same archive as npm run import of the epoch; then new mail and a deletion", async () => {
    const epoch = join(work, "0.git");
    cloneEpoch(KGDB_BUNDLE, epoch);
    const imported = run("scripts/import.ts", [epoch, "--list", SLUG], "sync_cli_import");
    expect(imported.code, imported.err).toBe(0);
    const reference = await archive("sync_cli_import");
    expect(reference.length).toBeGreaterThan(2000);

    for (const [database, via] of [
      ["sync_cli_git", "git"],
      ["sync_cli_http", "http"],
    ] as const) {
      const added = run("scripts/list-add.ts", ["--list", SLUG, "--upstream", peer.direct], database);
      expect(added.code, added.err).toBe(0);
      expect(added.out).toContain(`follows ${peer.direct}`);
      const synced = run(
        "scripts/sync.ts",
        ["--list", SLUG, "--via", via, "--mirror", join(work, via)],
        database,
      );
      expect(synced.code, `${synced.out}\n${synced.err}`).toBe(0);
      expect(synced.out).toContain(`over ${via}`);
      // progress while it runs: epochs and commits on git, windows on HTTP
      expect(synced.out).toMatch(via === "git" ? /epoch 0: cloning[\s\S]*commits/ : /window .*received/);
      console.log(`sync over ${via}: ${synced.out.trim().split("\n").at(-1)}`);
      expect(await archive(database), `${via} archive`).toEqual(reference);
      const again = run(
        "scripts/sync.ts",
        ["--list", SLUG, "--via", via, "--mirror", join(work, via)],
        database,
      );
      expect(again.code, again.err).toBe(0);
      expect(again.out).toMatch(/stored 0,/);
      expect(again.out).toMatch(/cpu [\d.]+s/);
    }

    // new mail upstream: both paths bring it
    const ids = await peer.deliver(2, "cli");
    for (const [database, via] of [
      ["sync_cli_git", "git"],
      ["sync_cli_http", "http"],
    ] as const) {
      const r = run("scripts/sync.ts", ["--all", "--via", via, "--mirror", join(work, via)], database);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/stored 2,/);
      const ours = (await archive(database)).map((line) => line.split(" ")[0]);
      for (const id of ids) expect(ours).toContain(id);
    }

    // a message public-inbox removes (a v2 `d` commit): the git path removes it; the HTTP path cannot see it
    const victim = reference[0]!.split(" ")[0]!;
    const res = await fetch(`${peer.direct}${encodeURIComponent(victim).replace(/%40/g, "@")}/raw`);
    expect(res.status).toBe(200);
    const raw = Buffer.from(await res.arrayBuffer());
    execFileSync("public-inbox-learn", ["rm", "--all"], {
      input: raw,
      env: { ...publicInboxEnv(join(peer.inbox, ".."), join(peer.inbox, "..", "config")) },
    });
    const git = run(
      "scripts/sync.ts",
      ["--list", SLUG, "--via", "git", "--mirror", join(work, "git")],
      "sync_cli_git",
    );
    expect(git.code, git.err).toBe(0);
    expect(git.out).toMatch(/deleted 1,/);
    expect((await archive("sync_cli_git")).map((l) => l.split(" ")[0])).not.toContain(victim);
    const http = run("scripts/sync.ts", ["--list", SLUG, "--via", "http"], "sync_cli_http");
    expect(http.code, http.err).toBe(0);
    expect((await archive("sync_cli_http")).map((l) => l.split(" ")[0])).toContain(victim);
  }, 900_000);
});
