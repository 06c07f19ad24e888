import { sign } from "hono/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { adminRouter } from "../../functions/api/admin";
import { workerArgon2 } from "../../functions/auth/argon2-worker";
import { hashPassword } from "../../functions/auth/password";
import { callApp, envWith, workerDatabase } from "../helpers/worker";

/** Sign-in, sessions, API tokens and the admin guard, in the Workers runtime against the real database. */
const bindings = envWith("auth_http");
const PASSWORD = "a long enough passphrase";
let ip = 0;
const from = () => ({ "cf-connecting-ip": `192.0.2.${++ip}` });

let adminId = 0;
let readerId = 0;
beforeAll(async () => {
  const argon2 = await workerArgon2();
  const db = workerDatabase(bindings);
  const make = async (email: string, role: string) => {
    const r = await db.pool.query(
      `WITH u AS (INSERT INTO users (auth_provider, email, role) VALUES ('local', $1, $2) RETURNING id)
       INSERT INTO local_user_credentials (user_id, password_hash) SELECT id, $3 FROM u RETURNING user_id`,
      [email, role, hashPassword(argon2, PASSWORD)],
    );
    return Number(r.rows[0].user_id);
  };
  adminId = await make("admin@example.org", "admin");
  readerId = await make("reader@example.org", "user");
  await make("locked@example.org", "user");
  await db.end();
});

const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
  callApp(path, bindings, {
    method: "POST",
    headers: { "content-type": "application/json", ...from(), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const get = (path: string, token?: string) =>
  callApp(path, bindings, { headers: token ? { authorization: `Bearer ${token}` } : {} });

/** The cookies a response sets, by name, with their attributes. */
function cookies(res: Response): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of (res.headers as unknown as { getSetCookie(): string[] }).getSetCookie())
    out.set(c.slice(0, c.indexOf("=")), c);
  return out;
}
const value = (cookie: string) => cookie.slice(cookie.indexOf("=") + 1, cookie.indexOf(";"));

async function login(email: string, password = PASSWORD) {
  const res = await post("/api/v1/auth/login", { email, password });
  const text = await res.text();
  const body = JSON.parse(text) as { data: { accessToken: string; csrfToken: string } };
  // the answer without its request id, which differs on every request
  const answer = text.replace(/"requestId":"[^"]*"/, "");
  return { res, text, answer, body, cookies: cookies(res) };
}
/** A refresh request carrying a session's cookies and CSRF header. */
const refresh = (refreshCookie: string, csrf: string, header = csrf) =>
  post("/api/v1/auth/refresh", undefined, {
    cookie: `nexus_refresh=${value(refreshCookie)}; nexus_csrf=${csrf}`,
    "x-csrf-token": header,
  });

describe("login", () => {
  it("signs in: a 15-minute access token, the refresh cookie HttpOnly, Secure, SameSite=Lax on the auth path", async () => {
    const { res, body, cookies: set } = await login("Admin@Example.org");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const { exp, iat, role, sub, tv } = JSON.parse(atob(body.data.accessToken.split(".")[1]!));
    expect([exp - iat, role, sub, tv]).toEqual([900, "admin", String(adminId), 0]);
    const r = set.get("nexus_refresh")!;
    expect(r).toMatch(/HttpOnly/);
    expect(r).toMatch(/Secure/);
    expect(r).toMatch(/SameSite=Lax/);
    expect(r).toMatch(/Path=\/api\/v1\/auth/);
    expect(value(set.get("nexus_csrf")!)).toBe(body.data.csrfToken);
    const me = await get("/api/v1/users/me", body.data.accessToken);
    expect(await me.json()).toEqual({
      data: { id: adminId, email: "admin@example.org", displayName: null, role: "admin", preferences: {} },
    });
  });

  it("PATCH /users/me changes the display name and merges validated preferences", async () => {
    const token = (await login("reader@example.org")).body.data.accessToken;
    const patch = (body: unknown) =>
      callApp("/api/v1/users/me", bindings, {
        method: "PATCH",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
    expect((await patch({ displayName: "Rea Der", preferences: { theme: "dark" } })).status).toBe(200);
    const res = await patch({ preferences: { threadView: "nested" } });
    expect(((await res.json()) as { data: unknown }).data).toMatchObject({
      displayName: "Rea Der",
      preferences: { theme: "dark", threadView: "nested" },
    });
    for (const bad of [
      { preferences: { theme: "neon" } },
      { preferences: { unknownKey: 1 } },
      { role: "admin" },
      { displayName: "" },
      { displayName: "x".repeat(101) },
    ])
      expect((await patch(bad)).status, JSON.stringify(bad)).toBe(400);
    const me = (await (await get("/api/v1/users/me", token)).json()) as { data: { role: string } };
    expect(me.data.role).toBe("user");
  });

  it("a wrong password and an unknown account answer the same, and no secret is echoed", async () => {
    const wrong = await login("reader@example.org", "not the passphrase");
    const unknown = await login("nobody@example.org", "not the passphrase");
    expect(wrong.res.status).toBe(401);
    expect(unknown.res.status).toBe(401);
    expect(wrong.answer).toBe(unknown.answer);
    expect(wrong.text).not.toContain("not the passphrase");
  });

  it("locks after 5 failures (a locked account answers as a wrong password), and the lock ends", async () => {
    for (let i = 0; i < 5; i++)
      expect((await login("locked@example.org", "wrong guess!")).res.status).toBe(401);
    const locked = await login("locked@example.org");
    expect(locked.res.status).toBe(401);
    expect(locked.answer).toBe((await login("nobody@example.org")).answer);
    const db = workerDatabase(bindings);
    const [row] = (
      await db.pool.query(
        "SELECT c.failed_attempts, c.locked_until > now() AS locked FROM local_user_credentials c JOIN users u ON u.id = c.user_id WHERE u.email = 'locked@example.org'",
      )
    ).rows;
    expect(row).toEqual({ failed_attempts: 5, locked: true });
    await db.pool.query(
      "UPDATE local_user_credentials SET locked_until = now() - interval '1 second' WHERE failed_attempts = 5",
    );
    await db.end();
    expect((await login("locked@example.org")).res.status).toBe(200);
  });

  it("limits attempts per client address", async () => {
    const address = { "cf-connecting-ip": "198.51.100.7" };
    let last = 0;
    for (let i = 0; i < 21; i++)
      last = (await post("/api/v1/auth/login", { email: "x@example.org", password: "wrong guess!" }, address))
        .status;
    expect(last).toBe(429);
  });

  it("refuses bad bodies with 400", async () => {
    expect((await post("/api/v1/auth/login", { email: "a@b" })).status).toBe(400);
    expect((await post("/api/v1/auth/login", { email: "a@b", password: "x".repeat(5000) })).status).toBe(400);
  });
});

describe("access tokens", () => {
  it("refuses expired, tampered, wrongly signed and alg:none tokens, and tokens of a bumped token_version", async () => {
    const secret = bindings.JWT_SECRET!;
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: String(readerId), role: "user", tv: 0, iat: now, exp: now + 900 };
    const good = await sign(claims, secret, "HS256");
    expect((await get("/api/v1/users/me", good)).status).toBe(200);
    const expired = await sign({ ...claims, iat: now - 2000, exp: now - 1000 }, secret, "HS256");
    const wrongKey = await sign(claims, "another secret entirely", "HS256");
    const [h, , s] = good.split(".");
    const tampered = `${h}.${btoa(JSON.stringify({ ...claims, role: "admin" })).replace(/=+$/, "")}.${s}`;
    const none = `${btoa(JSON.stringify({ alg: "none", typ: "JWT" })).replace(/=+$/, "")}.${btoa(JSON.stringify(claims)).replace(/=+$/, "")}.`;
    for (const t of [expired, wrongKey, tampered, none, "garbage", "a.b.c"]) {
      const res = await get("/api/v1/users/me", t);
      expect(res.status, t).toBe(401);
      expect(await res.text()).not.toContain(t);
    }
    const stale = await sign({ ...claims, tv: 7 }, secret, "HS256");
    expect((await get("/api/v1/users/me", stale)).status).toBe(401);
  });

  it("a token signed with the previous key passes while the rotation lasts", async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: String(readerId), role: "user", tv: 0, iat: now, exp: now + 900 };
    const old = await sign(claims, "the previous key", "HS256");
    const rotated = envWith("auth_http", { JWT_SECRET_PREVIOUS: "the previous key" });
    const res = await callApp("/api/v1/users/me", rotated, { headers: { authorization: `Bearer ${old}` } });
    expect(res.status).toBe(200);
    expect((await get("/api/v1/users/me", old)).status).toBe(401);
  });
});

