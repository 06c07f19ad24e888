import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { hash64 } from "../../../functions/mail/hash";
import { splitMbox } from "../../../functions/mail/mbox";
import { referenceChain } from "../../../functions/mail/message-id";
import { type ParsedMessage, parseMessage } from "../../../functions/mail/parse";
import { isReplySubject, normalizeSubject } from "../../../functions/mail/subject";
import { type Thread, threadMessages } from "../../../functions/mail/thread";

/** The shared corpus (../shared/corpus relative to the repository root). */
export const CORPUS = resolve(import.meta.dirname, "../../../../shared/corpus");

export function corpusPath(...parts: string[]): string {
  return join(CORPUS, ...parts);
}

export const FIXED_SOURCE_DATE = new Date("2026-01-01T00:00:00Z");

export function parseMboxFile(path: string): ParsedMessage[] {
  const out: ParsedMessage[] = [];
  for (const e of splitMbox(readFileSync(path))) {
    const r = parseMessage(e.bytes, { sourceDate: e.fromLineDate ?? FIXED_SOURCE_DATE });
    if (!r.ok) throw new Error(`${path}: rejected (${r.reason})`);
    out.push(r.message);
  }
  return out;
}

export function parseFile(path: string): ParsedMessage {
  const r = parseMessage(readFileSync(path), { sourceDate: FIXED_SOURCE_DATE });
  if (!r.ok) throw new Error(`${path}: rejected (${r.reason})`);
  return r.message;
}

/** Every regular file under a folder (maildir-style corpora), sorted. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** JWZ-threads parsed messages the way the importer feeds them (References first, then In-Reply-To). */
export function threadParsed(messages: ParsedMessage[]): Thread[] {
  return threadMessages(
    messages.map((m) => ({
      messageId: m.messageId,
      chain: referenceChain(m.messageId, m.references, m.inReplyTo ? [m.inReplyTo] : []),
      date: m.date.date,
      subject: normalizeSubject(m.subject),
      isReply: isReplySubject(m.subject),
    })),
    hash64,
  );
}
