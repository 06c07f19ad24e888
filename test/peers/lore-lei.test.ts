import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { mboxMessageIds } from "../helpers/epoch";
import { toolEnv } from "./peer-tools";

/**
 * lei (Debian's lei 1.9), unchanged: `lei q --only <list URL> 's:kgdboc'` POSTs `?q=…&x=m` and reads the gzipped
 * mboxrd. Against Nexus and against public-inbox-httpd it must write the same messages.
 */

const { nexus, publicInbox, list } = inject("peers");

function leiQuery(base: string, query: string): string[] {
  const env = toolEnv({});
  const out = join(mkdtempSync(join(tmpdir(), "nexus-lei-")), "result.mbox");
  execFileSync("lei", ["q", "--only", `${base}/${list}/`, "-o", `mboxrd:${out}`, query], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 60_000,
  });
  // lei-daemon keeps running for the next command; this HOME is thrown away, so stop it
  execFileSync("lei", ["daemon-kill"], { env, stdio: "ignore" });
  return mboxMessageIds(readFileSync(out)).sort();
}

describe("lei q against Nexus and public-inbox", () => {
  it.each(["s:kgdboc", "s:breakpoint", "f:dianders@chromium.org d:20200101..20201231"])(
    "%s writes the same messages",
    (query) => {
      const theirs = leiQuery(publicInbox, query);
      expect(theirs.length).toBeGreaterThan(5);
      expect(leiQuery(nexus, query)).toEqual(theirs);
    },
  );
});
