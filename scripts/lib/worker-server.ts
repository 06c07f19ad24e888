import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { promisify } from "node:util";
import { Log, LogLevel, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

const root = resolve(import.meta.dirname, "../..");

export interface WorkerServer {
  /** http://127.0.0.1:port, known once ready() resolved */
  readonly base: string;
  /** Resolves once /api/v1/health/ready answers 200; rejects after `timeoutMs` or if the runtime fails. */
  ready(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

let bundled: Promise<string> | undefined;

/**
 * The Worker as `wrangler deploy` uploads it (its --dry-run bundle: the same esbuild step and module rules), built
 * once per process into a temporary folder.
 */
function bundle(): Promise<string> {
  bundled ??= (async () => {
    const out = mkdtempSync(join(tmpdir(), "nexus-worker-"));
    process.once("exit", () => rmSync(out, { recursive: true, force: true }));
    await promisify(execFile)(
      join(root, "node_modules/.bin/wrangler"),
      ["deploy", "--dry-run", "--outdir", out],
      {
        cwd: root,
        env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
      },
    );
    return join(out, "index.js");
  })();
  return bundled;
}

/**
 * Runs the Worker in workerd through Miniflare on 127.0.0.1:port (0: a free port, no race with other processes),
 * with wrangler.toml's compatibility settings and vars plus `vars`. Not `wrangler dev`: that puts a proxy Worker
 * for live reload in a second workerd in front of this one, one more HTTP hop per request (health/live p50 3.9 ms
 * against 1.7 ms here), which production does not have. Miniflare's /cdn-cgi/handler/scheduled?cron=… runs the
 * cron handler (as under `wrangler dev`).
 */
export function startWorker(options: {
  port: number;
  vars: Record<string, string>;
  output?: "inherit" | "ignore";
}): WorkerServer {
  let base = "";
  let mf: Miniflare | undefined;
  let stopped = false;
  const started = (async () => {
    const scriptPath = await bundle();
    const { workerOptions } = unstable_getMiniflareWorkerOptions(join(root, "wrangler.toml"));
    const quiet = options.output === "ignore";
    if (stopped) return;
    mf = new Miniflare({
      ...workerOptions,
      name: "nexus",
      modules: true,
      scriptPath,
      modulesRoot: dirname(scriptPath),
      bindings: { ...workerOptions.bindings, ...options.vars },
      host: "127.0.0.1",
      port: options.port,
      cf: false,
      unsafeTriggerHandlers: true,
      log: new Log(quiet ? LogLevel.NONE : LogLevel.WARN),
      ...(quiet
        ? { handleRuntimeStdio: (out: Readable, err: Readable) => (out.resume(), err.resume()) }
        : {}),
    });
    base = (await mf.ready).origin;
  })();
  return {
    get base() {
      return base;
    },
    async ready(timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      await started;
      while (Date.now() < until) {
        try {
          if ((await fetch(`${base}/api/v1/health/ready`)).status === 200) return;
        } catch {}
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`the Worker did not answer ready within ${timeoutMs / 1000} s`);
    },
    async stop() {
      stopped = true;
      await started.catch(() => {});
      await mf?.dispose();
      mf = undefined;
    },
  };
}
