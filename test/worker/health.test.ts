import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("health", () => {
  it("live answers without the database", async () => {
    const res = await exports.default.fetch("http://nexus/api/v1/health/live");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "live" });
  });

  it("ready reports every migration applied and the vector index", async () => {
    const res = await exports.default.fetch("http://nexus/api/v1/health/ready");
    const body = (await res.json()) as Record<string, any>;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.migrations.pending).toEqual([]);
    expect(body.migrations.applied.length).toBeGreaterThan(0);
    expect(body.migrations.vectorIndex).toBe("hnsw");
    expect(env.DATABASE_URL).toContain("pglite");
  });
});
