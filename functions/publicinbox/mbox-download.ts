import type { Original } from "../../db/queries/lore";
import { gunzip, gzip } from "../ingest/prepare";
import { storedGzipMember } from "../mail/gzip-member";
import { mboxrdEntry, mboxrdFromLine } from "./mboxrd";

/**
 * A gzipped mboxrd of stored originals, streamed as a multi-member gzip (RFC 1952 §2.2: members one after
 * another inflate to their contents one after another; zlib, Python's gzip (b4), lei's Gunzip with
 * MultiStream and browsers all read it). Nearly every message's mboxrd entry is its From line, the original
 * unchanged and "\n" (email_sources.mboxrd_verbatim): its stored gzip is sent as a member as it is, between
 * members of those few plain bytes, so the message is neither inflated nor compressed again — that was
 * two thirds of a thread download's time. The others (a header to drop, a `From ` line to quote, or not checked
 * yet) are inflated, edited (mboxrd.ts) and compressed each as a member of their own. public-inbox answers
 * `t.mbox` gzipped too, so both thread forms use this.
 */

/** Edited entries prepared ahead of the one being written, so inflating one overlaps sending another. */
const AHEAD = 8;

/** What one original contributes: the plain bytes before its stored gzip, or one compressed member. */
type Piece = { text: string; member: Uint8Array } | { text: null; member: Promise<Uint8Array> };

function piece(original: Original, before: string): Piece {
  if (original.verbatim === "lf" || original.verbatim === "crlf") {
    return { text: before + mboxrdFromLine(original.verbatim), member: original.raw };
  }
  const plain = new TextEncoder().encode(before);
  const member = gunzip(original.raw).then((message) => {
    const entry = mboxrdEntry(message);
    const whole = new Uint8Array(plain.length + entry.length);
    whole.set(plain);
    whole.set(entry, plain.length);
    return gzip(whole);
  });
  return { text: null, member };
}

export function gzippedMbox(originals: Original[], filename: string): Response {
  const ahead: Piece[] = [];
  let next = 0;
  // the "\n" that ends a verbatim entry goes out with whatever follows it
  let trailing = "";
  const fill = () => {
    while (ahead.length < AHEAD && next < originals.length) {
      const original = originals[next++]!;
      ahead.push(piece(original, trailing));
      trailing = original.verbatim === "lf" || original.verbatim === "crlf" ? "\n" : "";
    }
  };
  let ended = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      fill();
      const p = ahead.shift();
      if (p) {
        if (p.text !== null) controller.enqueue(storedGzipMember(p.text));
        controller.enqueue(await p.member);
        return;
      }
      if (!ended && (trailing !== "" || originals.length === 0))
        controller.enqueue(storedGzipMember(trailing));
      ended = true;
      controller.close();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "application/gzip",
      "content-disposition": `inline; filename=${filename}.mbox.gz`,
    },
  });
}
