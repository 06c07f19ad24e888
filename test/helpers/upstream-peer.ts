import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import {
  freePort,
  KGDB_BUNDLE,
  KGDB_LIST,
  publicInboxEnv,
  referenceInbox,
  startPublicInboxHttpd,
} from "../../scripts/lib/lore-peers";
import { epochBlobs, headerMessageId } from "./epoch";

/**
 * An upstream for the sync tests: a copy of the kgdb reference inbox (public-inbox v2, built once by
 * referenceInbox) served by Debian's public-inbox-httpd, behind a small HTTP proxy of ours on 127.0.0.1 that
 * passes requests through or plays a faulty peer (429, 500, an HTML page, a truncated gzip, a hang). New mail
 * is delivered with public-inbox-mda.
 */

export type FaultMode = "pass" | "429" | "500" | "html" | "truncate" | "hang";

export interface SeenRequest {
  method: string;
  url: string;
  userAgent: string;
  ifModifiedSince: string | null;
}

export interface UpstreamPeer {
  /** the proxy's inbox URL (`http://127.0.0.1:P/kgdb-bugreport/`): what a list names */
  upstream: string;
  /** public-inbox-httpd's own inbox URL */
  direct: string;
  inbox: string;
  list: string;
  requests: SeenRequest[];
  fault: FaultMode;
  /**
   * Delivers messages to the inbox with public-inbox-mda and waits until public-inbox-httpd's search finds them
   * (it reopens its Xapian index within about 30 s, as lore does); answers their Message-IDs.
   */
  deliver(count: number, tag: string): Promise<string[]>;
  /** the Message-IDs the inbox holds (every epoch's message blobs) */
  messageIds(): string[];
  stop(): Promise<void>;
}

function newMessage(list: string, tag: string, i: number): { id: string; raw: string } {
  const now = new Date();
  const id = `sync-${tag}-${i}-${now.getTime()}@nexus.test`;
  const raw = [
    `Received: from mx.nexus.test by lists.nexus.test; ${now.toUTCString()}`,
    "From: Sync Tester <sync@nexus.test>",
    `To: ${list}@localhost`,
    `Subject: [PATCH] sync test ${tag} ${i}`,
    `Date: ${now.toUTCString()}`,
    `Message-ID: <${id}>`,
    "",
    `Delivered after the first sync (${tag} ${i}).`,
    "From the start, this line begins with From and must survive mboxrd.",
    "",
  ].join("\n");
  return { id, raw };
}

export async function startUpstreamPeer(): Promise<UpstreamPeer> {
  const list = KGDB_LIST;
  const work = mkdtempSync(join(tmpdir(), "nexus-upstream-"));
  const inbox = join(work, list);
  execFileSync("cp", ["-a", referenceInbox(KGDB_BUNDLE, list), inbox]);
  const httpd = await startPublicInboxHttpd(inbox, list);
  const config = join(work, "config");
  writeFileSync(
    config,
    `[publicinbox "${list}"]\n\taddress = ${list}@localhost\n\turl = http://127.0.0.1/${list}\n\tinboxdir = ${inbox}\n` +
      "[publicinboxmda]\n\tspamcheck = none\n",
  );
  const requests: SeenRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const peer: UpstreamPeer = {
    upstream: "",
    direct: `${httpd.base}/${list}/`,
    inbox,
    list,
    requests,
    fault: "pass",
    async deliver(count, tag) {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const m = newMessage(list, tag, i);
        execFileSync("public-inbox-mda", ["--no-precheck"], {
          input: m.raw,
          env: { ...publicInboxEnv(work, config), ORIGINAL_RECIPIENT: `${list}@localhost` },
        });
        ids.push(m.id);
      }
      const until = Date.now() + 90_000;
      for (const id of ids) {
        for (;;) {
          const r = await fetch(`${peer.direct}?q=${encodeURIComponent(`m:${id}`)}&x=m`, { method: "POST" });
          await r.arrayBuffer();
          if (r.status === 200) break;
          if (Date.now() > until) throw new Error(`public-inbox-httpd does not find ${id} after delivery`);
          await new Promise((done) => setTimeout(done, 500));
        }
      }
      return ids;
    },
    messageIds() {
      const ids = new Set<string>();
      const epochs = execFileSync("ls", [join(inbox, "git")], { encoding: "utf8" })
        .split("\n")
        .filter(Boolean);
      for (const e of epochs)
        for (const blob of epochBlobs(join(inbox, "git", e))) {
          const id = headerMessageId(blob);
          if (id) ids.add(id);
        }
      return [...ids];
    },
    async stop() {
      for (const res of hanging) res.destroy();
      await new Promise<void>((done) => server.close(() => done()));
      await httpd.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };

  async function pass(req: IncomingMessage, body: Buffer) {
    const answer = await fetch(`${httpd.base}${req.url}`, {
      method: req.method,
      headers: { "user-agent": req.headers["user-agent"] ?? "" },
      body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
    });
    const bytes = Buffer.from(await answer.arrayBuffer());
    return { status: answer.status, type: answer.headers.get("content-type") ?? "", bytes };
  }

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    requests.push({
      method: req.method ?? "",
      url: req.url ?? "",
      userAgent: req.headers["user-agent"] ?? "",
      ifModifiedSince: (req.headers["if-modified-since"] as string | undefined) ?? null,
    });
    try {
      switch (peer.fault) {
        case "429":
          res.writeHead(429, { "content-type": "text/plain", "retry-after": "120" }).end("slow down\n");
          return;
        case "500":
          res.writeHead(500, { "content-type": "text/plain" }).end("Internal Server Error\n");
          return;
        case "html":
          res
            .writeHead(200, { "content-type": "text/html; charset=UTF-8" })
            .end("<!DOCTYPE html><html><body><h1>Checking your browser…</h1></body></html>\n");
          return;
        case "truncate": {
          // the real answer cut in half (or, when the window is empty, a made-up mbox cut in half)
          const real = await pass(req, Buffer.concat(chunks));
          const gz =
            real.status === 200
              ? real.bytes
              : gzipSync(
                  Buffer.from(
                    `From mboxrd@z Thu Jan  1 00:00:00 1970\n${newMessage(list, "truncated", 0).raw}\n` +
                      `From mboxrd@z Thu Jan  1 00:00:00 1970\n${newMessage(list, "truncated", 1).raw}\n`,
                  ),
                );
          res
            .writeHead(200, { "content-type": "application/gzip" })
            .end(gz.subarray(0, Math.floor(gz.length / 2)));
          return;
        }
        case "hang":
          // headers and the start of a gzip, then nothing: the client's timeout must end it
          hanging.add(res);
          res.writeHead(200, { "content-type": "application/gzip" });
          res.write(Buffer.from([0x1f, 0x8b, 0x08, 0x00]));
          return;
        default: {
          const real = await pass(req, Buffer.concat(chunks));
          res.writeHead(real.status, { "content-type": real.type }).end(real.bytes);
        }
      }
    } catch (error) {
      res.writeHead(502, { "content-type": "text/plain" }).end(String(error));
    }
  });
  const port = await freePort();
  await new Promise<void>((done) => server.listen(port, "127.0.0.1", () => done()));
  peer.upstream = `http://127.0.0.1:${port}/${list}/`;
  return peer;
}
