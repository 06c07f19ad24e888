import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { escapeMessageId as midPathSegment } from "../../functions/publicinbox/message-id-path";

/**
 * The pages in a real browser: Debian's chromium through playwright-core, against `npm start`'s server with
 * the sample list, the kgdb epoch and hostile mail (test/setup/browser-server.ts). Every page is checked with
 * axe (no serious or critical violation), for console errors, failed requests, CSP violations and dialogs (a
 * script from mail that ran would open one), and is photographed into test-results/screens/.
 */

const web = inject("web");
const SCREENS = join(import.meta.dirname, "../../test-results/screens");
const KGDB = "kgdb-bugreport";

let context: BrowserContext;
let userDataDir: string;
let shot = 0;

interface Watch {
  problems: string[];
}
const watches = new WeakMap<Page, Watch>();

beforeAll(async () => {
  rmSync(SCREENS, { recursive: true, force: true });
  mkdirSync(SCREENS, { recursive: true });
  userDataDir = mkdtempSync(join(tmpdir(), "nexus-chromium-"));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1280, height: 900 },
  });
  // CSP violations reach the page as events; collect them where the test can read them.
  // (strings: this file is compiled without the DOM's types)
  await context.addInitScript(
    "window.__csp = []; document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));",
  );
}, 60_000);

afterAll(async () => {
  await context?.close();
  rmSync(userDataDir, { recursive: true, force: true });
});

