import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { btree_gin } from "@electric-sql/pglite/contrib/btree_gin";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { vector } from "@electric-sql/pglite-pgvector";

/** The URL every tool uses for the embedded database: host `pglite` tells the bridge to serve PGlite. */
export const EMBEDDED_URL = "postgresql://postgres@pglite:5432/nexus";

export function dataDir(): string {
  return resolve(process.env.NEXUS_DATA_DIR || ".data");
}

/** A PGlite with the extensions Nexus needs. No dataDir = in memory. */
export async function createPglite(options: { dataDir?: string; loadDataDir?: Blob } = {}): Promise<PGlite> {
  const pg = new PGlite({
    dataDir: options.dataDir,
    loadDataDir: options.loadDataDir,
    extensions: { vector, pg_trgm, btree_gin },
  });
  await pg.waitReady;
  // Its pages are in memory: a random read costs about what a sequential one does (1.1, the usual SSD setting).
  // At the default 4 the planner scanned every email's body_ts for a common word instead of using the GIN
  // index (the kgdb epoch x20: 130 -> 76 ms). A session setting: the bridge serves every connection from
  // this one session.
  await pg.exec("SET random_page_cost = 1.1");
  return pg;
}

/** What `npm start` publishes so other processes use its bridge instead of opening the folder. */
interface ServerInfo {
  pid: number;
  bridge: string;
}

const serverFile = (dir: string) => join(dir, "server.json");
const lockFile = (dir: string) => join(dir, "pglite.lock");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The bridge address of a running `npm start` on this data folder, if any. */
export function runningServer(dir = dataDir()): string | undefined {
  try {
    const info = JSON.parse(readFileSync(serverFile(dir), "utf8")) as ServerInfo;
    return alive(info.pid) && info.pid !== process.pid ? info.bridge : undefined;
  } catch {
    return undefined;
  }
}

export function publishServer(bridge: string, dir = dataDir()): () => void {
  writeFileSync(serverFile(dir), JSON.stringify({ pid: process.pid, bridge } satisfies ServerInfo));
  return () => rmSync(serverFile(dir), { force: true });
}

/**
 * Opens the persisted embedded database. Only one process may open a PGlite folder: a lock file with our pid
 * guards it (a stale lock of a dead process is taken over).
 */
export async function openEmbedded(dir = dataDir()): Promise<{ pg: PGlite; close(): Promise<void> }> {
  mkdirSync(dir, { recursive: true });
  const lock = lockFile(dir);
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, "utf8"));
    if (pid && pid !== process.pid && alive(pid)) {
      throw new Error(
        `the embedded database in ${dir} is open in process ${pid}; stop it or set NEXUS_DATA_DIR`,
      );
    }
  }
  writeFileSync(lock, String(process.pid));
  const pg = await createPglite({ dataDir: join(dir, "pglite") });
  return {
    pg,
    close: async () => {
      await pg.close();
      rmSync(lock, { force: true });
    },
  };
}
