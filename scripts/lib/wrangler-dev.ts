import { type ChildProcess, spawn } from "node:child_process";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");

export interface WranglerDev {
  child: ChildProcess;
  base: string;
  /** Resolves once /api/v1/health/ready answers 200; rejects after `timeoutMs` or if wrangler exits. */
  ready(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs the Worker under `wrangler dev` on 127.0.0.1:port with the given vars. Wrangler gets its own process
 * group, so stop() ends it and the workerd it started (killing only npx/wrangler would orphan workerd).
 */
export function startWranglerDev(options: {
  port: number;
  vars: Record<string, string>;
  testScheduled?: boolean;
  output?: "inherit" | "ignore";
}): WranglerDev {
  const child = spawn(
    join(root, "node_modules/.bin/wrangler"),
    [
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(options.port),
      "--show-interactive-dev-session=false",
      ...(options.testScheduled ? ["--test-scheduled"] : []),
      ...Object.entries(options.vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
    ],
    {
      cwd: root,
      detached: true,
      stdio: ["ignore", options.output ?? "inherit", "inherit"],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    },
  );
  const base = `http://127.0.0.1:${options.port}`;
  let exited = false;
  child.on("exit", () => {
    exited = true;
  });
  return {
    child,
    base,
    async ready(timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        if (exited) throw new Error("wrangler dev exited before it was ready");
        try {
          if ((await fetch(`${base}/api/v1/health/ready`)).status === 200) return;
        } catch {}
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`wrangler dev did not answer ready within ${timeoutMs / 1000} s`);
    },
    async stop() {
      if (!child.pid || exited) return;
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {}
      await new Promise((r) => setTimeout(r, 300));
    },
  };
}