async function newPage(): Promise<Page> {
  const page = await context.newPage();
  const watch: Watch = { problems: [] };
  watches.set(page, watch);
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    // Chrome logs a 4xx document as a failed load: the error pages' status is asserted by their tests
    if (
      /^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()) &&
      m.location().url === page.url()
    )
      return;
    watch.problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => watch.problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) =>
    watch.problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`),
  );
  page.on("response", (r) => {
    if (r.request().resourceType() !== "document" && r.status() >= 400) {
      watch.problems.push(`HTTP ${r.status()}: ${r.url()}`);
    }
  });
  page.on("dialog", (d) => {
    watch.problems.push(`dialog (a script ran): ${d.message()}`);
    void d.dismiss();
  });
  return page;
}

/** No console error, failed request, CSP violation or dialog so far; axe finds nothing serious; a screenshot. */
async function check(page: Page, name: string, options: { axe?: boolean; fullPage?: boolean } = {}) {
  await page.waitForLoadState("load");
  const csp = (await page.evaluate("window.__csp || []")) as string[];
  expect([...watches.get(page)!.problems, ...csp.map((v) => `CSP violation: ${v}`)], name).toEqual([]);
  shot++;
  await page.screenshot({
    path: join(SCREENS, `${String(shot).padStart(2, "0")}-${name}.png`),
    fullPage: options.fullPage ?? false,
  });
  const t0 = Date.now();
  if (options.axe !== false) {
    const result = await new AxeBuilder({ page }).options({ resultTypes: ["violations"] }).analyze();
    if (process.env.TIMING) console.log(`${name}: axe ${Date.now() - t0} ms`);
    const bad = result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    expect(bad, `axe on ${name}`).toEqual([]);
  }
}

async function json<T>(path: string): Promise<T> {
  const res = await fetch(`${web.base}${path}`);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

describe("reading in a browser", () => {
  it("the sample list: / → wcn36xx → a thread → a message", async () => {
    const page = await newPage();
    await page.goto(`${web.base}/`);
    expect(await page.title()).toBe("Mailing lists · Nexus");
    await check(page, "home");
    await page.getByRole("link", { name: "wcn36xx", exact: true }).click();
    await expect.poll(() => page.url()).toBe(`${web.base}/wcn36xx/`);
    await check(page, "sample-list");
    await page.locator("ul.threads a.s").first().click();
    expect(await page.locator("h1").count()).toBe(1);
    await check(page, "sample-message");
    await page.close();
  });

  it("kgdb: a list, a thread, a message, its raw form and back, the thread, its author", async () => {
    const page = await newPage();
    await page.goto(`${web.base}/`);
    await page.getByRole("link", { name: KGDB, exact: true }).click();
    await expect.poll(() => page.url()).toBe(`${web.base}/${KGDB}/`);
    expect(await page.locator("ul.threads > li").count()).toBe(50);
    await check(page, "kgdb-list");
    const first = page.locator("ul.threads a.s").first();
    const subject = (await first.textContent())!;
    await first.click();
    expect((await page.locator("h1").textContent())!.trim()).toBe(subject.trim());
    await check(page, "kgdb-message");
    const messageUrl = page.url();

    // raw belongs to the lore face (functions/publicinbox, issue 11): checked when this server has it
    const raw = await fetch(`${messageUrl}raw`);
    if (raw.status === 200) {
      await page.getByRole("link", { name: "raw", exact: true }).click();
      expect(await page.evaluate("document.contentType")).toBe("text/plain");
      await page.goBack();
      expect(page.url()).toBe(messageUrl);
    } else {
      console.warn(`raw: ${raw.status} on this server (the lore face is not merged here); link checked only`);
      expect(await page.getByRole("link", { name: "raw", exact: true }).getAttribute("href")).toMatch(
        /\/raw$/,
      );
    }

    await page.getByRole("link", { name: "thread", exact: true }).click();
    await expect.poll(() => new URL(page.url()).pathname.endsWith("/T/")).toBe(true);
    await page.waitForLoadState("load");
    await page.keyboard.press("j");
    expect(await page.locator("article.m.sel").count()).toBe(1); // our script runs under the CSP
    await check(page, "kgdb-thread-flat");
    await page.goBack();
    await page.locator("dl.hdrs a[href^='/authors/']").first().click();
    await expect.poll(() => /\/authors\/\d+\/$/.test(page.url())).toBe(true);
    expect(await page.locator("h2", { hasText: "Patches sent" }).count()).toBe(1);
    await check(page, "kgdb-author");
    await page.close();
  });

  it("search: a hit, no hit, a syntax error", async () => {
    const page = await newPage();
    await page.goto(`${web.base}/${KGDB}/`);
    await page.getByLabel(`Search ${KGDB}`).fill("kgdboc");
    await page.getByLabel(`Search ${KGDB}`).press("Enter");
    expect((await page.locator("h1").textContent())?.trim()).toBe(`Search ${KGDB}`);
    expect(await page.locator("section .hit").count()).toBeGreaterThan(0);
    expect(await page.locator(".snip mark").count()).toBeGreaterThan(0);
    await check(page, "search-hit");

    await page.getByLabel(`Search ${KGDB}`).fill('"zzqx qqzx"');
    await page.getByRole("button", { name: "Search" }).click();
    expect((await page.locator("h2").first().textContent())?.trim()).toMatch(/No thread matches/);
    await check(page, "search-none");

    await page.getByLabel(`Search ${KGDB}`).fill("kgdb AND (oops");
    await page.getByLabel("fuzzy").check();
    await page.getByRole("button", { name: "Search" }).click();
    expect(await page.getByRole("alert").textContent()).toContain("syntax error");
    await check(page, "search-syntax-error");
    await page.close();
  });

  it("a series with several versions, and the diff between two of them", async () => {
    const page = await newPage();
    await page.goto(`${web.base}/${KGDB}/series/${web.seriesId}/`);
    const heads = await page.locator("table.vers thead th").allTextContents();
    expect(heads.filter((h) => /^v\d+/.test(h.trim()))).toHaveLength(web.versions);
    expect(await page.locator("pre.cmd").first().textContent()).toContain("b4 am -v ");
    expect(await page.getByRole("button", { name: "copy" }).first().isVisible()).toBe(true);
    expect((await page.locator("#diff").textContent())?.trim()).toBe("Changes between versions");
    const patch = page.locator("details.patch").first();
    if ((await patch.count()) > 0) {
      if ((await patch.getAttribute("open")) === null) await patch.locator("summary").click();
      expect(await patch.locator("pre.idiff").isVisible()).toBe(true);
      await patch.scrollIntoViewIfNeeded();
    }
    await check(page, "series");
    await page.close();
  });

  it("a thread at 360 px and 1280 px, light and dark", async () => {
    // a thread of about ten messages (axe on the largest, four times over, would take a minute)
    const threads = await json<{ data: { rootMessageId: string; messageCount: number }[] }>(
      `/api/v1/lists/${KGDB}/threads?sort=messageCount&pageSize=40`,
    );
    const thread = threads.data.find((t) => t.messageCount <= 12) ?? threads.data[0]!;
    const url = `${web.base}/${KGDB}/${midPathSegment(thread.rootMessageId)}/T/`;
    for (const colorScheme of ["light", "dark"] as const) {
      for (const width of [360, 1280]) {
        const page = await newPage();
        await page.setViewportSize({ width, height: width === 360 ? 780 : 900 });
        await page.emulateMedia({ colorScheme });
        await page.goto(url);
        expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(width);
        await check(page, `thread-${width}-${colorScheme}`);
        await page.close();
      }
    }
    const nested = await newPage();
    await nested.goto(url.replace(/\/T\/$/, "/t/"));
    await check(nested, "thread-nested");
    await nested.close();
  });

  it("error pages: an unknown list and message are 404 pages with a search box", async () => {
    const page = await newPage();
    const res = await page.goto(`${web.base}/no-such-list/`);
    expect(res!.status()).toBe(404);
    expect(await page.getByRole("search").count()).toBe(1);
    await check(page, "404-list");
    const res2 = await page.goto(`${web.base}/${KGDB}/no-such-message@example.org/`);
    expect(res2!.status()).toBe(404);
    await check(page, "404-message");
    await page.close();
  });
});

describe("hostile mail in a browser", () => {
  it("renders as text: no script runs, no CSP violation, on every message and thread page", async () => {
    const emails = await json<{ data: { messageId: string }[] }>("/api/v1/lists/hostile/emails?pageSize=100");
    expect(emails.data.length).toBeGreaterThan(30);
    const page = await newPage();
    await page.goto(`${web.base}/hostile/${midPathSegment("evil/one?x#y@evil.example")}/`);
    expect((await page.locator("h1").textContent())?.trim()).toBe(
      `<script>alert("subject")</script> & <b>bold`,
    );
    expect(await page.locator(".body").textContent()).toContain("<script>alert('body')</script>");
    const hrefs = await page.locator(".body a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    expect(hrefs).toEqual(["https://ok.example/?a=1&b="]);
    await check(page, "hostile-message");
    await page.goto(`${web.base}/hostile/${midPathSegment("evil-html@evil.example")}/`);
    expect(await page.locator(".body").textContent()).toContain("<script>alert(10)</script>");
    await check(page, "hostile-html");
    for (const e of emails.data) {
      for (const suffix of ["", "T/"]) {
        const res = await page.goto(`${web.base}/hostile/${midPathSegment(e.messageId)}/${suffix}`);
        expect(res!.status(), e.messageId).toBe(200);
      }
    }
    await page.goto(`${web.base}/hostile/`);
    await check(page, "hostile-list");
    await page.close();
  });
});

/**
 * Accounts in a browser: a user made with `npm run user:create` (password on stdin) signs in through the
 * form, watches a thread with its button, a reply arrives through the admin ingest, the notifications page
 * shows it, mark read, sign out. Once with JavaScript off (the pages need none), once on with every check.
 */
describe("accounts in a browser", () => {
  const PASSWORD = "a browser's long passphrase";
  const root = resolve(import.meta.dirname, "../..");
  let thread: { rootMessageId: string; subject: string };
  let replies = 0;

  beforeAll(async () => {
    for (const email of ["nojs@example.org", "js@example.org"])
      execFileSync(join(root, "node_modules/.bin/tsx"), ["scripts/user.ts", "create", "--email", email], {
        cwd: root,
        env: { ...process.env, NEXUS_DATA_DIR: web.dataDir, DATABASE_URL: "" },
        input: `${PASSWORD}\n`,
        stdio: ["pipe", "ignore", "inherit"],
      });
    const threads = await json<{ data: { rootMessageId: string; subject: string }[] }>(
      "/api/v1/lists/wcn36xx/threads?pageSize=5",
    );
    thread = threads.data[0]!;
  }, 120_000);

  /** A reply to the thread, by someone else, through the admin ingest (what an import of new mail does). */
  async function reply() {
    replies++;
    const token = readFileSync(join(web.dataDir, "admin-token"), "utf8").trim();
    const mail = [
      "From: Somebody <somebody@example.net>",
      "To: wcn36xx@lists.infradead.org",
      `Subject: Re: ${thread.subject}`,
      `Message-ID: <browser-reply-${replies}-${Date.now()}@example.net>`,
      `In-Reply-To: <${thread.rootMessageId}>`,
      `References: <${thread.rootMessageId}>`,
      "Date: Mon, 1 Jan 2024 00:00:00 +0000",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "A reply the watcher hears of.",
      "",
    ].join("\r\n");
    const res = await fetch(`${web.base}/admin/v1/lists/wcn36xx/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "message/rfc822" },
      body: mail,
    });
    expect(res.status).toBe(200);
  }

  async function flow(page: Page, email: string, checked: (name: string) => Promise<void>) {
    const threadUrl = `${web.base}/wcn36xx/${midPathSegment(thread.rootMessageId)}/T/`;
    await page.goto(threadUrl);
    await page.getByRole("link", { name: "Sign in" }).first().click();
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    expect(await page.getByRole("alert").textContent()).toContain("Wrong email or password.");
    await checked("login-wrong");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.url()).toBe(threadUrl);
    expect(await page.locator("nav.user").textContent()).toContain(email);
    await page.getByRole("button", { name: "Watch" }).click();
    await expect.poll(() => page.url()).toBe(threadUrl);
    expect(await page.locator(".follow").textContent()).toContain("You watch this thread.");
    await checked("thread-watched");
    await reply();
    await page.reload();
    await page.getByRole("link", { name: "Notifications (1 unread)" }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe("/notifications");
    expect(await page.locator("ul.notes li.unread").count()).toBe(1);
    await checked("notifications");
    await page.getByRole("button", { name: `Mark read: Re: ${thread.subject}`, exact: true }).click();
    expect(await page.locator("ul.notes li.unread").count()).toBe(0);
    expect(await page.locator("nav.user").textContent()).toContain("Notifications (0 unread)");
    await page.locator("ul.notes a").first().click();
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/wcn36xx\/browser-reply-/);
    await page.goto(threadUrl);
    await page.getByRole("button", { name: "Unfollow" }).click();
    expect(await page.locator(".follow").textContent()).toContain("You do not follow this thread.");
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => page.url()).toBe(`${web.base}/`);
    expect(await page.locator("nav.user").textContent()).toContain("Sign in");
    const notes = await page.goto(`${web.base}/notifications`);
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(notes!.status()).toBe(200);
    await checked("signed-out-login");
  }

  it("without JavaScript: sign in, watch, a notification, mark read, sign out", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nexus-chromium-nojs-"));
    const nojs = await chromium.launchPersistentContext(dir, {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      headless: true,
      javaScriptEnabled: false,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
      ],
      viewport: { width: 1280, height: 900 },
    });
    try {
      const page = await nojs.newPage();
      const problems: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" && !/status of 4\d\d/.test(m.text())) problems.push(m.text());
      });
      page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
      await flow(page, "nojs@example.org", async (name) => {
        expect(problems, name).toEqual([]);
        shot++;
        await page.screenshot({ path: join(SCREENS, `${String(shot).padStart(2, "0")}-nojs-${name}.png`) });
      });
    } finally {
      await nojs.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("with JavaScript: the same, with axe, CSP and console checks on every account page", async () => {
    const page = await newPage();
    await flow(page, "js@example.org", (name) => check(page, `account-${name}`));
    await page.close();
  });
});
