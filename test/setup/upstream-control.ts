import { createServer } from "node:http";
import type { TestProject } from "vitest/node";
import { freePort } from "../../scripts/lib/lore-peers";
import { type FaultMode, startUpstreamPeer, type UpstreamPeer } from "../helpers/upstream-peer";

/**
 * Global setup (worker project): a control server on 127.0.0.1 through which tests inside the Workers runtime
 * (which cannot start processes) start an upstream — public-inbox-httpd on a copy of the kgdb inbox, behind a
 * proxy that can play faulty — set its fault, deliver mail to it with public-inbox-mda, and read what it holds
 * and what it was asked. Nothing starts until a test asks, so other worker tests pay only for a listening socket.
 */
declare module "vitest" {
  export interface ProvidedContext {
    /** `http://127.0.0.1:PORT` of the control server */
    upstreamControl: string;
  }
}

export default async function setup(project: TestProject) {
  let peer: UpstreamPeer | null = null;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://control");
    const reply = (status: number, body: unknown) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    try {
      if (url.pathname === "/start") {
        await peer?.stop();
        peer = await startUpstreamPeer();
        return reply(200, { upstream: peer.upstream, direct: peer.direct, list: peer.list });
      }
      if (!peer) return reply(409, { error: "no upstream started" });
      if (url.pathname === "/fault") {
        peer.fault = (url.searchParams.get("mode") ?? "pass") as FaultMode;
        return reply(200, { fault: peer.fault });
      }
      if (url.pathname === "/deliver") {
        const ids = await peer.deliver(
          Number(url.searchParams.get("count") ?? "1"),
          url.searchParams.get("tag") ?? "x",
        );
        return reply(200, { ids });
      }
      if (url.pathname === "/ids") return reply(200, { ids: peer.messageIds() });
      if (url.pathname === "/requests") return reply(200, { requests: peer.requests });
      if (url.pathname === "/stop") {
        await peer.stop();
        peer = null;
        return reply(200, {});
      }
      reply(404, { error: "unknown" });
    } catch (error) {
      reply(500, { error: String(error) });
    }
  });
  const port = await freePort();
  await new Promise<void>((done) => server.listen(port, "127.0.0.1", () => done()));
  project.provide("upstreamControl", `http://127.0.0.1:${port}`);
  return async () => {
    await peer?.stop();
    await new Promise<void>((done) => server.close(() => done()));
  };
}
