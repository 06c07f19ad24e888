import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callApp, envWith, workerDatabase } from "../helpers/worker";

// The admin job API through the real app in the Workers runtime.
const env = envWith("admin_jobs");
const auth = { authorization: `Bearer ${env.ADMIN_TOKEN}` };

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies are checked field by field
async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await callApp(path, env, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
}

let db: ReturnType<typeof workerDatabase>;
beforeAll(async () => {
  db = workerDatabase(env);
  await db.pool.query(
    "INSERT INTO mailing_lists (slug, name) VALUES ('kgdb-bugreport', 'kgdb'), ('wcn36xx', 'w')",
  );
});
afterAll(() => db.end());

describe("admin: jobs", () => {
  it("refuses without the bearer token", async () => {
    for (const [method, path] of [
      ["GET", "/admin/v1/jobs"],
      ["POST", "/admin/v1/jobs"],
      ["DELETE", "/admin/v1/jobs/1"],
      ["GET", "/admin/v1/database/status"],
      ["POST", "/admin/v1/search/index/refresh"],
    ] as const) {
      const res = await callApp(path, env, { method, headers: { authorization: "Bearer wrong" } });
      expect(res.status, path).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    }
  });

  it("creates, lists by state and list, gets, cancels and deletes jobs", async () => {
    const created = await call("POST", "/admin/v1/jobs", {
      kind: "search.refresh",
      list: "kgdb-bugreport",
      priority: 3,
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({
      kind: "search.refresh",
      list: "kgdb-bugreport",
      state: "queued",
      priority: 3,
      attempts: 0,
      maxAttempts: 5,
      error: null,
    });
    const id = created.body.data.id;
    const all = await call("POST", "/admin/v1/jobs", { kind: "embeddings.fill", maxAttempts: 2 });
    expect(all.body.data).toMatchObject({ list: null, maxAttempts: 2 });

    const byList = await call("GET", "/admin/v1/jobs?list=kgdb-bugreport&state=queued");
    expect(byList.status).toBe(200);
    expect(byList.body.data.map((j: { id: number }) => j.id)).toEqual([id]);
    expect(byList.body.meta).toEqual({ page: 1, pageSize: 25, total: 1 });
    const page = await call("GET", "/admin/v1/jobs?pageSize=1&page=2");
    expect(page.body.meta).toEqual({ page: 2, pageSize: 1, total: 2 });
    expect(page.body.data[0].id).toBe(id); // newest first
    expect((await call("GET", "/admin/v1/jobs?state=running")).body.meta.total).toBe(0);

    expect((await call("GET", `/admin/v1/jobs/${id}`)).body.data.id).toBe(id);
    const notFinished = await call("DELETE", `/admin/v1/jobs/${id}`);
    expect(notFinished.status).toBe(409);
    expect(notFinished.body.error.code).toBe("conflict");

    const cancelled = await call("POST", `/admin/v1/jobs/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data).toMatchObject({ state: "cancelled", error: "cancelled by an operator" });
    expect((await call("POST", `/admin/v1/jobs/${id}/cancel`)).status).toBe(409);
    expect((await call("DELETE", `/admin/v1/jobs/${id}`)).status).toBe(204);
    expect((await call("GET", `/admin/v1/jobs/${id}`)).status).toBe(404);
    expect((await call("DELETE", `/admin/v1/jobs/${id}`)).status).toBe(404);
  });

  it("answers 400 for bad input and 404 for unknown lists or jobs, never a 500", async () => {
    const cases: [string, string, unknown, number][] = [
      ["POST", "/admin/v1/jobs", { kind: "rm -rf" }, 400],
      ["POST", "/admin/v1/jobs", { kind: "search.refresh", priority: "high" }, 400],
      ["POST", "/admin/v1/jobs", { kind: "search.refresh", maxAttempts: 0 }, 400],
      ["POST", "/admin/v1/jobs", { kind: "search.refresh", runAfter: "tomorrow" }, 400],
      ["POST", "/admin/v1/jobs", { kind: "search.refresh", list: "no-such-list" }, 404],
      ["GET", "/admin/v1/jobs?state=sleeping", undefined, 400],
      ["GET", "/admin/v1/jobs?pageSize=1000", undefined, 400],
      ["GET", "/admin/v1/jobs?list=no-such-list", undefined, 404],
      ["GET", "/admin/v1/jobs/abc", undefined, 400],
      ["GET", "/admin/v1/jobs/99999999", undefined, 404],
      ["POST", "/admin/v1/jobs/99999999/cancel", undefined, 404],
    ];
    for (const [method, path, body, status] of cases) {
      const res = await call(method, path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(status);
      expect(res.body.error.code).toBeTypeOf("string");
    }
    const garbage = await callApp("/admin/v1/jobs", env, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: "{not json",
    });
    expect(garbage.status).toBe(400);
  });

  it("documents the admin API in OpenAPI", async () => {
    const res = await callApp("/admin/v1/openapi.json", env);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/jobs",
        "/jobs/{id}",
        "/jobs/{id}/cancel",
        "/search/index/status",
        "/search/index/refresh",
        "/database/status",
      ]),
    );
  });
});
