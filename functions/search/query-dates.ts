/**
 * The `d:` date-range operand, as lore/public-inbox accept it: `d:20240101..20240630`, `d:2024-01-01..`,
 * `d:..20240630`, `d:20240315` (that day), `d:2024-03` (that month), relative forms `d:2.weeks.ago..`,
 * `d:yesterday..`. All times are UTC. An upper bound written as a calendar date includes that whole
 * date (`..20240630` ends at 2024-07-01T00:00Z, exclusive).
 */

export interface DateRange {
  /** Inclusive lower bound, or null for open. */
  from: Date | null;
  /** Exclusive upper bound, or null for open. */
  to: Date | null;
}

/** A date string that cannot be read; `offset` is relative to the start of the operand. */
export class DateSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

type Unit = "year" | "month" | "day" | "hour" | "minute" | "second";

interface DatePoint {
  start: Date;
  /** Granularity of what was written: the bound covers [start, start + 1 unit). Null for an instant. */
  unit: Unit | null;
}

const MIN_YEAR = 1970;
const MAX_YEAR = 9999;

const RELATIVE_UNITS: Record<string, { unit: Unit; factor: number }> = {
  second: { unit: "second", factor: 1 },
  minute: { unit: "minute", factor: 1 },
  hour: { unit: "hour", factor: 1 },
  day: { unit: "day", factor: 1 },
  week: { unit: "day", factor: 7 },
  month: { unit: "month", factor: 1 },
  year: { unit: "year", factor: 1 },
};

const FORMAT_HINT = "use YYYYMMDD, YYYY-MM-DD, YYYY-MM, YYYY, YYYY-MM-DDTHH:MM[:SS] or N.days.ago";

function add(date: Date, unit: Unit, amount: number): Date {
  const d = new Date(date.getTime());
  switch (unit) {
    case "year":
      d.setUTCFullYear(d.getUTCFullYear() + amount);
      break;
    case "month":
      d.setUTCMonth(d.getUTCMonth() + amount);
      break;
    case "day":
      d.setUTCDate(d.getUTCDate() + amount);
      break;
    case "hour":
      d.setUTCHours(d.getUTCHours() + amount);
      break;
    case "minute":
      d.setUTCMinutes(d.getUTCMinutes() + amount);
      break;
    case "second":
      d.setUTCSeconds(d.getUTCSeconds() + amount);
      break;
  }
  return d;
}

function calendar(
  text: string,
  offset: number,
  parts: { y: string; mo?: string; d?: string; h?: string; mi?: string; s?: string },
): DatePoint {
  const y = Number(parts.y);
  const mo = parts.mo === undefined ? 1 : Number(parts.mo);
  const day = parts.d === undefined ? 1 : Number(parts.d);
  const h = parts.h === undefined ? 0 : Number(parts.h);
  const mi = parts.mi === undefined ? 0 : Number(parts.mi);
  const s = parts.s === undefined ? 0 : Number(parts.s);
  if (y < MIN_YEAR || y > MAX_YEAR) {
    throw new DateSyntaxError(`year ${y} in "${text}" is out of range (${MIN_YEAR}–${MAX_YEAR})`, offset);
  }
  const start = new Date(Date.UTC(y, mo - 1, day, h, mi, s));
  // Date.UTC rolls over (Feb 30 → Mar 2): a date that does not round-trip does not exist.
  if (
    mo < 1 ||
    mo > 12 ||
    start.getUTCMonth() !== mo - 1 ||
    start.getUTCDate() !== day ||
    h > 23 ||
    mi > 59 ||
    s > 59
  ) {
    throw new DateSyntaxError(`"${text}" is not a real date or time`, offset);
  }
  const unit: Unit =
    parts.s !== undefined
      ? "second"
      : parts.mi !== undefined
        ? "minute"
        : parts.d !== undefined
          ? "day"
          : parts.mo !== undefined
            ? "month"
            : "year";
  return { start, unit };
}

function parsePoint(text: string, offset: number, now: Date): DatePoint {
  const lower = text.toLowerCase();
  if (lower === "now") return { start: now, unit: null };
  if (lower === "today" || lower === "yesterday") {
    const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    return { start: lower === "today" ? midnight : add(midnight, "day", -1), unit: "day" };
  }
  const relative = /^(\d{1,4})\.(second|minute|hour|day|week|month|year)s?\.ago$/.exec(lower);
  if (relative) {
    const spec = RELATIVE_UNITS[relative[2]!]!;
    return { start: add(now, spec.unit, -Number(relative[1]) * spec.factor), unit: null };
  }
  let m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?$/.exec(text);
  if (m) return calendar(text, offset, { y: m[1]!, mo: m[2], d: m[3], h: m[4], mi: m[5], s: m[6] });
  m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?Z?)?$/.exec(text);
  if (m) return calendar(text, offset, { y: m[1]!, mo: m[2], d: m[3], h: m[4], mi: m[5], s: m[6] });
  m = /^(\d{4})-(\d{2})$/.exec(text);
  if (m) return calendar(text, offset, { y: m[1]!, mo: m[2] });
  m = /^(\d{4})$/.exec(text);
  if (m) return calendar(text, offset, { y: m[1]! });
  throw new DateSyntaxError(`cannot read "${text}" as a date: ${FORMAT_HINT}`, offset);
}

/** Parse the operand of `d:` (without the prefix) into a half-open UTC range. */
export function parseDateRange(operand: string, now: Date = new Date()): DateRange {
  const dots = operand.indexOf("..");
  if (dots === -1) {
    if (operand === "") throw new DateSyntaxError(`d: needs a date or a range (${FORMAT_HINT})`, 0);
    const point = parsePoint(operand, 0, now);
    if (point.unit === null) return { from: point.start, to: null };
    return { from: point.start, to: add(point.start, point.unit, 1) };
  }
  const left = operand.slice(0, dots);
  const right = operand.slice(dots + 2);
  if (right.includes("..")) {
    throw new DateSyntaxError('a date range has one ".." (from..to)', dots + 2 + right.indexOf(".."));
  }
  if (left === "" && right === "") {
    throw new DateSyntaxError("the date range has neither a start nor an end", 0);
  }
  const from = left === "" ? null : parsePoint(left, 0, now).start;
  let to: Date | null = null;
  if (right !== "") {
    const point = parsePoint(right, dots + 2, now);
    to = point.unit === null ? point.start : add(point.start, point.unit, 1);
  }
  if (from && to && from.getTime() >= to.getTime()) {
    throw new DateSyntaxError(`the date range "${operand}" ends before it starts`, 0);
  }
  return { from, to };
}
