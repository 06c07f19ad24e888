import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  claimUpstreamList,
  finishUpstreamRun,
  releaseUpstreamList,
  setUpstream,
  upstreamOf,
} from "../../functions/upstream/state";
import { openTestDatabase } from "../helpers/db";

// Politeness: one run at a time per upstream host, whichever runs (cron ticks, the CLI) ask.
const db = openTestDatabase("sync_claims");
beforeAll(async () => {
  await setUpstream(db.pool, "lore-a", { url: "https://lore.example.org/a/" });
  await setUpstream(db.pool, "lore-b", { url: "https://lore.example.org/b/" });
  await setUpstream(db.pool, "other-c", { url: "https://inbox.example.net/c/" });
});
afterAll(() => db.end());

describe("claiming lists to sync", () => {
  it("never hands out two lists of one upstream host at once; a finished run frees the host", async () => {
    const first = await claimUpstreamList(db.pool, { leaseSeconds: 60 });
    expect(first?.slug).toBe("lore-a");
    const second = await claimUpstreamList(db.pool, { leaseSeconds: 60, exclude: [first!.id] });
    expect(second?.slug).toBe("other-c"); // lore-b waits: lore.example.org is being polled
    expect(
      await claimUpstreamList(db.pool, { leaseSeconds: 60, exclude: [first!.id, second!.id] }),
    ).toBeNull();
    // the CLI asking for a held list gets nothing either
    expect(await claimUpstreamList(db.pool, { leaseSeconds: 60, slug: "lore-a" })).toBeNull();
    expect(await claimUpstreamList(db.pool, { leaseSeconds: 60, slug: "lore-b" })).toBeNull();

    const status = {
      state: "ok" as const,
      lastRunAt: new Date().toISOString(),
      lastSuccessAt: new Date().toISOString(),
      caughtUp: true,
      mark: null,
      error: null,
      lastRun: {
        windows: 1,
        requests: 1,
        received: 0,
        stored: 0,
        duplicates: 0,
        rejected: 0,
        bytes: 0,
        ms: 1,
      },
    };
    await finishUpstreamRun(db.pool, first!.id, {
      status,
      nextAt: new Date(Date.now() + 300_000),
      failures: 0,
    });
    const third = await claimUpstreamList(db.pool, { leaseSeconds: 60 });
    expect(third?.slug).toBe("lore-b");
    // lore-a is not due for 5 minutes, but the CLI may take it once lore-b is released
    await releaseUpstreamList(db.pool, third!.id);
    expect((await claimUpstreamList(db.pool, { leaseSeconds: 60, slug: "lore-a" }))?.slug).toBe("lore-a");
    expect((await upstreamOf(db.pool, "lore-a"))?.leaseUntil).not.toBeNull();
  });

  it("an expired lease (a run that died) is claimed again", async () => {
    await db.pool.query("UPDATE mailing_lists SET upstream_lease_until = now() - interval '1 second'");
    await db.pool.query("UPDATE mailing_lists SET upstream_next_at = NULL");
    const again = await claimUpstreamList(db.pool, { leaseSeconds: 60 });
    expect(again?.slug).toBe("lore-a");
  });

  it("a new upstream URL starts from no mark; the same URL keeps it", async () => {
    await db.pool.query("UPDATE mailing_lists SET upstream_mark = now() WHERE slug = 'other-c'");
    await setUpstream(db.pool, "other-c", { url: "https://inbox.example.net/c/", pollSeconds: 600 });
    expect((await upstreamOf(db.pool, "other-c"))?.mark).not.toBeNull();
    await setUpstream(db.pool, "other-c", { url: "https://inbox.example.net/c2/" });
    const moved = await upstreamOf(db.pool, "other-c");
    expect(moved?.mark).toBeNull();
    expect(moved?.pollSeconds).toBe(600);
  });
});
