import { beforeAll, describe, expect, inject, it } from "vitest";
import { epochBlobs, mboxMessageIds } from "../helpers/epoch";
import { b4Config, runB4, toolEnv } from "./peer-tools";

/**
 * b4 (Debian's b4 0.12), unchanged, against Nexus and against public-inbox-httpd serving the same epoch:
 * `b4 mbox` must fetch the same messages and `b4 am` must write the same am-ready mbox, byte for byte once the
 * server's address (b4 writes it in Link: trailers and the cover letter) is replaced by a placeholder.
 */

const { nexus, publicInbox, list, gitDir } = inject("peers");

interface Mail {
  messageId: string;
  subject: string;
  inReplyTo: string | null;
  body: string;
}

function mails(): Mail[] {
  const out: Mail[] = [];
  for (const blob of epochBlobs(gitDir)) {
    const text = blob.toString("latin1");
    const end = text.search(/\r?\n\r?\n/);
    const head = text.slice(0, end).replace(/\r?\n[ \t]+/g, " ");
    const field = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, "im").exec(head)?.[1] ?? null;
    const id = /<([^<>]+)>/.exec(field("message-id") ?? "")?.[1];
    if (!id) continue;
    out.push({
      messageId: id,
      subject: (field("subject") ?? "").replace(/\[Kgdb-bugreport\]\s*/i, ""),
      inReplyTo: /<([^<>]+)>/.exec(field("in-reply-to") ?? "")?.[1] ?? null,
      body: text.slice(end),
    });
  }
  return out;
}

const SERIES_HEAD = /^\[PATCH(?:\s+v(\d+))?\s+([01])\/(\d+)\]\s*(.*)$/i;

/**
 * Five series from the epoch, chosen by plain header reading: the newest version of a series posted in
 * several versions, a series whose patches got replies with Reviewed-by/Acked-by/Tested-by, and three more.
 */
function chooseSeries(all: Mail[]): { why: string; messageId: string; oldest?: string }[] {
  const heads = all.flatMap((m) => {
    const h = SERIES_HEAD.exec(m.subject);
    if (!h) return [];
    return [
      {
        ...m,
        version: Number(h[1] ?? 1),
        counter: Number(h[2]),
        total: Number(h[3]),
        title: h[4]!.toLowerCase(),
      },
    ];
  });
  const starts = heads.filter(
    (h) =>
      h.total >= 2 &&
      (h.counter === 0 ||
        !heads.some((o) => o.title === h.title && o.version === h.version && o.counter === 0)),
  );
  const chosen: { why: string; messageId: string; oldest?: string }[] = [];
  const byTitle = new Map<string, typeof starts>();
  for (const s of starts) byTitle.set(s.title, [...(byTitle.get(s.title) ?? []), s]);
  const versions = [...byTitle.values()].find((g) => new Set(g.map((s) => s.version)).size >= 3);
  const newest = versions?.sort((a, b) => b.version - a.version)[0];
  if (newest)
    chosen.push({
      why: `v${newest.version} of a series with ${versions!.length} versions`,
      messageId: newest.messageId,
      // its first version, for b4 am -c (which then looks for the newer ones by search)
      oldest: versions!.sort((a, b) => a.version - b.version)[0]!.messageId,
    });
  const trailer = /^(Reviewed|Acked|Tested)-by:/m;
  const reviewed = starts.find((s) => {
    const patches = all.filter((m) => m.inReplyTo === s.messageId || m.messageId === s.messageId);
    return all.some(
      (r) =>
        /^re:/i.test(r.subject) && patches.some((p) => p.messageId === r.inReplyTo) && trailer.test(r.body),
    );
  });
  if (reviewed) chosen.push({ why: "replies carry trailers", messageId: reviewed.messageId });
  for (const s of starts) {
    if (chosen.length >= 5) break;
    if (!chosen.some((c) => c.messageId === s.messageId))
      chosen.push({ why: "another series", messageId: s.messageId });
  }
  return chosen;
}

const unhost = (b: Buffer, base: string) => b.toString("latin1").split(base).join("http://SERVER");

describe("b4 against Nexus and public-inbox", () => {
  let series: { why: string; messageId: string; oldest?: string }[];
  beforeAll(() => {
    series = chooseSeries(mails());
  });

  it("chose five series, one with several versions and one with reviewed replies", () => {
    expect(series).toHaveLength(5);
    expect(series[0]!.why).toMatch(/versions/);
    expect(series[1]!.why).toBe("replies carry trailers");
  });

  it.each([0, 1, 2, 3, 4])(
    "series %i: b4 mbox fetches the same messages, b4 am writes the same mbox",
    (i) => {
      const { messageId, why } = series[i]!;
      const ours = toolEnv(b4Config(nexus, list));
      const theirs = toolEnv(b4Config(publicInbox, list));

      const mboxOurs = runB4(["mbox", messageId], ours);
      const mboxTheirs = runB4(["mbox", messageId], theirs);
      const ids = (files: Map<string, Buffer>) =>
        [...files.values()].flatMap((b) => mboxMessageIds(b)).sort();
      expect(ids(mboxTheirs).length, why).toBeGreaterThan(1);
      expect(ids(mboxOurs), why).toEqual(ids(mboxTheirs));

      const amOurs = runB4(["am", messageId], ours);
      const amTheirs = runB4(["am", messageId], theirs);
      expect([...amOurs.keys()].sort(), why).toEqual([...amTheirs.keys()].sort());
      const mbx = [...amTheirs.keys()].filter((f) => f.endsWith(".mbx"));
      expect(mbx.length, why).toBe(1);
      for (const name of amTheirs.keys()) {
        if (name.endsWith(".am")) continue; // b4's thanks-tracking note: it records the time it ran
        expect(unhost(amOurs.get(name)!, nexus), `${why}: ${name}`).toBe(
          unhost(amTheirs.get(name)!, publicInbox),
        );
      }
    },
  );

  it("b4 am -c on a first version finds the newer ones through Nexus's /all/ as through public-inbox", () => {
    // b4 takes threads from /all/ when its midmask names it, and -c searches for newer versions with lore's
    // query syntax (s:"…" AND f:"…" AND d:YYYYMMDD..). public-inbox-httpd has no /all/ without an extindex, so
    // its side uses the list's URLs; the links b4 writes use the linkmask, the same form on both sides.
    const { oldest: messageId, why } = series[0]!;
    const ours = toolEnv({
      ...b4Config(nexus, list),
      "b4.midmask": `${nexus}/all/%s`,
      "b4.searchmask": `${nexus}/all/?x=m&t=1&q=%s`,
    });
    const theirs = toolEnv(b4Config(publicInbox, list));
    const amOurs = runB4(["am", "-c", messageId!], ours);
    const amTheirs = runB4(["am", "-c", messageId!], theirs);
    // b4 names the mbox by the version it chose: a newer one than the first
    expect(
      [...amTheirs.keys()].some((f) => /^v[2-9]/.test(f)),
      [...amTheirs.keys()].join(" "),
    ).toBe(true);
    expect([...amOurs.keys()].sort(), why).toEqual([...amTheirs.keys()].sort());
    for (const name of amTheirs.keys()) {
      if (name.endsWith(".am")) continue;
      expect(unhost(amOurs.get(name)!, nexus), name).toBe(unhost(amTheirs.get(name)!, publicInbox));
    }
  });
});
