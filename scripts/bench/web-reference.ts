import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../lib/web-fixture";

/**
 * The reference for `npm run bench:web`: Debian's public-inbox 1.9 serving a v2 inbox of the same epoch on
 * 127.0.0.1 (public-inbox-init -V2, the epoch cloned in as git/0.git, public-inbox-index with Xapian), as
 * lore.kernel.org runs it. A minimal stand-in for the issue-11 peer harness (scripts/lib/lore-peers.ts on the
 * lore branch), which should replace it when both are merged.
 */

export interface Reference {
  base: string;
  stop(): Promise<void>;
}

export async function startPublicInbox(bundle: string, list: string): Promise<Reference> {
  const home = mkdtempSync(join(tmpdir(), "nexus-pi-"));
  const config = join(home, "config");
  const inbox = join(home, list);
  const env = { PATH: process.env.PATH, HOME: home, PI_CONFIG: config, LANG: "C.UTF-8", TZ: "UTC" };
  execFileSync("public-inbox-init", ["-V2", list, inbox, `http://127.0.0.1/${list}`, `${list}@localhost`], {
    env,
    stdio: "ignore",
  });
  rmSync(join(inbox, "git/0.git"), { recursive: true, force: true });
  execFileSync("git", ["clone", "--quiet", "--mirror", bundle, join(inbox, "git/0.git")]);
  execFileSync("public-inbox-index", ["--no-fsync", inbox], { env, stdio: "ignore" });
  writeFileSync(
    config,
    `[publicinbox "${list}"]\n\taddress = ${list}@localhost\n\turl = http://127.0.0.1/${list}\n\tinboxdir = ${inbox}\n`,
  );
  const port = await freePort();
  const child: ChildProcess = spawn("public-inbox-httpd", ["-l", `http://127.0.0.1:${port}`, "-W", "1"], {
    env,
    detached: true,
    stdio: "ignore",
  });
  const base = `http://127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/${list}/`)).status === 200) break;
    } catch {}
    if (Date.now() > until || child.exitCode !== null) throw new Error("public-inbox-httpd did not answer");
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    async stop() {
      if (child.pid && child.exitCode === null) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {}
        await new Promise((r) => setTimeout(r, 500));
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}
