import { describe, expect, it } from "vitest";
import { retryAfterSeconds, windowQuery, windowUrl } from "../../../functions/upstream/fetch-window";
import { userAgent } from "../../../functions/upstream/settings";
import { normalizeUpstreamUrl } from "../../../functions/upstream/upstream-url";

describe("upstream requests", () => {
  it("windows are public-inbox rt: ranges in Unix seconds, open-ended for the last one", () => {
    const from = new Date("2024-01-01T00:00:00Z");
    expect(windowQuery({ from, to: new Date("2024-01-02T00:00:30.900Z") })).toBe("rt:1704067200..1704153630");
    expect(windowQuery({ from, to: null })).toBe("rt:1704067200..");
    expect(windowUrl("https://lore.kernel.org/linux-foo", { from, to: null })).toBe(
      "https://lore.kernel.org/linux-foo/?q=rt%3A1704067200..&x=m",
    );
  });

  it("Retry-After as seconds or an HTTP date; anything else is no advice", () => {
    expect(retryAfterSeconds("120")).toBe(120);
    const now = Date.parse("2024-01-01T00:00:00Z");
    expect(retryAfterSeconds("Mon, 01 Jan 2024 00:01:00 GMT", now)).toBe(60);
    expect(retryAfterSeconds("soon")).toBeUndefined();
    expect(retryAfterSeconds(null)).toBeUndefined();
  });

  it("an upstream is an inbox root over http(s), without query, fragment or credentials", () => {
    expect(normalizeUpstreamUrl("https://lore.kernel.org/linux-foo")).toBe(
      "https://lore.kernel.org/linux-foo/",
    );
    expect(normalizeUpstreamUrl(" http://127.0.0.1:8080/kgdb/ ")).toBe("http://127.0.0.1:8080/kgdb/");
    for (const bad of [
      "lore",
      "ftp://x/y/",
      "https://lore.kernel.org/",
      "https://u:p@h/l/",
      "https://h/l/?q=x",
    ])
      expect(normalizeUpstreamUrl(bad)).toHaveProperty("error");
  });

  it("the User-Agent names Nexus and the operator's contact, on one line", () => {
    expect(userAgent("ops@example.org")).toBe("Nexus/0.1.0 (public-inbox mirror; +ops@example.org)");
    expect(userAgent("a\r\nX-Evil: 1")).not.toMatch(/[\r\n]/);
    expect(userAgent(undefined)).toContain("operator contact not set");
  });
});
