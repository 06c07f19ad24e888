/**
 * Message-IDs in URLs, as public-inbox writes them (PublicInbox::MID::mid_escape): every byte of the UTF-8 form
 * outside `A-Za-z0-9-._~!$&'()*+,;=:@` percent-escaped, so `@` stays literal and `/` becomes `%2F`. Reading
 * accepts both that form and a fully escaped one (b4 sends `%40`), with or without the angle brackets.
 */

const KEPT = /[A-Za-z0-9\-._~!$&'()*+,;=:@]/;
const utf8 = new TextEncoder();

/** Longest Message-ID accepted in a path (the importer keeps ids up to 995 characters). */
export const MAX_MESSAGE_ID_LENGTH = 995;

export function escapeMessageId(messageId: string): string {
  let out = "";
  for (const ch of messageId) {
    if (KEPT.test(ch)) out += ch;
    else for (const byte of utf8.encode(ch)) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** The Message-ID a path segment names, or null when it cannot be one (bad escapes, blanks, too long). */
export function messageIdFromPath(segment: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return null;
  }
  return messageIdFromDecoded(decoded);
}

/** The same for a segment the router has percent-decoded already. */
export function messageIdFromDecoded(decoded: string): string | null {
  const id = decoded.trim().replace(/^<(.*)>$/s, "$1");
  if (id === "" || id.length > MAX_MESSAGE_ID_LENGTH) return null;
  // stored ids never hold whitespace, control characters or angle brackets (functions/mail/message-id.ts)
  if (/[\s<>\u0000-\u001f\u007f]/.test(id)) return null;
  return id;
}
