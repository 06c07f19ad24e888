/**
 * Dates with sanity. A Date header that is missing, unparseable, before 1970 or more than a day after the
 * source's own date (the commit time of a public-inbox epoch, the mbox "From " line, or now) is replaced by
 * the source date and flagged.
 */

const MONTHS: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};

const ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  cet: 60,
  cest: 120,
  met: 60,
  mest: 120,
  bst: 60,
  ist: 330,
  jst: 540,
};

/** Parse an RFC 5322 date leniently (day name optional, 2-digit years, missing seconds, named zones). */
export function parseMailDate(raw: string | undefined | null): Date | null {
  if (!raw) return null;
  const s = raw
    .replace(/\([^)]*\)/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  const m =
    /(\d{1,2})[\s-]+([A-Za-z]{3})[a-z]*\.?[\s-]+(\d{2,4}),?\s+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?:\.\d+)?\s*([+-]\d{1,4}|[A-Za-z]{1,5})?/.exec(
      s,
    );
  if (m) {
    const mon = MONTHS[m[2]!.toLowerCase()];
    if (mon === undefined) return fallbackParse(s);
    let year = Number(m[3]);
    if (m[3]!.length <= 2) year += year < 50 ? 2000 : 1900;
    else if (m[3]!.length === 3) year += 1900;
    const day = Number(m[1]);
    const hh = Number(m[4]);
    const mm = Number(m[5]);
    const ss = m[6] ? Number(m[6]) : 0;
    if (day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60 || year > 9999) return null;
    let offset = 0;
    const z = m[7];
    if (z && /^[+-]/.test(z)) {
      const digits = z.slice(1).padStart(4, "0");
      const h = Number(digits.slice(0, 2));
      const mi = Number(digits.slice(2));
      if (h > 14 || mi > 59) return null;
      offset = (z[0] === "-" ? -1 : 1) * (h * 60 + mi);
    } else if (z) {
      offset = ZONES[z.toLowerCase()] ?? 0;
    }
    const t = Date.UTC(year, mon, day, hh, mm, ss) - offset * 60_000;
    const d = new Date(t);
    return Number.isNaN(t) ? null : d;
  }
  return fallbackParse(s);
}

function fallbackParse(s: string): Date | null {
  // ISO 8601 and other forms the engine understands; reject bare numbers.
  if (!/[a-z]|-|\//i.test(s)) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : new Date(t);
}

export type DateSource = "header" | "fallback";

export interface SaneDate {
  date: Date;
  source: DateSource;
  /** why the header was not used */
  reason?: "missing" | "invalid" | "future" | "too_old";
}

const DAY_MS = 86_400_000;
/** Dates before this are placeholders (the Unix epoch), not dates. */
export const EPOCH_FLOOR = Date.UTC(1970, 0, 2);

export function saneDate(raw: string | undefined | null, sourceDate: Date): SaneDate {
  if (!raw?.trim()) return { date: sourceDate, source: "fallback", reason: "missing" };
  const d = parseMailDate(raw);
  if (!d) return { date: sourceDate, source: "fallback", reason: "invalid" };
  if (d.getTime() > sourceDate.getTime() + DAY_MS)
    return { date: sourceDate, source: "fallback", reason: "future" };
  if (d.getTime() < EPOCH_FLOOR) return { date: sourceDate, source: "fallback", reason: "too_old" };
  return { date: d, source: "header" };
}
