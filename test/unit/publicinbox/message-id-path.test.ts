import { describe, expect, it } from "vitest";
import {
  escapeMessageId,
  messageIdFromDecoded,
  messageIdFromPath,
} from "../../../functions/publicinbox/message-id-path";

/** One escaping of Message-IDs in paths for the lore face and the pages. */
describe("Message-IDs in paths", () => {
  it("escapes as public-inbox does: @ literal, / and other reserved characters percent-escaped", () => {
    expect(escapeMessageId("20200101.1-1-a@b.org")).toBe("20200101.1-1-a@b.org");
    expect(escapeMessageId("a/b@c")).toBe("a%2Fb@c");
    expect(escapeMessageId("a?b#c%d e@x")).toBe("a%3Fb%23c%25d%20e@x");
    expect(escapeMessageId("ü@x")).toBe("%C3%BC@x");
    expect(escapeMessageId("$&'()*+,;=:!~@x")).toBe("$&'()*+,;=:!~@x");
  });

  it("reads back what it wrote, from the raw path or a router's decoded segment, with or without <>", () => {
    for (const id of ["a/b@c", "a?b#c%d@x", "ü@x", "x+y@z"]) {
      expect(messageIdFromPath(escapeMessageId(id))).toBe(id);
      expect(messageIdFromDecoded(decodeURIComponent(escapeMessageId(id)))).toBe(id);
    }
    expect(messageIdFromDecoded("<a@b>")).toBe("a@b");
  });

  it("names no id that could never be stored", () => {
    for (const bad of ["", "a b@c", "a\u0000@b", `${"x".repeat(996)}@y`, "<>"])
      expect(messageIdFromDecoded(bad)).toBe(null);
    expect(messageIdFromPath("%E0%A4%A")).toBe(null);
  });
});
