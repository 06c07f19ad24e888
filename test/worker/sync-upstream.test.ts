import { env as testEnv } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScheduled } from "../../functions/cron";
import { callApp, envWith, workerDatabase } from "../helpers/worker";

// The cron mirrors a list from a real public-inbox upstream: public-inbox-httpd (Debian's public-inbox) serving a
// v2 inbox of the kgdb epoch on 127.0.0.1, behind a proxy that can play a faulty peer (test/helpers/upstream-peer.ts,
// driven through the control server of test/setup/upstream-control.ts). Every run is the real scheduled handler
// in the Workers runtime with a small budget.

const control = (testEnv as unknown as { UPSTREAM_CONTROL: string }).UPSTREAM_CONTROL;
const BUDGET_MS = 4000;
const bindings = {
  ...envWith("sync_upstream"),
  CRON_BUDGET_MS: String(BUDGET_MS),
  UPSTREAM_CONTACT: "mirror-ops@example.org",
  // generous: test files run beside this one on two cores; the hang test uses a short one of its own
  UPSTREAM_TIMEOUT_MS: "30000",
  UPSTREAM_WINDOW_MESSAGES: "400",
};
const SLUG = "kgdb-bugreport";

async function ask<T>(path: string): Promise<T> {
  const res = await fetch(`${control}${path}`, { method: "POST" });
  const body = (await res.json()) as T & { error?: string };
  if (res.status !== 200) throw new Error(`control ${path}: ${body.error}`);
  return body;
}

