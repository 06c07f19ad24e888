/**
 * Message-IDs in URL paths, as public-inbox writes them (PublicInbox::MID::mid_escape): every byte of the
 * UTF-8 id outside RFC 3986's path characters (unreserved, sub-delims, `:` and `@`) is percent-escaped, so
 * `@` stays literal and `/` becomes %2F. Reading accepts either form: an id pasted unescaped still works.
 */

const PATH_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=:@]/;

export function midPathSegment(messageId: string): string {
  let out = "";
  for (const ch of messageId) {
    if (PATH_SAFE.test(ch)) out += ch;
    else
      for (const b of new TextEncoder().encode(ch))
        out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** The id from a path segment as the router hands it over (already percent-decoded), without `<>`. */
export function midFromPath(segment: string): string {
  const s = segment.trim();
  return s.startsWith("<") && s.endsWith(">") ? s.slice(1, -1) : s;
}
