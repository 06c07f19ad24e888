import { createApp } from "./app";
import { runScheduled } from "./cron";
import type { Env } from "./env";

const app = createApp();

export default {
  fetch: app.fetch,
  scheduled: (controller, env, ctx) => ctx.waitUntil(runScheduled(controller, env)),
} satisfies ExportedHandler<Env>;
