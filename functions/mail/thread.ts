/**
 * JWZ threading (https://www.jwz.org/doc/threading.html) over message ids.
 *
 * Parents come from the reference chain (References, then In-Reply-To; see referenceChain). Missing
 * messages become phantom containers so that replies to the same lost message stay together. Cycles are
 * broken by refusing any link that would make a container its own ancestor.
 *
 * Subject grouping (JWZ step 5) is narrowed: a thread whose top message has a reply subject ("Re: X")
 * and no real parent joins the thread whose top is a real, non-reply message with the same normalised
 * subject that started before it, at most SUBJECT_WINDOW_DAYS earlier. Plain JWZ merges every pair of
 * same-subject roots, which on kernel lists joins unrelated "[PATCH] fix typo" threads; the narrowed
 * rule covers what the fedora answer key shows (replies whose References were lost).
 *
 * Phantoms are kept only where they join things: a phantom with one child is dropped (its child moves
 * up), a phantom with several children stays (at the root it becomes the thread's root id).
 */

export interface ThreadInput {
  messageId: string;
  /** parent candidates, oldest ancestor first; the last is the direct parent */
  chain: string[];
  date: Date;
  /** normalised subject (normalizeSubject) */
  subject: string;
  /** subject began with Re:/Fwd:/… */
  isReply: boolean;
}

export const SUBJECT_WINDOW_DAYS = 30;

export interface ThreadMember {
  messageId: string;
  /** null for the root */
  parentId: string | null;
  depth: number;
  /** position in depth-first tree order, children by date */
  order: number;
  phantom: boolean;
}

export interface Thread {
  rootMessageId: string;
  /** all members in tree order, phantoms included (marked) */
  members: ThreadMember[];
  /** hash of the tree (ids, parents, order): unchanged hash = nothing to rewrite */
  membershipHash: string;
  startDate: Date;
  lastDate: Date;
  /** real messages only */
  messageCount: number;
}

interface Container {
  id: string;
  message: ThreadInput | null;
  parent: Container | null;
  children: Container[];
}

function isAncestor(candidate: Container, of: Container): boolean {
  for (let c: Container | null = of; c; c = c.parent) if (c === candidate) return true;
  return false;
}

function link(parent: Container, child: Container): void {
  if (child.parent) child.parent.children.splice(child.parent.children.indexOf(child), 1);
  child.parent = parent;
  parent.children.push(child);
}

export function threadMessages(messages: ThreadInput[], hash: (s: string) => string): Thread[] {
  const table = new Map<string, Container>();
  const get = (id: string): Container => {
    let c = table.get(id);
    if (!c) {
      c = { id, message: null, parent: null, children: [] };
      table.set(id, c);
    }
    return c;
  };
  // Messages in date order so that, between conflicting chains, the earliest sender's view is kept.
  const sorted = [...messages].sort(
    (a, b) => a.date.getTime() - b.date.getTime() || (a.messageId < b.messageId ? -1 : 1),
  );
  for (const m of sorted) {
    const c = get(m.messageId);
    if (c.message) continue; // duplicate id: first wins
    c.message = m;
  }
  // Pass 1 (JWZ 1B): each reference is the parent of the next, unless already parented.
  for (const m of sorted) {
    if (table.get(m.messageId)!.message !== m) continue;
    let prev: Container | null = null;
    for (const ref of m.chain) {
      const r = get(ref);
      if (prev && !r.parent && r !== prev && !isAncestor(r, prev)) link(prev, r);
      prev = r;
    }
  }
  // Pass 2 (JWZ 1C): a message's own last reference is its parent, replacing any guess from other chains.
  // Done after all chains so the result does not depend on the order messages arrive in. A message with
  // no references keeps a parent that other messages' chains gave it.
  for (const m of sorted) {
    const c = table.get(m.messageId)!;
    if (c.message !== m || m.chain.length === 0) continue;
    const p = table.get(m.chain[m.chain.length - 1]!)!;
    if (p !== c && c.parent !== p && !isAncestor(c, p)) link(p, c);
  }

  // collect the roots before pruning: pruning a phantom root re-roots its only child
  const roots = [...table.values()].filter((c) => !c.parent);
  const tops: Container[] = [];
  for (const c of roots) {
    const top = prune(c);
    if (top) {
      top.parent = null;
      tops.push(top);
    }
  }
  const threads: Thread[] = [];
  for (const top of groupBySubject(tops)) threads.push(buildThread(top, hash));
  threads.sort(
    (a, b) => a.startDate.getTime() - b.startDate.getTime() || (a.rootMessageId < b.rootMessageId ? -1 : 1),
  );
  return threads;
}

/** The narrowed JWZ step 5 (see the header comment). Returns the remaining tops. */
function groupBySubject(tops: Container[]): Container[] {
  const starters = new Map<string, Container[]>();
  for (const t of tops) {
    const m = t.message;
    if (m && !m.isReply && m.subject) {
      const list = starters.get(m.subject) ?? [];
      list.push(t);
      starters.set(m.subject, list);
    }
  }
  const window = SUBJECT_WINDOW_DAYS * 86_400_000;
  const remaining: Container[] = [];
  for (const t of tops) {
    const m = t.message;
    if (m?.isReply && m.subject) {
      const candidates = starters.get(m.subject) ?? [];
      let best: Container | null = null;
      for (const c of candidates) {
        const d = c.message!.date.getTime();
        if (
          c !== t &&
          d <= m.date.getTime() &&
          m.date.getTime() - d <= window &&
          (!best || d > best.message!.date.getTime())
        )
          best = c;
      }
      if (best) {
        link(best, t);
        continue;
      }
    }
    remaining.push(t);
  }
  return remaining;
}

/** Remove empty leaves; replace single-child phantoms by their child. Returns the new subtree top. */
function prune(c: Container): Container | null {
  const kids: Container[] = [];
  for (const k of c.children) {
    const p = prune(k);
    if (p) kids.push(p);
  }
  c.children = kids;
  for (const k of kids) k.parent = c;
  if (!c.message) {
    if (kids.length === 0) return null;
    if (kids.length === 1) {
      kids[0]!.parent = c.parent;
      return kids[0]!;
    }
  }
  return c;
}

const earliestCache = new WeakMap<Container, number>();
function earliest(c: Container): number {
  const cached = earliestCache.get(c);
  if (cached !== undefined) return cached;
  let t = c.message ? c.message.date.getTime() : Number.POSITIVE_INFINITY;
  for (const k of c.children) t = Math.min(t, earliest(k));
  earliestCache.set(c, t);
  return t;
}

function buildThread(top: Container, hash: (s: string) => string): Thread {
  const members: ThreadMember[] = [];
  let start = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const ids: string[] = [];
  const visit = (c: Container, parent: Container | null, depth: number) => {
    members.push({
      messageId: c.id,
      parentId: parent ? parent.id : null,
      depth,
      order: members.length,
      phantom: !c.message,
    });
    if (c.message) {
      const t = c.message.date.getTime();
      start = Math.min(start, t);
      last = Math.max(last, t);
      ids.push(c.id);
    }
    const kids = [...c.children].sort((a, b) => earliest(a) - earliest(b) || (a.id < b.id ? -1 : 1));
    for (const k of kids) visit(k, c, depth + 1);
  };
  visit(top, null, 0);
  return {
    rootMessageId: top.id,
    members,
    membershipHash: hash(
      members.map((m) => `${m.messageId} ${m.parentId ?? ""}${m.phantom ? " ?" : ""}`).join("\n"),
    ),
    startDate: new Date(start),
    lastDate: new Date(last),
    messageCount: ids.length,
  };
}
