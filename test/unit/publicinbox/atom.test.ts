import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { FeedMessage } from "../../../db/queries/lore";
import { atomFeed, messageUrn, xmlText } from "../../../functions/publicinbox/atom";

/** Atom from hostile mail stays well-formed XML: parsed here by Python's xml.etree (a real XML parser). */
const PARSE = `
import json, sys, xml.etree.ElementTree as E
A = "{http://www.w3.org/2005/Atom}"
root = E.fromstring(sys.stdin.buffer.read())
print(json.dumps([{"title": e.findtext(A + "title"), "name": e.findtext(A + "author/" + A + "name"),
  "body": "".join(e.find(A + "content").itertext()), "link": e.find(A + "link").get("href")}
  for e in root.findall(A + "entry")]))
`;

const hostile: FeedMessage = {
  emailId: 1,
  list: "lkml",
  messageId: 'x"<y>&z/1@example.com',
  inReplyTo: "a\u0001b@example.com",
  subject: "<script>alert(1)</script> ]]> & \u0000\u0008\u000b\ufffe\ud800 done",
  date: "2024-01-02T03:04:05.000Z",
  authorName: 'Eve "<evil>" & Co',
  authorEmail: "eve@example.com",
  body: "</pre></div></content></entry><entry>\u001b[31m\r\n> quoted & <b>\n",
};

describe("Atom feeds", () => {
  it("escape every field and drop the characters XML 1.0 forbids", async () => {
    const res = atomFeed(
      "http://nexus",
      { title: "t & <t>", alternate: "http://nexus/lkml/", self: "s", id: "i" },
      [hostile],
    );
    expect(res.headers.get("content-type")).toMatch(/^application\/atom\+xml/);
    const xml = await res.text();
    const [entry] = JSON.parse(
      execFileSync("/usr/bin/python3", ["-c", PARSE], { input: xml }).toString(),
    ) as {
      title: string;
      name: string;
      body: string;
      link: string;
    }[];
    expect(entry!.title).toBe("<script>alert(1)</script> ]]> &  done");
    expect(entry!.name).toBe('Eve "<evil>" & Co');
    expect(entry!.body).toBe("</pre></div></content></entry><entry>[31m\n> quoted & <b>\n");
    expect(entry!.link).toBe("http://nexus/lkml/x%22%3Cy%3E&z%2F1@example.com/");
  });

  it("derive entry ids as public-inbox does (the SHA-1 of the Message-ID as a UUID)", () => {
    // seen in public-inbox-httpd's new.atom for this message of the kgdb epoch
    expect(messageUrn("f23bdd14-359b-4533-b062-30d603116caa@infradead.org")).toBe(
      "urn:uuid:de48e85c-e1f2-47d3-bf38-a1da3e52f556",
    );
    expect(xmlText("a\u0000b")).toBe("ab");
  });
});
