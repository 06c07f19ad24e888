import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { runScheduled, scheduledTasks } from "../../functions/cron";
import worker from "../../functions/index";
import { callApp, envWith } from "../helpers/worker";

describe("the scheduled handler", () => {
  afterEach(() => {
    delete scheduledTasks.boom;
  });

  it("the Worker entry's scheduled export runs the work within the execution context", async () => {
    const ctx = createExecutionContext();
    const bindings = envWith("cron_entry");
    worker.scheduled(createScheduledController({ cron: "*/5 * * * *" }), bindings, ctx);
    await waitOnExecutionContext(ctx);
    // The backfill task recorded its run: the entry really did the work, not just returned.
    const status = await callApp("/admin/v1/search/index/status", bindings, {
      headers: { authorization: `Bearer ${bindings.ADMIN_TOKEN}` },
    });
    expect(status.status).toBe(200);
    expect(JSON.stringify(await status.json())).toMatch(/lastRun/);
  });

  it("reports a failing task and still runs the tasks after it", async () => {
    const order = Object.keys(scheduledTasks);
    // A task that fails first: the real tasks after it must still run.
    const tasks = {
      boom: async () => {
        throw new Error("task exploded");
      },
      ...scheduledTasks,
    };
    for (const key of order) delete scheduledTasks[key];
    Object.assign(scheduledTasks, tasks);
    try {
      const report = await runScheduled(
        { cron: "test" },
        { ...envWith("cron_isolation"), CRON_BUDGET_MS: "20000" },
      );
      expect(report.skipped).toBeUndefined();
      expect(report.tasks.boom).toEqual({ error: "task exploded" });
      for (const name of order) expect(report.tasks[name], name).toBeDefined();
      for (const name of order) expect(report.tasks[name]).not.toHaveProperty("error");
    } finally {
      delete scheduledTasks.boom;
    }
  });

  it("skips its work, saying why, while migrations are pending", async () => {
    const report = await runScheduled({ cron: "test" }, envWith("fresh_cron_pending"));
    expect(report.skipped).toMatch(/migrations not applied/);
    expect(report.tasks).toEqual({});
  });
});
