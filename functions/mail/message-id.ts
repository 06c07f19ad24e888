/**
 * Message-ID normalisation. Decision: an id is stored as written between its angle brackets, with
 * whitespace removed and nothing lower-cased. The local part is case-sensitive by RFC 5322, and lore
 * URLs, b4 and public-inbox all look ids up verbatim; lower-casing the domain would gain almost nothing
 * (mailers never change the case of an id they copy into References) and would break exact lookups.
 */

const MAX_ID = 995; // public-inbox and our index both need a bound; longer ids are rejected
/** Control characters (NUL among them) make no id: Postgres text cannot hold NUL, and no URL can name one. */
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The first `<…>` id in a header value, or the bare value when it has no brackets but looks like an id. */
export function normalizeMessageId(raw: string | undefined | null): string | null {
  if (!raw) return null;
  const ids = extractMessageIds(raw);
  if (ids.length) return ids[0]!;
  const bare = raw.replace(/\s+/g, "");
  if (/^[^<>@\s]+@[^<>@\s]+$/.test(bare) && bare.length <= MAX_ID && !CONTROL.test(bare)) return bare;
  return null;
}

/**
 * Every id in a References / In-Reply-To value, in order: bracketed ids anywhere in free text (`Your
 * message of … <id>`), an unbracketed `local@domain` token when the value has no brackets at all, an
 * unterminated `<id` at the end (truncated headers). Duplicates keep their first position.
 */
export function extractMessageIds(raw: string | undefined | null): string[] {
  if (!raw) return [];
  const out: string[] = [];
  const seen = new Set<string>();
  const push = (id: string) => {
    const clean = id.replace(/\s+/g, "");
    if (!clean || clean.length > MAX_ID || /[<>]/.test(clean) || CONTROL.test(clean) || seen.has(clean))
      return;
    seen.add(clean);
    out.push(clean);
  };
  const re = /<([^<>]*)>/g;
  let any = false;
  let lastEnd = 0;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    any = true;
    lastEnd = m.index + m[0].length;
    const inner = m[1]!.trim();
    // Quoted angle addresses like <mailto:x> or empty <> are not ids.
    if (inner && !/^mailto:/i.test(inner)) push(inner);
  }
  const tail = raw.slice(lastEnd);
  const open = tail.lastIndexOf("<");
  if (open >= 0) {
    const t = tail.slice(open + 1).trim();
    if (/^\S+@\S+$/.test(t)) push(t);
  } else if (!any) {
    for (const token of raw.split(/[\s,]+/)) if (/^[^@\s()"]+@[^@\s()"]+$/.test(token)) push(token);
  }
  return out;
}

/**
 * Parent candidates of a message: References, then In-Reply-To (JWZ). Self references are dropped. When
 * In-Reply-To names an id that References lists out of order (oldest-last, as debbugs writes), the
 * In-Reply-To id is moved to the end: it is the direct parent. When it is absent from References it is
 * appended.
 */
export function referenceChain(messageId: string, references: string[], inReplyTo: string[]): string[] {
  const chain = references.filter((id) => id !== messageId);
  const irt = inReplyTo.find((id) => id !== messageId);
  if (irt) {
    const at = chain.indexOf(irt);
    if (at < 0) chain.push(irt);
    else if (at !== chain.length - 1) {
      chain.splice(at, 1);
      chain.push(irt);
    }
  }
  return chain;
}
