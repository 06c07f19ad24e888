import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import {
  cloneEpoch,
  KGDB_BUNDLE,
  KGDB_LIST,
  referenceInbox,
  type Server,
  startNexus,
  startPublicInboxHttpd,
} from "../../scripts/lib/lore-peers";

/**
 * Global setup of the `peers` project: the kgdb epoch served by public-inbox-httpd (a v2 inbox built with
 * public-inbox-init -V2 and public-inbox-index, cached by the bundle's checksum) and by Nexus under wrangler dev
 * (the epoch imported into an embedded database), both on 127.0.0.1, for tests that compare the two.
 */
declare module "vitest" {
  export interface ProvidedContext {
    /** `bridge`: NEXUS_WS_PROXY of Nexus's embedded database (EMBEDDED_URL), for tests that look inside */
    peers: { nexus: string; publicInbox: string; list: string; gitDir: string; bridge: string };
  }
}

export default async function setup(project: TestProject) {
  const t0 = Date.now();
  const work = mkdtempSync(join(tmpdir(), "nexus-peers-"));
  const gitDir = join(work, "0.git");
  cloneEpoch(KGDB_BUNDLE, gitDir);
  const servers: Server[] = [];
  try {
    // allSettled: when one fails, the other is still waited for, so it is stopped too (never left running)
    const started = await Promise.allSettled([
      startPublicInboxHttpd(referenceInbox(KGDB_BUNDLE, KGDB_LIST), KGDB_LIST),
      startNexus(gitDir, KGDB_LIST),
    ]);
    for (const s of started) if (s.status === "fulfilled") servers.push(s.value);
    const failed = started.find((s) => s.status === "rejected");
    if (failed) throw failed.reason;
    const [publicInbox, nexus] = started.map((s) => (s as PromiseFulfilledResult<Server>).value) as [
      Server,
      Server & { bridge: string },
    ];
    project.provide("peers", {
      nexus: nexus.base,
      publicInbox: publicInbox.base,
      list: KGDB_LIST,
      gitDir,
      bridge: nexus.bridge,
    });
    console.log(`lore peers: public-inbox ${publicInbox.base}, Nexus ${nexus.base} in ${Date.now() - t0} ms`);
  } catch (error) {
    for (const s of servers) await s.stop();
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
  return async () => {
    for (const s of servers) await s.stop();
    rmSync(work, { recursive: true, force: true });
  };
}
