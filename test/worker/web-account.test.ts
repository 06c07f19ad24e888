import { beforeAll, describe, expect, it } from "vitest";
import { workerArgon2 } from "../../functions/auth/argon2-worker";
import { hashPassword } from "../../functions/auth/password";
import { safeNext } from "../../functions/web/session";
import { callApp, envWith, workerDatabase } from "../helpers/worker";

/**
 * The account pages without JavaScript, as a browser drives them: the sign-in form, the page session and its
 * refresh, the user menu, Watch / Mute / Unfollow on thread pages, a notification after an ingest, mark read,
 * sign-out; CSRF on every form, no open redirect. Real app, real database, the Workers runtime.
 */
const bindings = envWith("web_account");
const PASSWORD = "correct horse battery staple";
const EMAIL = "reader@example.org";
const HTML = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8";
const ROOT = "web-account-root@example.org";
let ip = 0;
let userId = 0;
let threadId = 0;

const mail = (id: string, subject: string, inReplyTo?: string) =>
  [
    "From: Someone Else <someone@example.net>",
    "To: list@example.org",
    `Subject: ${subject}`,
    `Message-ID: <${id}>`,
    ...(inReplyTo ? [`In-Reply-To: <${inReplyTo}>`, `References: <${inReplyTo}>`] : []),
    `Date: Mon, 1 Jan 2024 0${inReplyTo ? 1 : 0}:00:00 +0000`,
    "Content-Type: text/plain; charset=utf-8",
    "",
    "Body.",
    "",
  ].join("\r\n");

async function ingest(text: string) {
  const res = await callApp("/admin/v1/lists/acct/messages", bindings, {
    method: "POST",
    headers: { "content-type": "message/rfc822", authorization: `Bearer ${bindings.ADMIN_TOKEN}` },
    body: text,
  });
  expect(res.status).toBe(200);
}

const q = async <T>(text: string, params: unknown[] = []) => {
  const db = workerDatabase(bindings);
  try {
    return (await db.pool.query(text, params)).rows as T[];
  } finally {
    await db.end();
  }
};

beforeAll(async () => {
  const argon2 = await workerArgon2();
  const [u] = await q<{ id: number }>(
    `WITH u AS (INSERT INTO users (auth_provider, email, display_name) VALUES ('local', $1, 'Rea <d> er') RETURNING id)
     INSERT INTO local_user_credentials (user_id, password_hash) SELECT id, $2 FROM u RETURNING user_id::int id`,
    [EMAIL, hashPassword(argon2, PASSWORD)],
  );
  userId = u!.id;
  await q("INSERT INTO mailing_lists (slug, name) VALUES ('acct', 'Accounts test')");
  await ingest(mail(ROOT, "A thread to <watch> & follow"));
  const [t] = await q<{ id: number }>("SELECT id::int FROM threads WHERE root_message_id = $1", [ROOT]);
  threadId = t!.id;
});

