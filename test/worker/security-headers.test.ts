import { describe, expect, it } from "vitest";
import { callApp, envWith } from "../helpers/worker";

/** Headers on every response, CORS only for configured origins, the docs page's policy by hash. */
const bindings = envWith("worker");

describe("security headers", () => {
  it.each(["/api/v1/health/live", "/api/v1/lists", "/no/such/path", "/api/v1/openapi.json"])(
    "%s",
    async (path) => {
      const res = await callApp(path, bindings);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(res.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
    },
  );

  it("the docs page allows exactly its own inline style and script, by hash", async () => {
    const res = await callApp("/api/docs", bindings);
    const html = await res.text();
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).not.toMatch(/unsafe-inline/);
    for (const [tag, directive] of [
      ["style", "style-src"],
      ["script", "script-src"],
    ] as const) {
      const body = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(html)![1]!;
      const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body));
      const hash = btoa(String.fromCharCode(...new Uint8Array(digest)));
      expect(csp).toContain(`${directive} 'sha256-${hash}'`);
    }
  });
});

describe("CORS", () => {
  const origin = "https://review.example.org";
  it("answers no CORS headers without CORS_ORIGINS", async () => {
    const res = await callApp("/api/v1/lists", bindings, { headers: { origin } });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
  it("allows a configured origin with credentials, and not another", async () => {
    const withCors = envWith("worker", { CORS_ORIGINS: `${origin}, https://other.example.org` });
    const ok = await callApp("/api/v1/lists", withCors, { headers: { origin } });
    expect(ok.headers.get("access-control-allow-origin")).toBe(origin);
    expect(ok.headers.get("access-control-allow-credentials")).toBe("true");
    const preflight = await callApp("/api/v1/auth/refresh", withCors, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "x-csrf-token",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/x-csrf-token/);
    const evil = await callApp("/api/v1/lists", withCors, { headers: { origin: "https://evil.example" } });
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
  });
});
