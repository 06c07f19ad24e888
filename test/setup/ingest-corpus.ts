import { readdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join, relative, resolve } from "node:path";
import type { TestProject } from "vitest/node";

/**
 * Global setup (worker project): the Workers runtime has no file system, so a small local HTTP server hands
 * the hostile and strange mail of the corpus (patchwork/fuzz, mime/, hyperkitty/) to the HTTP ingest tests.
 */
export interface IngestCorpusFile {
  name: string;
  type: "message/rfc822" | "application/mbox";
}

declare module "vitest" {
  export interface ProvidedContext {
    ingestCorpus: { url: string; files: IngestCorpusFile[] };
  }
}

const CORPUS = resolve(import.meta.dirname, "../../../shared/corpus");

function files(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p, ext));
    else if (name.endsWith(ext)) out.push(p);
  }
  return out;
}

export default async function setup(project: TestProject) {
  const pick = (dir: string, ext: string, type: IngestCorpusFile["type"]) =>
    files(join(CORPUS, dir), ext).map((p) => ({ name: relative(CORPUS, p), type }));
  const list = [
    ...pick("patchwork/fuzz", ".mbox", "application/mbox"),
    ...pick("mime", ".eml", "message/rfc822"),
    ...pick("hyperkitty", ".txt", "message/rfc822"),
  ];
  // also served, outside the list the hostile-mail tests walk: the wcn36xx mbox (follows and notifications)
  const allowed = new Set([...list.map((f) => f.name), "publicinbox-v2/wcn36xx.lists.infradead.org.mbox"]);
  const server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? "/").slice(1));
    if (!allowed.has(name)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/octet-stream" }).end(readFileSync(join(CORPUS, name)));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  project.provide("ingestCorpus", { url: `http://127.0.0.1:${port}`, files: list });
  return () => new Promise<void>((r) => server.close(() => r()));
}
