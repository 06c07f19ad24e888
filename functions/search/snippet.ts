/**
 * ts_headline does not escape: the body text is whatever the sender wrote. The snippet leaves Postgres
 * with private-use marks around matches; here the text is HTML-escaped and only then are the marks turned
 * into <mark> elements, so a snippet is safe to put in a page as HTML.
 */

export const MARK_START = "\uE000";
export const MARK_END = "\uE001";

/** ts_headline options: two fragments of about 15–35 words with the marks above. */
export const HEADLINE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "`;

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function snippetHtml(headline: string): string {
  const escaped = headline.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
  let open = false;
  let out = "";
  for (const ch of escaped) {
    if (ch === MARK_START && !open) {
      out += "<mark>";
      open = true;
    } else if (ch === MARK_END && open) {
      out += "</mark>";
      open = false;
    } else if (ch !== MARK_START && ch !== MARK_END) {
      out += ch;
    }
  }
  return open ? `${out}</mark>` : out;
}
