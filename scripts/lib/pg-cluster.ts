import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, statSync } from "node:fs";

/**
 * A private PostgreSQL cluster of this machine's server binaries (pgvector is installed for them), in a folder
 * of ours on a port of ours: a server a benchmark may tune and a test may stop without touching the shared one
 * on 5432. Run as root, the server runs as the `postgres` user (it refuses root), so `dir` must be where that
 * user can reach (under the temporary folder, not a checkout in root's home).
 */
export interface Cluster {
  /** postgresql://postgres@127.0.0.1:PORT (no database: append one) */
  url: string;
  port: number;
  /** Starts it again after a stop (a test restarting its database). */
  start(): void;
  /** `fast` ends sessions cleanly; `immediate` is a crash. */
  stop(mode?: "fast" | "immediate"): void;
}

function binDir(): string {
  return execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim();
}

/** A command as the server's user when we are root (the server and PgBouncer refuse to run as root). */
export function asServerUser(args: string[]): string[] {
  return process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--", ...args] : args;
}

/** Makes a path of ours the server user's when we are root, so the commands asServerUser runs can use it. */
export function giveToServerUser(path: string): void {
  if (process.getuid?.() !== 0) return;
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }));
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }));
  if (statSync(path).uid !== uid) chownSync(path, uid, gid);
}

function run(args: string[]) {
  const [cmd, ...rest] = asServerUser(args);
  const r = spawnSync(cmd!, rest, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr || r.stdout}`);
}

export function startCluster(options: {
  dir: string;
  port: number;
  /** postgresql.conf settings, given on the command line (`-c name=value`) */
  settings?: Record<string, string | number>;
}): Cluster {
  const bin = binDir();
  const { dir, port } = options;
  if (!existsSync(`${dir}/PG_VERSION`)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    giveToServerUser(dir);
    run([
      `${bin}/initdb`,
      "-D",
      dir,
      "-U",
      "postgres",
      "--auth=trust",
      "-E",
      "UTF8",
      "--locale=C.UTF-8",
      "--no-sync",
    ]);
  }
  const settings = { listen_addresses: "127.0.0.1", unix_socket_directories: dir, port, ...options.settings };
  const flags = Object.entries(settings)
    .map(([k, v]) => `-c ${k}=${v}`)
    .join(" ");
  const start = () =>
    run([`${bin}/pg_ctl`, "-D", dir, "-l", `${dir}/server.log`, "-o", flags, "-w", "-t", "60", "start"]);
  start();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}`,
    port,
    start,
    stop: (mode = "fast") => run([`${bin}/pg_ctl`, "-D", dir, "-m", mode, "-w", "stop"]),
  };
}
