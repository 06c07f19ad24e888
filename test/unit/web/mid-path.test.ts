import { describe, expect, it } from "vitest";
import { midFromPath, midPathSegment } from "../../../functions/mail/mid-path";

describe("Message-IDs in paths", () => {
  it("escapes as public-inbox does: @ literal, / and other reserved characters percent-escaped", () => {
    expect(midPathSegment("20200101.1-1-a@b.org")).toBe("20200101.1-1-a@b.org");
    expect(midPathSegment("a/b@c")).toBe("a%2Fb@c");
    expect(midPathSegment("a?b#c%d e@x")).toBe("a%3Fb%23c%25d%20e@x");
    expect(midPathSegment("ü@x")).toBe("%C3%BC@x");
    expect(midPathSegment("$&'()*+,;=:!~@x")).toBe("$&'()*+,;=:!~@x");
  });

  it("round-trips through decodeURIComponent, and accepts <> around the id", () => {
    for (const id of ["a/b@c", "a?b#c%d e@x", "ü@x", "x+y@z"]) {
      expect(midFromPath(decodeURIComponent(midPathSegment(id)))).toBe(id);
    }
    expect(midFromPath("<a@b>")).toBe("a@b");
  });
});
