// npm run docs:screenshots — the README's pictures (docs/*.png): a thread page and a series page of the kgdb
// epoch, from npm start's server (scripts/lib/web-fixture.ts), taken with Debian's chromium (playwright-core).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { escapeMessageId as midPathSegment } from "../functions/publicinbox/message-id-path";
import { startWebFixture } from "./lib/web-fixture";

const docs = resolve(import.meta.dirname, "../docs");
const fixture = await startWebFixture({ hostile: false, log: console.log });
const profile = mkdtempSync(join(tmpdir(), "nexus-chromium-"));
try {
  const [series] = await fixture.query<{ id: string }>(
    `SELECT max(id) AS id FROM patch_series GROUP BY lineage_key HAVING count(*) BETWEEN 2 AND 4
      ORDER BY max(patch_count) DESC, max(id) LIMIT 1`,
  );
  const threads = (await (
    await fetch(`${fixture.base}/api/v1/lists/kgdb-bugreport/threads?hasPatches=true&pageSize=100`)
  ).json()) as { data: { rootMessageId: string; rootEmailId: number | null; messageCount: number }[] };
  const thread =
    threads.data.find((t) => t.rootEmailId !== null && t.messageCount >= 4 && t.messageCount <= 8) ??
    threads.data[0]!;
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
    ],
    viewport: { width: 1000, height: 720 },
  });
  const page = await context.newPage();
  await page.goto(`${fixture.base}/kgdb-bugreport/${midPathSegment(thread.rootMessageId)}/T/`);
  await page.screenshot({ path: join(docs, "thread.png") });
  // a review: quoted levels, the quoted diff, trailers
  const reply = page
    .locator("article.m")
    .filter({ hasText: /^\s*Re:/ })
    .first();
  await page.evaluate("window.scrollTo(0, 0)");
  await reply.evaluate((el) => el.scrollIntoView({ block: "start" }));
  await page.screenshot({ path: join(docs, "thread-review.png") });
  await page.goto(`${fixture.base}/kgdb-bugreport/series/${series!.id}/`);
  await page.screenshot({ path: join(docs, "series.png") });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.setViewportSize({ width: 360, height: 720 });
  await page.goto(`${fixture.base}/kgdb-bugreport/${midPathSegment(thread.rootMessageId)}/T/`);
  await page.screenshot({ path: join(docs, "thread-phone-dark.png") });
  await context.close();
} finally {
  rmSync(profile, { recursive: true, force: true });
  await fixture.stop();
}
