import { parseAddress } from "./address";

/** The people named by trailers (`Reviewed-by: Name <a@b>`), and whether a reply's trailer is its sender's. */

export interface TrailerPerson {
  name: string | null;
  /** as written; null when the trailer gives no address */
  email: string | null;
}

/**
 * The person of a trailer value. A trailer names one person, so a comma stays in the name ("Last, First
 * <a@b>"); a `# comment` after it is dropped, and so is the `<mailto:a@b>` that HTML mail clients nest
 * into the address ("Name <a@b<mailto:a@b>>").
 */
export function parseTrailerPerson(value: string): TrailerPerson {
  const v = value
    .replace(/\s+#.*$/, "")
    .replace(/<mailto:[^<>]*>/gi, "")
    .trim();
  const a = parseAddress(v);
  return a ? { name: a.name || null, email: a.address } : { name: v, email: null };
}

const mailbox = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/\+[^@]*@/, "@");

/** Same mailbox, as b4 compares them: case, a `+tag` and one subdomain label (a@intel.com, a@linux.intel.com) aside. */
function sameAddress(a: string, b: string): boolean {
  const x = mailbox(a);
  const y = mailbox(b);
  if (x === y) return true;
  const [xl, xd] = x.split("@");
  const [yl, yd] = y.split("@");
  if (!xd || !yd || xl !== yl) return false;
  const [short, long] = xd.length < yd.length ? [xd, yd] : [yd, xd];
  return long.endsWith(`.${short}`) && long.split(".").length === short.split(".").length + 1;
}

/**
 * Does a trailer in a reply name its sender? Its address is the sender's, or its name is one the sender's
 * address goes by ("Last, First" also matches a name holding each part; "Name via List", the From that
 * lists rewrite for DMARC, stands for Name). A list's own address therefore matches any name that posted
 * through it: the message's own From name is not stored.
 */
export function namesSender(person: TrailerPerson, sender: { email: string; names: string[] }): boolean {
  if (person.email && sameAddress(person.email, sender.email)) return true;
  const name = person.name?.trim().toLowerCase();
  if (!name) return false;
  return sender.names.some((n) => {
    const s = n
      .replace(/\s+via\s+.*$/i, "")
      .trim()
      .toLowerCase();
    return s === name || (s.includes(",") && s.split(",").every((part) => name.includes(part.trim())));
  });
}

/**
 * Does a reply's trailer count? Reviewed-by, Acked-by, Tested-by and Nacked-by are one's own word: they
 * count when they name the sender (b4 sets the others aside as mismatches rather than applying them).
 * Reported-by credits someone else by nature (a maintainer naming the reporter) and always counts.
 */
export function countsFromReply(
  key: string,
  person: TrailerPerson,
  sender: { email: string; names: string[] },
): boolean {
  return key.toLowerCase() === "reported-by" || namesSender(person, sender);
}
