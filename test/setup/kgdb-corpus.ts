import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import WebSocket from "ws";
import { createDatabase } from "../../db/client";
import { importSource } from "../../scripts/lib/import-source";
import { epochBlobs } from "../helpers/epoch";

/**
 * Global setup (worker project, after databases.ts): imports the real kgdb-bugreport epoch with the
 * importer into the test database `kgdb_api`, and reads facts straight from the raw mail — with plain
 * header and line matching, not the importer's parser — that the API tests check answers against.
 */

export const KGDB_DATABASE = "kgdb_api";
export const KGDB_SLUG = "kgdb-bugreport";
const BUNDLE = resolve(import.meta.dirname, "../../../shared/corpus/publicinbox-v2/kgdb-bugreport.0.bundle");

/** The probes: a subject word, a sender address, a recipient address, a file a patch touches, a month. */
export const PROBES = {
  subjectWord: "kgdboc",
  fromAddress: "dianders@chromium.org",
  recipient: "daniel.thompson@linaro.org",
  filePath: "kernel/debug/kdb/kdb_main.c",
  month: { from: "2020-05-01T00:00:00Z", to: "2020-06-01T00:00:00Z" },
} as const;

export interface KgdbFacts {
  database: string;
  slug: string;
  /** distinct Message-IDs in the epoch */
  messages: number;
  imported: number;
  /** Message-IDs (without <>) per probe */
  subjectWord: string[];
  fromAddress: string[];
  /** messages with PROBES.recipient in To, in Cc, and in any of From/To/Cc */
  toRecipient: string[];
  ccRecipient: string[];
  anyAddress: string[];
  filePath: string[];
  month: string[];
  /** a Message-ID that occurs in the archive, with its raw Subject header */
  sample: { messageId: string; subject: string };
}

declare module "vitest" {
  export interface ProvidedContext {
    kgdb: KgdbFacts;
  }
}

function unfoldedHeaders(raw: string): Map<string, string> {
  const end = raw.search(/\r?\n\r?\n/);
  const block = (end === -1 ? raw : raw.slice(0, end)).replace(/\r?\n[ \t]+/g, " ");
  const headers = new Map<string, string>();
  for (const line of block.split(/\r?\n/)) {
    const m = /^([!-9;-~]+):[ \t]*(.*)$/.exec(line);
    if (m && !headers.has(m[1]!.toLowerCase())) headers.set(m[1]!.toLowerCase(), m[2]!);
  }
  return headers;
}

function rawFacts(gitDir: string): Omit<KgdbFacts, "database" | "slug" | "imported"> {
  const ids = new Set<string>();
  const found = {
    subjectWord: new Set<string>(),
    fromAddress: new Set<string>(),
    toRecipient: new Set<string>(),
    ccRecipient: new Set<string>(),
    anyAddress: new Set<string>(),
    filePath: new Set<string>(),
    month: new Set<string>(),
  };
  let sample: KgdbFacts["sample"] | undefined;
  // a whole identifier, as lore's index reads words: `_` joins (earlycon_kgdboc is another word)
  const word = new RegExp(`(^|[^A-Za-z0-9_])${PROBES.subjectWord}([^A-Za-z0-9_]|$)`, "i");
  const diffLine = new RegExp(`^diff --git a/${PROBES.filePath.replace(/[.]/g, "\\.")} `, "m");
  const from = Date.parse(PROBES.month.from);
  const to = Date.parse(PROBES.month.to);
  for (const blob of epochBlobs(gitDir)) {
    const raw = blob.toString("latin1");
    const h = unfoldedHeaders(raw);
    const id = /<([^<>]+)>/.exec(h.get("message-id") ?? "")?.[1]?.replace(/\s+/g, "");
    if (!id || ids.has(id)) continue;
    ids.add(id);
    const subject = h.get("subject") ?? "";
    sample ??= subject.length > 20 && !subject.includes("=?") ? { messageId: id, subject } : undefined;
    if (word.test(subject)) found.subjectWord.add(id);
    const has = (header: string, address: string) => (h.get(header) ?? "").toLowerCase().includes(address);
    if (has("from", PROBES.fromAddress)) found.fromAddress.add(id);
    if (has("to", PROBES.recipient)) found.toRecipient.add(id);
    if (has("cc", PROBES.recipient)) found.ccRecipient.add(id);
    if (has("from", PROBES.recipient) || has("to", PROBES.recipient) || has("cc", PROBES.recipient)) {
      found.anyAddress.add(id);
    }
    if (diffLine.test(raw)) found.filePath.add(id);
    const date = Date.parse(h.get("date") ?? "");
    if (date >= from && date < to) found.month.add(id);
  }
  return {
    messages: ids.size,
    subjectWord: [...found.subjectWord],
    fromAddress: [...found.fromAddress],
    toRecipient: [...found.toRecipient],
    ccRecipient: [...found.ccRecipient],
    anyAddress: [...found.anyAddress],
    filePath: [...found.filePath],
    month: [...found.month],
    sample: sample!,
  };
}

export default async function setup(project: TestProject) {
  const t0 = Date.now();
  const dir = mkdtempSync(join(tmpdir(), "nexus-kgdb-"));
  const gitDir = join(dir, "0.git");
  execFileSync("git", ["clone", "--quiet", "--mirror", BUNDLE, gitDir]);
  const database = createDatabase({
    url: `postgresql://postgres@pglite:5432/${KGDB_DATABASE}`,
    wsProxy: project.getProvidedContext().bridge,
    webSocketConstructor: WebSocket,
    poolMax: 2,
  });
  try {
    const summary = await importSource(database.pool, { source: gitDir, slug: KGDB_SLUG });
    project.provide("kgdb", {
      database: KGDB_DATABASE,
      slug: KGDB_SLUG,
      imported: summary.imported,
      ...rawFacts(gitDir),
    });
    console.log(`kgdb corpus: ${summary.imported} messages imported in ${Date.now() - t0} ms`);
  } finally {
    await database.end();
    rmSync(dir, { recursive: true, force: true });
  }
}
