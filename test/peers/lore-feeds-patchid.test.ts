import { execFileSync } from "node:child_process";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { escapeMessageId } from "../../functions/publicinbox/message-id-path";
import { mboxMessageIds } from "../helpers/epoch";
import { get, gunzip, nexusDatabase } from "./peer-tools";

/**
 * Atom feeds parsed by a real XML parser (Python's xml.etree, beside b4), compared with public-inbox's; and
 * patchid:, whose ids Nexus computes at import and the cron backfill fills in, compared with the ids public-inbox
 * indexed (it runs `git patch-id --stable` itself).
 */

const { nexus, publicInbox, list, bridge } = inject("peers");
const database = nexusDatabase(bridge);

interface Feed {
  title: string;
  entries: { title: string; link: string; rel: string | null; id: string; updated: string }[];
}

const PARSE_ATOM = `
import json, sys, xml.etree.ElementTree as E
A = "{http://www.w3.org/2005/Atom}"
root = E.fromstring(sys.stdin.buffer.read())
assert root.tag == A + "feed", root.tag
print(json.dumps({"title": root.findtext(A + "title"), "entries": [
  {"title": e.findtext(A + "title"), "link": e.find(A + "link").get("href"), "rel": e.find(A + "link").get("rel"),
   "id": e.findtext(A + "id"), "updated": e.findtext(A + "updated")} for e in root.findall(A + "entry")]}))
`;

function parseAtom(xml: Buffer): Feed {
  return JSON.parse(execFileSync("/usr/bin/python3", ["-c", PARSE_ATOM], { input: xml }).toString()) as Feed;
}

const unhost = (url: string, base: string) => url.replace(base, "http://SERVER");

describe("Atom feeds", () => {
  it("t.atom of a thread carries the same entries as public-inbox's, linking each message page", async () => {
    const { rows } = await database.pool.query<{ message_id: string }>(
      `SELECT e.message_id FROM threads t JOIN emails e ON e.id = t.root_email_id
       WHERE t.message_count BETWEEN 4 AND 12 ORDER BY t.message_count DESC, t.id LIMIT 3`,
    );
    expect(rows.length).toBe(3);
    for (const { message_id: id } of rows) {
      const path = `/${list}/${escapeMessageId(id)}/t.atom`;
      const [ours, theirs] = await Promise.all([get(nexus + path), get(publicInbox + path)]);
      expect(ours.status).toBe(200);
      expect(ours.type).toMatch(/^application\/atom\+xml/);
      const a = parseAtom(ours.body);
      const b = parseAtom(theirs.body);
      const ids = (f: Feed) => f.entries.map((e) => e.id).sort();
      expect(ids(a), id).toEqual(ids(b));
      const links = (f: Feed, base: string) => f.entries.map((e) => unhost(e.link, base)).sort();
      expect(links(a, nexus), id).toEqual(links(b, publicInbox));
      for (const e of a.entries) expect(e.rel).toBe("alternate");
    }
  });

  it("new.atom is valid Atom with the newest messages, and a search's Atom lists its hits", async () => {
    const feed = parseAtom((await get(`${nexus}/${list}/new.atom`)).body);
    const { rows } = await database.pool.query<{ message_id: string }>(
      "SELECT message_id FROM emails ORDER BY date DESC, id DESC LIMIT 25",
    );
    expect(feed.entries.map((e) => e.link)).toEqual(
      rows.map((r) => `${nexus}/${list}/${escapeMessageId(r.message_id)}/`),
    );
    const search = parseAtom((await get(`${nexus}/${list}/?q=s%3Abreakpoint&x=A`)).body);
    const theirs = parseAtom((await get(`${publicInbox}/${list}/?q=s%3Abreakpoint&x=A`)).body);
    expect(search.entries.map((e) => e.id).sort()).toEqual(theirs.entries.map((e) => e.id).sort());
  });
});

describe("patchid:", () => {
  let saved: Map<string, string>;
  beforeAll(async () => {
    const { rows } = await database.pool.query<{ message_id: string; patch_id: string }>(
      "SELECT message_id, patch_id FROM emails WHERE patch_type <> 'none'",
    );
    saved = new Map(rows.map((r) => [r.message_id, r.patch_id]));
  });

  it("the import stored an id for every patch ('' where its text holds no diff git would hash)", () => {
    expect(saved.size).toBeGreaterThan(500);
    expect([...saved.values()].filter((id) => !/^([0-9a-f]{40})?$/.test(id))).toEqual([]);
    expect([...saved.values()].filter((id) => id !== "").length).toBeGreaterThan(saved.size * 0.9);
  });

  it("the cron backfill fills the ids of patches stored before the column, to the same values", async () => {
    await database.pool.query("UPDATE emails SET patch_id = NULL");
    const until = Date.now() + 90_000;
    for (;;) {
      await get(`${nexus}/cdn-cgi/handler/scheduled`);
      const { rows } = await database.pool.query<{ n: string }>(
        "SELECT count(*) AS n FROM emails WHERE patch_id IS NULL AND patch_type <> 'none'",
      );
      if (Number(rows[0]!.n) === 0 || Date.now() > until) break;
    }
    const { rows } = await database.pool.query<{ message_id: string; patch_id: string }>(
      "SELECT message_id, patch_id FROM emails WHERE patch_type <> 'none'",
    );
    expect(new Map(rows.map((r) => [r.message_id, r.patch_id]))).toEqual(saved);
  });

  it("finds the same messages as public-inbox's patchid: for patches across the epoch", async () => {
    const sample = [...saved.entries()]
      .filter(([, id]) => id !== "")
      .filter((_, i) => i % 97 === 0)
      .slice(0, 8);
    expect(sample.length).toBe(8);
    for (const [messageId, patchId] of sample) {
      const path = `/${list}/?q=patchid%3A${patchId}&x=m`;
      const [ours, theirs] = await Promise.all([
        get(nexus + path, { method: "POST", body: "" }),
        get(publicInbox + path, { method: "POST", body: "" }),
      ]);
      expect(theirs.status, messageId).toBe(200);
      const expected = mboxMessageIds(gunzip(theirs.body)).sort();
      expect(expected, messageId).toContain(messageId);
      expect(ours.status, messageId).toBe(200);
      expect(mboxMessageIds(gunzip(ours.body)).sort(), messageId).toEqual(expected);
    }
  });
});