describe("refresh tokens", () => {
  it("rotate on every use; a rotated token shown again ends the whole family and every access token", async () => {
    const first = await login("reader@example.org");
    const csrf = first.body.data.csrfToken;
    const r1 = first.cookies.get("nexus_refresh")!;
    const second = await refresh(r1, csrf);
    expect(second.status).toBe(200);
    const s2 = (await second.json()) as { data: { accessToken: string; csrfToken: string } };
    const r2 = cookies(second).get("nexus_refresh")!;
    expect(value(r2)).not.toBe(value(r1));
    expect((await get("/api/v1/users/me", s2.data.accessToken)).status).toBe(200);
    // a second tab spending r1 at the same moment is refused, and ends nothing
    const race = await refresh(r1, csrf);
    expect(race.status).toBe(401);
    expect(await race.text()).not.toMatch(/already used/);
    expect((await get("/api/v1/users/me", s2.data.accessToken)).status).toBe(200);
    // someone replays r1 later: the family ends (r2 too) and token_version moves on
    const db = workerDatabase(bindings);
    await db.pool.query(
      "UPDATE user_refresh_tokens SET rotated_at = rotated_at - interval '1 minute' WHERE rotated_at IS NOT NULL",
    );
    await db.end();
    const replay = await refresh(r1, csrf);
    expect(replay.status).toBe(401);
    expect(await replay.text()).toMatch(/already used/);
    expect((await refresh(r2, s2.data.csrfToken)).status).toBe(401);
    expect((await get("/api/v1/users/me", s2.data.accessToken)).status).toBe(401);
    expect((await get("/api/v1/users/me", first.body.data.accessToken)).status).toBe(401);
  });

  it("want the CSRF header: missing or wrong is a 403", async () => {
    const s = await login("reader@example.org");
    const r = s.cookies.get("nexus_refresh")!;
    const missing = await post("/api/v1/auth/refresh", undefined, {
      cookie: `nexus_refresh=${value(r)}; nexus_csrf=${s.body.data.csrfToken}`,
    });
    expect(missing.status).toBe(403);
    expect((await refresh(r, s.body.data.csrfToken, "not-the-token")).status).toBe(403);
    expect((await refresh(r, s.body.data.csrfToken)).status).toBe(200);
  });

  it("logout revokes the session's token; logout-all ends every session", async () => {
    const a = await login("reader@example.org");
    const out = await post("/api/v1/auth/logout", undefined, {
      cookie: `nexus_refresh=${value(a.cookies.get("nexus_refresh")!)}; nexus_csrf=${a.body.data.csrfToken}`,
      "x-csrf-token": a.body.data.csrfToken,
    });
    expect(out.status).toBe(204);
    expect((await refresh(a.cookies.get("nexus_refresh")!, a.body.data.csrfToken)).status).toBe(401);

    const b = await login("reader@example.org");
    const c = await login("reader@example.org");
    const all = await post("/api/v1/auth/logout-all", undefined, {
      authorization: `Bearer ${b.body.data.accessToken}`,
    });
    expect(all.status).toBe(204);
    expect((await get("/api/v1/users/me", c.body.data.accessToken)).status).toBe(401);
    expect((await refresh(c.cookies.get("nexus_refresh")!, c.body.data.csrfToken)).status).toBe(401);
  });
});

