import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createDatabase } from "../../db/client";
import { EMBEDDED_URL } from "../../scripts/lib/embedded";
import { serveEmbedded } from "../../scripts/lib/embedded-server";

const dir = mkdtempSync(join(tmpdir(), "nexus-settings-"));
const server = await serveEmbedded(dir, { publish: false });
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const open = () =>
  createDatabase({ url: EMBEDDED_URL, wsProxy: server.address, webSocketConstructor: WebSocket, poolMax: 1 });

describe("the embedded database's planner settings", () => {
  it("prices a random page read like an in-memory one, for every connection the bridge serves", async () => {
    for (let i = 0; i < 2; i++) {
      const db = open(); // a new pool, a new connection: the setting is the shared session's, not the client's
      try {
        const { rows } = await db.pool.query<{ random_page_cost: string }>("SHOW random_page_cost");
        expect(rows[0]!.random_page_cost).toBe("1.1");
      } finally {
        await db.end();
      }
    }
  });
});
