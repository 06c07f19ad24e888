import { beforeAll, describe, expect, inject, it } from "vitest";
import { escapeMessageId } from "../../functions/publicinbox/message-id-path";
import { epochBlobs, headerMessageId, mboxMessageIds } from "../helpers/epoch";
import { eachLimited, get, gunzip, nexusDatabase } from "./peer-tools";

/**
 * Every message and every thread of the kgdb epoch, from Nexus and from public-inbox-httpd: `/raw` byte for
 * byte (headers included: type, charset, file name), `t.mbox.gz` inflating to the same bytes.
 */

const { nexus, publicInbox, list, gitDir, bridge } = inject("peers");
const database = nexusDatabase(bridge);
let ids: string[];

beforeAll(() => {
  ids = [...new Set(epochBlobs(gitDir).flatMap((b) => headerMessageId(b) ?? []))];
});

describe("the kgdb epoch from both servers", () => {
  it("/raw is byte-identical for every message", async () => {
    expect(ids.length).toBeGreaterThan(2000);
    const differ: string[] = [];
    await eachLimited(ids, 6, async (id) => {
      const path = `/${list}/${escapeMessageId(id)}/raw`;
      const [ours, theirs] = await Promise.all([get(nexus + path), get(publicInbox + path)]);
      if (
        theirs.status !== 200 ||
        ours.status !== 200 ||
        ours.type !== theirs.type ||
        !ours.body.equals(theirs.body)
      ) {
        differ.push(
          `${id}: ${ours.status} ${ours.type} ${ours.body.length} vs ${theirs.status} ${theirs.type} ${theirs.body.length}`,
        );
      }
    });
    expect(differ).toEqual([]);
  });

  it("t.mbox.gz of every thread inflates to the same bytes: the same messages in the same order", async () => {
    const covered = new Set<string>();
    const differ: string[] = [];
    let threads = 0;
    // one request per thread: a message already seen in a thread download is not asked again
    for (const id of ids) {
      if (covered.has(id)) continue;
      const path = `/${list}/${escapeMessageId(id)}/t.mbox.gz`;
      const [ours, theirs] = await Promise.all([get(nexus + path), get(publicInbox + path)]);
      expect(theirs.status, id).toBe(200);
      threads++;
      const expected = mboxMessageIds(gunzip(theirs.body));
      for (const m of expected) covered.add(m);
      const got = ours.status === 200 ? mboxMessageIds(gunzip(ours.body)) : [`HTTP ${ours.status}`];
      if (got.join(" ") !== expected.join(" "))
        differ.push(`${id}:\n  ours ${got.join(" ")}\n  theirs ${expected.join(" ")}`);
      else if (!gunzip(ours.body).equals(gunzip(theirs.body)))
        differ.push(`${id}: same messages, other bytes`);
    }
    expect(threads).toBeGreaterThan(300);
    expect(differ).toEqual([]);
  });

  it("an unknown message is a short text 404 on both", async () => {
    for (const end of ["raw", "t.mbox.gz"]) {
      const path = `/${list}/no-such-message@example.invalid/${end}`;
      const [ours, theirs] = await Promise.all([get(nexus + path), get(publicInbox + path)]);
      expect([ours.status, theirs.status]).toEqual([404, 404]);
      expect(ours.type).toMatch(/^text\/plain/);
      expect(ours.body.length).toBeLessThan(200);
    }
  });

  it("the cron backfill marks originals stored before migration 0013 as the import did; downloads stay the same", async () => {
    const marks = async () =>
      new Map(
        (
          await database.pool.query<{ email_id: string; v: string | null }>(
            "SELECT email_id, mboxrd_verbatim AS v FROM email_sources",
          )
        ).rows.map((r) => [r.email_id, r.v]),
      );
    const saved = await marks();
    const counts = (m: Map<string, string | null>, v: string | null) =>
      [...m.values()].filter((x) => x === v).length;
    // nearly all mail is sent as stored; a few need a header dropped or a line quoted
    expect(counts(saved, "lf")).toBeGreaterThan(saved.size * 0.9);
    expect(counts(saved, "no")).toBeGreaterThan(0);
    expect(counts(saved, null)).toBe(0);
    const { rows } = await database.pool.query<{ message_id: string }>(
      `SELECT e.message_id FROM threads t JOIN emails e ON e.id = t.root_email_id
        ORDER BY t.message_count DESC, t.id LIMIT 1`,
    );
    const path = `${nexus}/${list}/${escapeMessageId(rows[0]!.message_id)}/t.mbox.gz`;
    const before = gunzip((await get(path)).body);

    await database.pool.query("UPDATE email_sources SET mboxrd_verbatim = NULL");
    expect(gunzip((await get(path)).body).equals(before)).toBe(true);
    const until = Date.now() + 90_000;
    while (counts(await marks(), null) > 0 && Date.now() < until)
      await get(`${nexus}/cdn-cgi/handler/scheduled`);
    expect(await marks()).toEqual(saved);
    expect(gunzip((await get(path)).body).equals(before)).toBe(true);
  });
});
