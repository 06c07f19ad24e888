import { describe, expect, it } from "vitest";
import { escapeMessageId, messageIdFromPath } from "../../../functions/publicinbox/message-id-path";
import { parseLorePath } from "../../../functions/publicinbox/paths";

describe("Message-IDs in paths", () => {
  it("escapes as public-inbox does: @ literal, / as %2F, UTF-8 bytes", () => {
    expect(escapeMessageId("a/b+c@d.e")).toBe("a%2Fb+c@d.e");
    expect(escapeMessageId("x y%z@\u00e9")).toBe("x%20y%25z@%C3%A9");
    expect(escapeMessageId("CAD=FV=W5o+/x@mail.gmail.com")).toBe("CAD=FV=W5o+%2Fx@mail.gmail.com");
  });

  it("reads escaped, unescaped and bracketed forms; refuses what cannot be an id", () => {
    for (const form of ["a%2Fb@c", "a%2fb%40c", "%3Ca%2Fb@c%3E"])
      expect(messageIdFromPath(form)).toBe("a/b@c");
    expect(messageIdFromPath("%E0%A4%A")).toBeNull();
    expect(messageIdFromPath("a%20b@c")).toBeNull();
    expect(messageIdFromPath("")).toBeNull();
    expect(messageIdFromPath("x".repeat(996))).toBeNull();
  });
});

describe("parseLorePath", () => {
  it("maps public-inbox's layout", () => {
    expect(parseLorePath("/lkml/a@b/raw")).toEqual({
      kind: "message",
      list: "lkml",
      messageId: "a@b",
      view: "raw",
    });
    expect(parseLorePath("/lkml/a@b/t.mbox.gz")).toMatchObject({ view: "thread-mbox-gz" });
    expect(parseLorePath("/lkml/a@b/t.mbox")).toMatchObject({ view: "thread-mbox" });
    expect(parseLorePath("/lkml/a@b/t.atom")).toMatchObject({ view: "thread-atom" });
    expect(parseLorePath("/lkml/a@b/")).toMatchObject({ view: "page" });
    expect(parseLorePath("/lkml/a@b/T/")).toMatchObject({ view: "thread-flat" });
    expect(parseLorePath("/lkml/a@b/t/")).toMatchObject({ view: "thread-nested" });
    expect(parseLorePath("/lkml/a@b")).toEqual({
      kind: "message-redirect",
      list: "lkml",
      messageId: "a@b",
      suffix: "",
    });
    expect(parseLorePath("/lkml/a@b/T")).toMatchObject({ kind: "message-redirect", suffix: "T/" });
    expect(parseLorePath("/lkml/")).toEqual({ kind: "list-index", list: "lkml" });
    expect(parseLorePath("/lkml")).toEqual({ kind: "list-redirect", list: "lkml" });
    expect(parseLorePath("/lkml/new.atom")).toEqual({ kind: "list-atom", list: "lkml" });
    expect(parseLorePath("/lkml/_/text/help/")).toEqual({ kind: "help", list: "lkml" });
    expect(parseLorePath("/a@b/")).toEqual({ kind: "find-message", messageId: "a@b" });
    expect(parseLorePath("/all/a@b/raw")).toMatchObject({ list: "all", messageId: "a@b" });
  });

  it("takes a Message-ID with a slash, escaped or not", () => {
    expect(parseLorePath("/lkml/a%2Fb@c/raw")).toMatchObject({ messageId: "a/b@c", view: "raw" });
    expect(parseLorePath("/lkml/a/b@c/raw")).toMatchObject({ messageId: "a/b@c", view: "raw" });
  });

  it("leaves /api, /admin and / to the other faces", () => {
    expect(parseLorePath("/api/v1/lists")).toBeNull();
    expect(parseLorePath("/admin/v1/jobs")).toBeNull();
    expect(parseLorePath("/")).toBeNull();
  });

  it("says which paths are bad", () => {
    expect(parseLorePath("/lkml/%E0%A4%A/raw")).toEqual({ kind: "bad-message-id", list: "lkml" });
    expect(parseLorePath("/Not_A_List/")).toEqual({ kind: "unknown" });
    expect(parseLorePath("/lkml/_/nope")).toEqual({ kind: "unknown" });
  });
});
