import { beforeAll, describe, expect, inject, it } from "vitest";
import { escapeMessageId } from "../../functions/publicinbox/message-id-path";
import { epochBlobs, headerMessageId, mboxMessageIds } from "../helpers/epoch";
import { eachLimited, get, gunzip } from "./peer-tools";

/**
 * Every message and every thread of the kgdb epoch, from Nexus and from public-inbox-httpd: `/raw` byte for
 * byte (headers included: type, charset, file name), `t.mbox.gz` inflating to the same bytes.
 */

const { nexus, publicInbox, list, gitDir } = inject("peers");
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
});
