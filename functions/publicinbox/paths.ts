import { messageIdFromPath } from "./message-id-path";

/**
 * public-inbox's URL layout (PublicInbox::WWW), parsed from the raw (still percent-encoded) path. A Message-ID
 * may hold `/` (escaped as %2F, or not: old links), so the id is whatever lies between the list and a known
 * ending, as public-inbox's own regular expressions take it.
 */

/** What `/:list/:mid/<ending>` shows. */
export type MessageView =
  | "page"
  | "raw"
  | "thread-mbox-gz"
  | "thread-mbox"
  | "thread-atom"
  | "thread-nested"
  | "thread-flat";

/** `all` names every list, as on lore (an extindex there). */
export const ALL_LISTS = "all";

export type LoreRoute =
  | { kind: "list-index"; list: string }
  | { kind: "list-redirect"; list: string }
  | { kind: "list-atom"; list: string }
  | { kind: "help"; list: string }
  | { kind: "message"; list: string; messageId: string; view: MessageView }
  | { kind: "message-redirect"; list: string; messageId: string; suffix: string }
  /** `/:mid/`: find the list that holds it */
  | { kind: "find-message"; messageId: string }
  | { kind: "bad-message-id"; list: string }
  | { kind: "unknown" };

/** First path segments that belong to the other faces: not lore paths at all. */
const RESERVED = new Set(["api", "admin", "favicon.ico", "robots.txt"]);
const SLUG = /^[a-z0-9][a-z0-9._-]*$/;

const ENDINGS: [string, MessageView][] = [
  ["/t.mbox.gz", "thread-mbox-gz"],
  ["/t.mbox", "thread-mbox"],
  ["/t.atom", "thread-atom"],
  ["/raw", "raw"],
  ["/T/", "thread-flat"],
  ["/t/", "thread-nested"],
  ["/f/", "page"],
  ["/", "page"],
];

/** The lore route of a path, or null when the path is not the lore face's (the app's 404 then answers). */
export function parseLorePath(pathname: string): LoreRoute | null {
  const m = /^\/([^/]+)(\/(.*))?$/s.exec(pathname);
  if (!m) return null;
  const first = m[1]!;
  if (RESERVED.has(first)) return null;
  const rest = m[3];
  if (!SLUG.test(first)) {
    // `/<Message-ID>/`: a lore link without its list
    if (rest !== "" || !/@|%40/i.test(first)) return { kind: "unknown" };
    const messageId = messageIdFromPath(first);
    return messageId ? { kind: "find-message", messageId } : { kind: "unknown" };
  }
  const list = first;
  if (rest === undefined) return { kind: "list-redirect", list };
  if (rest === "" || rest === "index.html") return { kind: "list-index", list };
  if (rest === "new.atom" || rest === "atom.xml") return { kind: "list-atom", list };
  if (rest === "_/text/help/" || rest === "_/text/help") return { kind: "help", list };
  if (rest.startsWith("_/")) return { kind: "unknown" };
  const path = `/${rest}`;
  for (const [ending, view] of ENDINGS) {
    if (path.endsWith(ending) && path.length > ending.length + 1) {
      return message(list, path.slice(1, -ending.length), (messageId) => ({
        kind: "message",
        list,
        messageId,
        view,
      }));
    }
  }
  // no trailing slash: public-inbox redirects `…/<mid>`, `…/<mid>/T` and `…/<mid>/t` to the slashed form
  const thread = /^(.+)\/(T|t)$/s.exec(rest);
  if (thread) {
    const suffix = `${thread[2]}/`;
    return message(list, thread[1]!, (messageId) => ({ kind: "message-redirect", list, messageId, suffix }));
  }
  return message(list, rest, (messageId) => ({ kind: "message-redirect", list, messageId, suffix: "" }));
}

function message(list: string, segment: string, route: (messageId: string) => LoreRoute): LoreRoute {
  const messageId = messageIdFromPath(segment);
  return messageId ? route(messageId) : { kind: "bad-message-id", list };
}