describe("API tokens and the admin guard", () => {
  const adminPaths = [
    ...new Set(
      adminRouter.routes
        .filter((r) => r.method !== "ALL")
        .map((r) => `${r.method} /admin/v1${r.path.replace(/:(\w+)\{[^}]*\}|:(\w+)/g, "1")}`),
    ),
  ];
  const call = (route: string, token?: string) => {
    const [method, path] = route.split(" ") as [string, string];
    return callApp(path, bindings, {
      method,
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: method === "GET" || method === "HEAD" ? undefined : "{}",
    });
  };

  it("every admin route: anonymous 401, a reader 403, a read-scoped token 403", async () => {
    expect(adminPaths.length).toBeGreaterThan(5);
    const reader = (await login("reader@example.org")).body.data.accessToken;
    const admin = (await login("admin@example.org")).body.data.accessToken;
    const made = await callApp("/api/v1/users/me/tokens", bindings, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${admin}` },
      body: JSON.stringify({ name: "ci", scope: "read" }),
    });
    const readToken = ((await made.json()) as { data: { token: string } }).data.token;
    for (const route of adminPaths) {
      expect((await call(route)).status, route).toBe(401);
      expect((await call(route, reader)).status, route).toBe(403);
      expect((await call(route, readToken)).status, route).toBe(403);
      // an admin passes the guard: whatever the route answers (its own 4xx for a made-up id), never 401/403
      const status = (await call(route, admin)).status;
      expect([401, 403, 500], route).not.toContain(status);
    }
  });

  it("an admin's access token, an admin-scoped token and the opt-in ADMIN_TOKEN pass", async () => {
    const admin = (await login("admin@example.org")).body.data.accessToken;
    const res = await callApp("/api/v1/users/me/tokens", bindings, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${admin}` },
      body: JSON.stringify({ name: "deploy", scope: "admin", expiresInDays: 7 }),
    });
    expect(res.status).toBe(201);
    const made = (await res.json()) as { data: { id: number; token: string } };
    expect(made.data.token).toMatch(/^nxp_/);
    for (const token of [admin, made.data.token, bindings.ADMIN_TOKEN!])
      expect((await get("/admin/v1/jobs", token)).status).toBe(200);
    // the secret is shown once: the list has no token, the database only its hash
    const list = await (await get("/api/v1/users/me/tokens", admin)).text();
    expect(list).not.toContain(made.data.token);
    const db = workerDatabase(bindings);
    const stored = (await db.pool.query("SELECT hashed_token FROM api_tokens")).rows.map(
      (r) => r.hashed_token,
    );
    await db.end();
    expect(stored.join()).not.toContain(made.data.token);
    // revoked: refused
    const del = await callApp(`/api/v1/users/me/tokens/${made.data.id}`, bindings, {
      method: "DELETE",
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(del.status).toBe(204);
    expect((await get("/admin/v1/jobs", made.data.token)).status).toBe(401);
  });

  it("a reader cannot make an admin-scoped token", async () => {
    const reader = (await login("reader@example.org")).body.data.accessToken;
    const res = await callApp("/api/v1/users/me/tokens", bindings, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${reader}` },
      body: JSON.stringify({ name: "sneaky", scope: "admin" }),
    });
    expect(res.status).toBe(403);
  });
});
