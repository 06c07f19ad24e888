import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asServerUser, giveToServerUser } from "./pg-cluster";

/**
 * PgBouncer in transaction mode in front of a server: what Neon's pooled (`-pooler`) URL puts between the Worker
 * and Postgres. Each request's pool opens new client connections, but the pooler hands them server connections
 * that already exist, with their catalog caches warm; straight to the server, every request starts backends of
 * its own (a search's statement planned 7 ms and ran 58 ms in a new backend, 0.9 and 45 in a used one).
 * For benchmarks (Debian: `apt-get install pgbouncer`). `statement_timeout`, a startup parameter of ours that
 * PgBouncer does not pass on, is dropped, as such a pooler does (the README says to set it on the role there).
 */
export interface Pooler {
  /** postgresql://postgres@127.0.0.1:PORT (no database: append one) */
  url: string;
  stop(): void;
}

export function havePooler(): boolean {
  try {
    execFileSync("pgbouncer", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export async function startPooler(options: {
  port: number;
  server: { host: string; port: number };
  /** server connections per database and user */
  poolSize: number;
}): Promise<Pooler> {
  const { port, server } = options;
  // its settings and log, in a folder of its own under the temporary one (reachable by `postgres` when root)
  const dir = mkdtempSync(join(tmpdir(), "nexus-pooler-"));
  writeFileSync(join(dir, "users.txt"), '"postgres" ""\n');
  writeFileSync(
    join(dir, "pgbouncer.ini"),
    [
      "[databases]",
      `* = host=${server.host} port=${server.port}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      "auth_type = trust",
      `auth_file = ${join(dir, "users.txt")}`,
      "pool_mode = transaction",
      `default_pool_size = ${options.poolSize}`,
      "max_client_conn = 10000",
      "ignore_startup_parameters = extra_float_digits,statement_timeout",
      `logfile = ${join(dir, "pgbouncer.log")}`,
      "",
    ].join("\n"),
  );
  // it refuses to run as root: run it as the server's user, as the server is
  for (const f of ["", "users.txt", "pgbouncer.ini"]) giveToServerUser(join(dir, f));
  const [cmd, ...rest] = asServerUser(["pgbouncer", join(dir, "pgbouncer.ini")]);
  const child: ChildProcess = spawn(cmd!, rest, { stdio: "ignore" });
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`pgbouncer exited (${child.exitCode}): see ${dir}/pgbouncer.log`);
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => resolve(true));
      socket.on("error", () => resolve(false));
      socket.on("connect", () => socket.end());
    });
    if (up) break;
    if (Date.now() > deadline)
      throw new Error(`pgbouncer did not listen on ${port}: see ${dir}/pgbouncer.log`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `postgresql://postgres@127.0.0.1:${port}`,
    stop: () => {
      child.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