/** A browser: its cookies (by name, as the Set-Cookie headers leave them) and one address. */
class Browser {
  cookies = new Map<string, string>();
  address = `198.51.100.${++ip}`;
  async request(
    path: string,
    init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = {
      accept: HTML,
      "cf-connecting-ip": this.address,
      ...init.headers,
    };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    if (init.form) headers["content-type"] = "application/x-www-form-urlencoded";
    const res = await callApp(path, bindings, {
      method: init.method ?? (init.form ? "POST" : "GET"),
      headers,
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
      redirect: "manual",
    });
    const set = (res.headers as unknown as { getSetCookie(): string[] }).getSetCookie();
    for (const c of set) {
      const [pair] = c.split(";");
      const name = pair!.slice(0, pair!.indexOf("="));
      const value = pair!.slice(pair!.indexOf("=") + 1);
      if (/Max-Age=0/i.test(c) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { res, status: res.status, html: await res.text(), set, location: res.headers.get("location") };
  }
  get csrf() {
    return this.cookies.get("nexus_csrf") ?? "";
  }
  signIn(email = EMAIL, password = PASSWORD, next = "/") {
    return this.request("/login", { form: { email, password, next } });
  }
}

const withoutNonce = (html: string) => html.replace(/nonce="[^"]*"/g, "");
const threadPage = `/acct/${ROOT}/T/`;

describe("signing in with the form", () => {
  it("shows the form; the same 401 page for an unknown account and a wrong password, no cookie", async () => {
    const b = new Browser();
    const form = await b.request("/login?next=%2Facct%2F");
    expect(form.status).toBe(200);
    expect(form.html).toContain('<form method="post" action="/login"');
    expect(form.html).toContain('name="next" value="/acct/"');
    const wrong = await b.signIn(EMAIL, "not the password at all");
    const unknown = await new Browser().signIn(EMAIL.replace("reader", "nobody"), "not the password at all");
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.html).toContain("Wrong email or password.");
    expect(withoutNonce(wrong.html)).toBe(
      withoutNonce(unknown.html).replace("nobody@example.org", "reader@example.org"),
    );
    expect(wrong.html).not.toContain("not the password at all");
    expect(wrong.set).toEqual([]);
    expect(unknown.set).toEqual([]);
  });

  it("signs in: 303 to next, the page-session cookie HttpOnly, Secure, SameSite=Lax on /, and the user menu", async () => {
    const b = new Browser();
    const anon = await b.request("/");
    expect(anon.html).toContain('href="/login">Sign in</a>');
    const res = await b.signIn(EMAIL, PASSWORD, "/acct/");
    expect(res.status).toBe(303);
    expect(res.location).toBe("/acct/");
    const session = res.set.find((c) => c.startsWith("nexus_session="))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/Secure/);
    expect(session).toMatch(/SameSite=Lax/);
    expect(session).toMatch(/Path=\/;/);
    expect(session).toMatch(/Max-Age=900/);
    expect(res.set.find((c) => c.startsWith("nexus_refresh="))).toMatch(/Path=\/api\/v1\/auth/);
    const home = await b.request("/");
    expect(home.status).toBe(200);
    expect(home.res.headers.get("cache-control")).toBe("private, no-store");
    expect(home.html).toContain("Rea &lt;d&gt; er");
    expect(home.html).toContain('<a href="/notifications">Notifications (0 unread)</a>');
    expect(home.html).toContain(`name="csrf" value="${b.csrf}"`);
    expect(home.html).toContain('action="/api/v1/auth/session/logout"');
    // the JSON API takes no cookie for a credential
    const me = await b.request("/api/v1/users/me", { headers: { accept: "application/json" } });
    expect(me.status).toBe(401);
  });

  it("refuses a sign-in form posted from another site", async () => {
    const res = await new Browser().request("/login", {
      form: { email: EMAIL, password: PASSWORD },
      headers: { origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
    expect(res.set).toEqual([]);
  });

  it("an expired page session is refreshed from the refresh cookie, once, and the page comes back", async () => {
    const b = new Browser();
    await b.signIn();
    const oldRefresh = b.cookies.get("nexus_refresh");
    b.cookies.delete("nexus_session"); // what the browser does after its 15 minutes
    const hop = await b.request("/acct/?o=0");
    expect(hop.status).toBe(303);
    expect(hop.location).toBe("/api/v1/auth/session?next=%2Facct%2F%3Fo%3D0");
    const back = await b.request(hop.location!);
    expect(back.status).toBe(303);
    expect(back.location).toBe("/acct/?o=0");
    expect(b.cookies.get("nexus_refresh")).not.toBe(oldRefresh);
    const page = await b.request(back.location!);
    expect(page.status).toBe(200);
    expect(page.html).toContain("Notifications (");
  });
});

describe("the page session and the JSON API's sign-in share their rules", () => {
  it("the form's address budget: the 21st attempt in the window is a 429 page", async () => {
    const b = new Browser();
    for (let i = 0; i < 20; i++)
      expect((await b.signIn("nobody-else@example.org", "wrong password")).status).toBe(401);
    const res = await b.signIn();
    expect(res.status).toBe(429);
    expect(res.html).toContain("Too many sign-in attempts");
    expect(res.set).toEqual([]);
  });

  it("logout-all ends a copied page-session cookie at once (token_version)", async () => {
    const b = new Browser();
    await b.signIn();
    const session = b.cookies.get("nexus_session")!;
    const all = await b.request("/api/v1/auth/logout-all", {
      method: "POST",
      headers: { authorization: `Bearer ${session}`, accept: "application/json" },
    });
    expect(all.status).toBe(204);
    const copy = new Browser();
    copy.cookies.set("nexus_session", session);
    const home = await copy.request("/");
    expect(home.status).toBe(200);
    expect(home.html).toContain(">Sign in</a>");
  });
});

describe("open redirects", () => {
  it("next is a path of this site or /", async () => {
    for (const bad of [
      "//evil.example/",
      "/\\evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "/%0d%0aLocation:x",
      "\t//evil.example",
      "",
    ])
      expect(safeNext(bad) === "/" || !safeNext(bad).startsWith("//"), bad).toBe(true);
    expect(safeNext("//evil.example/")).toBe("/");
    expect(safeNext("/\\evil.example")).toBe("/");
    expect(safeNext("https://evil.example/")).toBe("/");
    expect(safeNext("/acct/?o=50#m1")).toBe("/acct/?o=50#m1");
    const b = new Browser();
    const res = await b.signIn(EMAIL, PASSWORD, "//evil.example/");
    expect(res.status).toBe(303);
    expect(res.location).toBe("/");
    const again = await b.request(`/login?next=${encodeURIComponent("/\\evil.example")}`);
    expect(again.location).toBe("/");
    const hop = await b.request(`/api/v1/auth/session?next=${encodeURIComponent("https://evil.example/")}`);
    expect(hop.location).toBe("/");
    const form = await b.request(`/_/follow/${threadId}`, {
      form: { level: "watch", csrf: b.csrf, next: "https://evil.example/x" },
    });
    expect(form.location).toBe("/");
    await b.request(`/_/follow/${threadId}`, { form: { level: "none", csrf: b.csrf, next: "/" } });
  });
});

describe("following a thread and its notifications", () => {
  it("anonymous: the thread page links to sign-in; the notifications page and the forms lead there", async () => {
    const b = new Browser();
    const page = await b.request(threadPage);
    expect(page.html).toContain(`href="/login?next=${encodeURIComponent(threadPage)}">Sign in</a> to watch`);
    const notes = await b.request("/notifications?o=0");
    expect(notes.status).toBe(303);
    expect(notes.location).toBe("/login?next=%2Fnotifications%3Fo%3D0");
    const form = await b.request(`/_/follow/${threadId}`, { form: { level: "watch", next: threadPage } });
    expect(form.status).toBe(303);
    expect(form.location).toBe(`/login?next=${encodeURIComponent(threadPage)}`);
  });

  it("Watch needs the CSRF token; then a reply ingested brings a notification; mark read; Unfollow", async () => {
    const b = new Browser();
    await b.signIn();
    const page = await b.request(threadPage);
    expect(page.html).toContain("You do not follow this thread.");
    expect(page.html).toContain(`action="/_/follow/${threadId}"`);
    expect(page.html).toContain("A thread to &lt;watch&gt; &amp; follow");
    for (const csrf of [undefined, "", "wrong-token", `${b.csrf}x`]) {
      const form: Record<string, string> = { level: "watch", next: threadPage };
      if (csrf !== undefined) form.csrf = csrf;
      const refused = await b.request(`/_/follow/${threadId}`, { form });
      expect(refused.status, String(csrf)).toBe(403);
      expect(refused.html).toContain("Form refused");
      expect(refused.html).not.toContain(b.csrf);
    }
    expect(await q("SELECT 1 FROM user_thread_follows WHERE user_id = $1", [userId])).toEqual([]);
    const watch = await b.request(`/_/follow/${threadId}`, {
      form: { level: "watch", csrf: b.csrf, next: threadPage },
    });
    expect(watch.status).toBe(303);
    expect(watch.location).toBe(threadPage);
    const watching = await b.request(threadPage);
    expect(watching.html).toContain("You watch this thread.");
    expect(watching.html).toContain('value="none"');
    const message = await b.request(`/acct/${ROOT}/`);
    expect(message.html).toContain("You watch this thread.");

    await ingest(mail("web-account-reply-1@example.org", "Re: A thread to <watch> & follow", ROOT));
    await ingest(mail("web-account-reply-2@example.org", "Re: second", "web-account-reply-1@example.org"));
    const notes = await b.request("/notifications");
    expect(notes.status).toBe(200);
    expect(notes.html).toContain("Notifications (2 unread)");
    expect(notes.html).toContain('href="/acct/web-account-reply-1@example.org/"');
    expect(notes.html).toContain('href="/acct/web-account-reply-2@example.org/"');
    expect(notes.html).toContain('aria-label="Mark read: Re: A thread to &lt;watch&gt; &amp; follow"');
    expect(notes.html).toContain('<button type="submit">Sign out</button>');
    const ids = (
      await q<{ id: number }>("SELECT id::int FROM notifications WHERE user_id = $1 ORDER BY id", [userId])
    ).map((r) => r.id);
    expect(ids).toHaveLength(2);

    const noCsrf = await b.request("/_/notifications/read", {
      form: { id: String(ids[1]), next: "/notifications" },
    });
    expect(noCsrf.status).toBe(403);
    const one = await b.request("/_/notifications/read", {
      form: { id: String(ids[1]), csrf: b.csrf, next: "/notifications" },
    });
    expect(one.status).toBe(303);
    expect(one.location).toBe("/notifications");
    expect((await b.request("/notifications?unread=1")).html).toContain("Notifications (1 unread)");
    await b.request("/_/notifications/read", { form: { upTo: String(ids[1]), csrf: b.csrf, next: "/" } });
    expect((await b.request("/")).html).toContain("Notifications (0 unread)");

    await b.request(`/_/follow/${threadId}`, { form: { level: "mute", csrf: b.csrf, next: threadPage } });
    expect((await b.request(threadPage)).html).toContain("You muted this thread.");
    await b.request(`/_/follow/${threadId}`, { form: { level: "none", csrf: b.csrf, next: threadPage } });
    expect((await b.request(threadPage)).html).toContain("You do not follow this thread.");
    const bad = await b.request(`/_/follow/${threadId}`, { form: { level: "loud", csrf: b.csrf } });
    expect(bad.status).toBe(400);
    const missing = await b.request("/_/follow/999999999", { form: { level: "watch", csrf: b.csrf } });
    expect(missing.status).toBe(404);
  });
});

describe("signing out", () => {
  it("wants the CSRF token; ends the session: cookies cleared, the refresh token revoked", async () => {
    const b = new Browser();
    await b.signIn();
    const refresh = b.cookies.get("nexus_refresh")!;
    const csrf = b.csrf;
    const refused = await b.request("/api/v1/auth/session/logout", { form: { csrf: "nope" } });
    expect(refused.status).toBe(403);
    expect(refused.res.headers.get("content-type")).toMatch(/^text\/html/);
    const out = await b.request("/api/v1/auth/session/logout", { form: { csrf } });
    expect(out.status).toBe(303);
    expect(out.location).toBe("/");
    expect([...b.cookies.keys()]).toEqual([]);
    expect((await b.request("/")).html).toContain(">Sign in</a>");
    // the refresh token kept by someone does not bring the session back
    const thief = new Browser();
    thief.cookies.set("nexus_refresh", refresh);
    thief.cookies.set("nexus_csrf", csrf);
    const hop = await thief.request("/api/v1/auth/session?next=%2F");
    expect(hop.location).toBe("/");
    expect(thief.cookies.has("nexus_session")).toBe(false);
  });
});
