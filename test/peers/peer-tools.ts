import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll } from "vitest";
import WebSocket from "ws";
import { createDatabase, type Database } from "../../db/client";
import { EMBEDDED_URL } from "../../scripts/lib/embedded";

/** Helpers for the tests that hold Nexus and public-inbox-httpd side by side. */

export interface Fetched {
  status: number;
  type: string | null;
  body: Buffer;
}

export async function get(url: string, init?: RequestInit): Promise<Fetched> {
  const res = await fetch(url, { redirect: "manual", ...init });
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    body: Buffer.from(await res.arrayBuffer()),
  };
}

/** Runs `work` over the items, `n` at a time. */
export async function eachLimited<T>(items: T[], n: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

export const gunzip = (b: Buffer) => gunzipSync(b);

/**
 * The environment of b4 and lei: Debian's python and perl on a bare PATH, a fresh HOME, no system git config,
 * and git configuration from GIT_CONFIG_* (what `git -c` would pass), so nothing of the machine's user leaks in.
 */
export function toolEnv(config: Record<string, string>): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), "nexus-tool-home-"));
  const all = { "user.name": "Nexus Test", "user.email": "test@example.invalid", ...config };
  const env: NodeJS.ProcessEnv = {
    PATH: "/usr/bin:/bin",
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_DATA_HOME: join(home, ".local/share"),
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_RUNTIME_DIR: join(home, "run"),
    GIT_CONFIG_NOSYSTEM: "1",
    LANG: "C.UTF-8",
    TZ: "UTC",
    GIT_CONFIG_COUNT: String(Object.keys(all).length),
  };
  Object.entries(all).forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

/** b4 pointed at one server's list: its Message-ID, link and search masks. */
export function b4Config(base: string, list: string): Record<string, string> {
  return {
    "b4.midmask": `${base}/${list}/%s`,
    "b4.linkmask": `${base}/${list}/%s`,
    "b4.searchmask": `${base}/${list}/?x=m&t=1&q=%s`,
    // attestation needs DNS (DKIM keys): off, on both sides alike
    "b4.attestation-policy": "off",
  };
}

/** Runs `b4 <command> -o DIR <msgid>` and answers DIR's files (name → bytes). */
export function runB4(args: string[], env: NodeJS.ProcessEnv): Map<string, Buffer> {
  const out = mkdtempSync(join(tmpdir(), "nexus-b4-"));
  execFileSync("b4", [...args.slice(0, 1), "-o", out, ...args.slice(1)], {
    env,
    cwd: out,
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 60_000,
  });
  return new Map(readdirSync(out).map((f) => [f, readFileSync(join(out, f))]));
}

/** A pool on Nexus's embedded database (the peers' `bridge`), for tests that look inside; closed after the file. */
export function nexusDatabase(bridge: string): Database {
  const database = createDatabase({
    url: EMBEDDED_URL,
    wsProxy: bridge,
    webSocketConstructor: WebSocket,
    poolMax: 1,
  });
  afterAll(() => database.end());
  return database;
}
