/**
 * Subject normalisation and the patch tags of `[PATCH net-next v2 03/10]`-style prefixes.
 */

/** Reply / forward prefixes in the languages seen on kernel lists: Re, Fwd, Fw, Aw, Sv, Antw, Odp, Vs, Ref. */
const REPLY_PREFIX = /^(?:re|fwd?|aw|sv|antw|odp|vs|ref|wg|tr|r)(?:\s*\[\d+\]|\s*\(\d+\))?\s*[:：]\s*/i;
const BRACKET = /^\[[^\]]*\]\s*/;

export interface SubjectTags {
  /** started with Re:/Fwd:/… before or between the tags */
  isReply: boolean;
  /** a PATCH-ish tag: PATCH, RFC, RESEND, PULL, GIT PULL */
  isPatch: boolean;
  isRfc: boolean;
  isPull: boolean;
  /**
   * version from vN / PATCHvN / "v2 PATCH" — 1 when not given; v0 is a version (b4 and Patchwork keep it).
   * A dotted version (v1.2) counts as its major number here and keeps its whole label in `versionLabel`.
   */
  version: number;
  /** the version as written when it is more than vN ("v2.1"), else null */
  versionLabel: string | null;
  /** N of N/T, or null */
  number: number | null;
  total: number | null;
  /** other words inside the patch tag: subsystem trees such as net-next, bpf */
  prefixes: string[];
}

/**
 * The subject without reply prefixes and leading bracketed tags (`Re: [PATCH v2 1/3] foo` → `foo`),
 * whitespace collapsed. Used for the lineage key and JWZ subject comparison.
 */
export function normalizeSubject(subject: string): string {
  let s = subject.replace(/\s+/g, " ").trim();
  for (;;) {
    const before = s;
    s = s.replace(REPLY_PREFIX, "").replace(BRACKET, "").trim();
    if (s === before) break;
  }
  return s;
}

/** True when the subject begins with a reply/forward prefix (possibly after a [tag]). */
export function isReplySubject(subject: string): boolean {
  let s = subject.trim();
  for (let i = 0; i < 4; i++) {
    if (REPLY_PREFIX.test(s)) return true;
    const b = BRACKET.exec(s);
    if (!b) return false;
    s = s.slice(b[0].length);
  }
  return false;
}

export function parseSubjectTags(subject: string): SubjectTags {
  const tags: SubjectTags = {
    isReply: false,
    isPatch: false,
    isRfc: false,
    isPull: false,
    version: 1,
    versionLabel: null,
    number: null,
    total: null,
    prefixes: [],
  };
  let s = subject.replace(/\s+/g, " ").trim();
  for (let guard = 0; guard < 10; guard++) {
    const r = REPLY_PREFIX.exec(s);
    if (r) {
      tags.isReply = true;
      s = s.slice(r[0].length);
      continue;
    }
    const b = BRACKET.exec(s);
    if (!b) break;
    s = s.slice(b[0].length);
    readTag(b[0].trim().slice(1, -1), tags);
  }
  // Unbracketed leading "N/T " (some tools) only when a patch tag was seen.
  if (tags.number === null && tags.isPatch) {
    const m = /^(\d{1,4})\/(\d{1,4})\b/.exec(s);
    if (m) setNumber(tags, Number(m[1]), Number(m[2]));
  }
  return tags;
}

/**
 * N/T as written, also N > T ("[PATCH 3/2]", an extra patch). T = 0 ("[PATCH 1/0]") counts nothing: the
 * message is a patch outside any numbered series. Numbers have at most four digits (the regexes): no series
 * has 10,000 patches, and longer digit runs are words of the subject, not positions.
 */
function setNumber(tags: SubjectTags, n: number, t: number): void {
  if (t > 0) {
    tags.number = n;
    tags.total = t;
  }
}

function readTag(inner: string, tags: SubjectTags): void {
  // "1 of 3" (Mercurial) → "1/3"
  const words = inner
    .replace(/(\d+)\s+of\s+(\d+)/i, "$1/$2")
    .split(/[\s,]+/)
    .filter(Boolean);
  let patchish = false;
  const rest: string[] = [];
  for (const w of words) {
    const lw = w.toLowerCase();
    const version = /^(patch|rfc|resend)?v(\d{1,4})(\.\d{1,4})?$/i.exec(w);
    const numbered = /^(\d{1,4})\/(\d{1,4})$/.exec(w);
    if (version) {
      tags.version = Number(version[2]);
      tags.versionLabel = version[3] ? `v${version[2]}${version[3]}` : null;
      if (version[1]) patchish = true;
      if (version[1]?.toLowerCase() === "rfc") tags.isRfc = true;
    } else if (numbered) {
      setNumber(tags, Number(numbered[1]), Number(numbered[2]));
      patchish = true;
    } else if (lw === "patch" || lw === "patches" || lw === "patchset") {
      patchish = true;
    } else if (lw === "rfc") {
      tags.isRfc = true;
      patchish = true;
    } else if (lw === "resend" || lw === "repost") {
      patchish = true;
    } else if (lw === "pull" || lw === "git" || lw === "pull-request") {
      if (lw !== "git") tags.isPull = true;
      patchish = true;
    } else {
      rest.push(w);
    }
  }
  if (patchish) {
    tags.isPatch = true;
    tags.prefixes.push(...rest);
  }
}