async function admin(method: string, path: string, body?: unknown) {
  const res = await callApp(`/admin/v1${path}`, bindings, {
    method,
    headers: { authorization: `Bearer ${bindings.ADMIN_TOKEN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the test reads whichever fields each answer has
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

interface TaskReport {
  lists: { list: string; state: string; stored: number; requests: number; error?: string }[];
}

async function tick(env = bindings): Promise<TaskReport> {
  const t0 = Date.now();
  const report = await runScheduled({ cron: "*/5 * * * *" }, env);
  expect(report.skipped).toBeUndefined();
  // the run keeps to its budget (plus the one window it had started, bounded by the request timeout)
  expect(Date.now() - t0).toBeLessThan(BUDGET_MS + Number(env.UPSTREAM_TIMEOUT_MS) + 5000);
  return report.tasks["upstream-sync"] as TaskReport;
}

let db: ReturnType<typeof workerDatabase>;
let upstream: string;
async function storedIds(): Promise<string[]> {
  const r = await db.pool.query(
    "SELECT e.message_id FROM emails e JOIN mailing_lists l ON l.id = e.mailing_list_id WHERE l.slug = $1",
    [SLUG],
  );
  return r.rows.map((x: { message_id: string }) => x.message_id).sort();
}
const status = async () => (await admin("GET", `/lists/${SLUG}/sync`)).body.data;
/** This list's part of a run's report, checked against `expected` (the sync status is shown when it differs). */
async function expectRun(report: TaskReport, expected: Record<string, unknown>) {
  const mine = report.lists.find((l) => l.list === SLUG);
  expect(mine, JSON.stringify(await status())).toMatchObject(expected);
}

beforeAll(async () => {
  db = workerDatabase(bindings);
  ({ upstream } = await ask<{ upstream: string }>("/start"));
}, 240_000);
afterAll(async () => {
  await ask("/stop").catch(() => {});
  await db.end();
});

describe("cron: a list follows a public-inbox upstream over HTTP", () => {
  it("bad input to the upstream route is a 400, an unknown list's status a 404", async () => {
    expect((await admin("PUT", `/lists/${SLUG}/upstream`, { url: "ftp://x/y/" })).status).toBe(400);
    expect((await admin("PUT", `/lists/${SLUG}/upstream`, { url: "https://lore.kernel.org/" })).status).toBe(
      400,
    );
    expect((await admin("PUT", `/lists/${SLUG}/upstream`, { url: upstream, pollSeconds: 5 })).status).toBe(
      400,
    );
    const missing = await admin("GET", "/lists/no-such-list/sync");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("not_found");
  });

  it("scheduled runs with a small budget bring the list from empty to exactly what public-inbox holds", async () => {
    const put = await admin("PUT", `/lists/${SLUG}/upstream`, { url: upstream, pollSeconds: 60 });
    expect(put.status).toBe(200);
    expect(put.body.data).toMatchObject({ list: SLUG, upstreamUrl: upstream, mark: null });
    const expected = (await ask<{ ids: string[] }>("/ids")).ids.sort();
    expect(expected.length).toBeGreaterThan(2000);

    let runs = 0;
    let requests = 0;
    const started = Date.now();
    for (; runs < 60; ) {
      const report = await tick();
      runs++;
      const mine = report.lists.find((l) => l.list === SLUG);
      expect(mine?.error, JSON.stringify(mine)).toBeUndefined();
      requests += mine?.requests ?? 0;
      if (mine?.state === "ok") break;
      // between runs the status says how far behind the list still is
      const between = await status();
      expect(between.status).toMatchObject({ state: "behind", caughtUp: false, error: null });
      expect(between.status.backlogSeconds).toBeGreaterThan(0);
      expect(Date.parse(between.nextPollAt)).toBeLessThanOrEqual(Date.now()); // due again at once
    }
    const s = await status();
    expect(s.status.state).toBe("ok");
    expect(s.status.caughtUp).toBe(true);
    const stored = await storedIds();
    expect(stored).toEqual(expected);
    console.log(
      `sync: ${stored.length} messages in ${runs} scheduled runs (budget ${BUDGET_MS} ms each, ${requests} requests, ${Date.now() - started} ms)`,
    );
    expect(runs).toBeGreaterThan(1); // the budget is too small for one run: windows carry over between runs

    // every request was the search download lei sends, named Nexus and the operator
    const seen = (await ask<{ requests: { method: string; url: string; userAgent: string }[] }>("/requests"))
      .requests;
    expect(seen.length).toBe(requests);
    for (const r of seen) {
      expect(r.method).toBe("POST");
      expect(r.url).toMatch(/^\/kgdb-bugreport\/\?q=rt%3A\d+\.\.\d*&x=m$/);
      expect(r.userAgent).toMatch(/^Nexus\/[\d.]+ \(public-inbox mirror; \+mirror-ops@example\.org\)$/);
    }
  }, 600_000);

  it("new mail delivered upstream arrives on the next run; a re-run adds nothing", async () => {
    const before = await storedIds();
    const { ids } = await ask<{ ids: string[] }>("/deliver?count=3&tag=next");
    // polled at its interval: not yet due
    expect((await tick()).lists.find((l) => l.list === SLUG)).toBeUndefined();
    expect((await admin("POST", `/lists/${SLUG}/sync`)).status).toBe(202);
    const report = await tick();
    await expectRun(report, { state: "ok", stored: 3 });
    expect(await storedIds()).toEqual([...before, ...ids].sort());
    expect(await storedIds()).toEqual((await ask<{ ids: string[] }>("/ids")).ids.sort());

    // polls of a list that synced before carry If-Modified-Since (public-inbox answers 200 regardless)
    const seen = (await ask<{ requests: { ifModifiedSince: string | null }[] }>("/requests")).requests;
    expect(Date.parse(seen.at(-1)!.ifModifiedSince!)).toBeGreaterThan(Date.now() - 600_000);

    await admin("POST", `/lists/${SLUG}/sync`);
    const again = await tick();
    await expectRun(again, { state: "ok", stored: 0 });
    expect((await storedIds()).length).toBe(before.length + 3);
  }, 150_000);

  for (const [mode, code] of [
    ["429", "rate_limited"],
    ["500", "upstream_unavailable"],
    ["html", "not_mbox"],
    ["truncate", "bad_gzip"],
    ["hang", "timeout"],
  ] as const) {
    it(`the upstream answering ${mode}: the list is unchanged, the status names ${code}, the next run recovers`, async () => {
      const before = await storedIds();
      const markBefore = (await status()).mark;
      const { ids } = await ask<{ ids: string[] }>(`/deliver?count=2&tag=${mode}`);
      await ask(`/fault?mode=${mode}`);
      await admin("POST", `/lists/${SLUG}/sync`);
      const failed = await tick({ ...bindings, UPSTREAM_TIMEOUT_MS: "2000" });
      await expectRun(failed, { state: "error", error: code, stored: 0 });
      expect(await storedIds()).toEqual(before);
      const s = await status();
      expect(s.mark).toBe(markBefore);
      expect(s.failures).toBe(1);
      expect(s.status.error.code).toBe(code);
      expect(s.status.error.message.length).toBeGreaterThan(10);
      // backed off: not polled again before its time (Retry-After 120 s for the 429)
      const wait = Date.parse(s.nextPollAt) - Date.now();
      expect(wait).toBeGreaterThan(mode === "429" ? 100_000 : 30_000);
      expect((await tick()).lists.find((l) => l.list === SLUG)).toBeUndefined();

      await ask("/fault?mode=pass");
      await admin("POST", `/lists/${SLUG}/sync`);
      const recovered = await tick();
      await expectRun(recovered, { state: "ok", stored: 2 });
      expect(await storedIds()).toEqual([...before, ...ids].sort());
      const ok = await status();
      expect(ok.failures).toBe(0);
      expect(ok.status.error).toBeNull();
    }, 150_000);
  }
});
