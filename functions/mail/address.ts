import { decodeHeader } from "./headers";

export interface Address {
  /** Display name, decoded; "" when none. */
  name: string;
  /** Address as written (trimmed); compare with `key`. */
  address: string;
}

/** The identity key of an author: the lower-cased address. */
export function addressKey(address: string): string {
  return address.trim().toLowerCase();
}

/**
 * Parse an address-list header value (raw, undecoded): `Name <a@b>`, `"Last, First" <a@b>`, `a@b (Name)`,
 * groups `team: a@b, c@d;`, encoded-word names. Entries without an `@` are dropped unless they are the only
 * token (some lists rewrite From to `user at host`: that form is repaired).
 */
export function parseAddressList(raw: string | undefined): Address[] {
  if (!raw) return [];
  const out: Address[] = [];
  for (const entry of splitTopLevel(raw)) {
    const a = parseOne(entry);
    if (a) out.push(a);
  }
  return out;
}

function splitTopLevel(raw: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  let depthParen = 0;
  let depthAngle = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (quoted) {
      cur += c;
      if (c === "\\" && i + 1 < raw.length) cur += raw[++i];
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === "(") depthParen++;
    else if (c === ")" && depthParen > 0) depthParen--;
    else if (c === "<" && depthParen === 0) depthAngle++;
    else if (c === ">" && depthAngle > 0 && depthParen === 0) depthAngle--;
    if ((c === "," || c === ";") && !depthParen && !depthAngle) {
      out.push(cur);
      cur = "";
      continue;
    }
    if (c === ":" && !depthParen && !depthAngle && !cur.includes("@")) {
      cur = ""; // group name: drop it
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter(Boolean);
}

function unquote(s: string): string {
  const t = s.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/\\(.)/g, "$1");
  return t.replace(/"/g, "");
}

function cleanName(s: string): string {
  // Decode encoded words inside and outside quotes; collapse whitespace.
  let name = decodeHeader(
    unquote(s.replace(/"((?:[^"\\]|\\.)*)"/g, (_, q: string) => q.replace(/\\(.)/g, "$1"))),
  );
  name = name.replace(/\s+/g, " ").trim();
  if (name.length >= 2 && name.startsWith("'") && name.endsWith("'")) name = name.slice(1, -1).trim();
  // a name that is only a comment: "(A U Thor) <a@b>"
  if (/^\([^()]*\)$/.test(name)) name = name.slice(1, -1).trim();
  return name;
}

/** One address, never a list: `Last, First <a@b>` is one person (trailers write names unquoted). */
export function parseAddress(entry: string): Address | null {
  return parseOne(entry.trim());
}

function parseOne(entry: string): Address | null {
  const lt = entry.lastIndexOf("<");
  const gt = entry.indexOf(">", lt);
  if (lt >= 0 && gt > lt) {
    const address = entry
      .slice(lt + 1, gt)
      .trim()
      .replace(/^mailto:/i, "");
    const name = cleanName(`${entry.slice(0, lt)} ${entry.slice(gt + 1)}`);
    if (!address.includes("@")) return null;
    return { name, address: address.replace(/\s+/g, "") };
  }
  // addr (Comment)  or bare addr
  const comment = /\(([\s\S]*)\)/.exec(entry);
  const rest = entry.replace(/\([\s\S]*\)/g, "").trim();
  let address = rest.replace(/\s+/g, "");
  if (!address.includes("@")) {
    const at = /^(\S+)\s+at\s+(\S+)$/i.exec(rest); // "user at host" anti-spam rewrite
    if (!at) return null;
    address = `${at[1]}@${at[2]}`;
  }
  return { name: comment ? cleanName(comment[1]!) : "", address: address.replace(/^<|>$/g, "") };
}
