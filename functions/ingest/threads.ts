import { extent } from "../lib/extent";
import { hash64 } from "../mail/hash";
import { referenceChain } from "../mail/message-id";
import { isReplySubject } from "../mail/subject";
import { SUBJECT_WINDOW_DAYS, type ThreadInput, threadMessages } from "../mail/thread";
import { type Client, rows } from "./sql";

/**
 * Incremental threading. The messages that can influence each other's threads form a component: the seeds,
 * every email they reference or that references them, every member of a thread any of those belong to, and
 * (for the narrowed JWZ subject rule) emails with the same normalised subject within the subject window.
 * The component is threaded from scratch with the pure JWZ code and its threads rewritten, so importing in
 * any order or in any number of runs gives the same threads as importing everything at once.
 */

const MAX_ROUNDS = 64;
const WINDOW_MS = SUBJECT_WINDOW_DAYS * 86_400_000;

interface EmailRow {
  id: string;
  message_id: string;
  in_reply_to: string | null;
  subject: string;
  normalized_subject: string;
  date: Date;
  author_id: string;
  patch_type: string;
}

export interface RethreadResult {
  /** authors whose thread counts may have changed */
  authorIds: number[];
  threads: number;
  emails: number;
}

export async function rethread(
  client: Client,
  listId: number,
  seedMessageIds: Iterable<string>,
): Promise<RethreadResult> {
  const known = new Set<string>();
  const emails = new Map<string, EmailRow>();
  let frontier = [...new Set(seedMessageIds)];
  for (const id of frontier) known.add(id);
  const subjectsSeen = new Set<string>();

  for (let round = 0; round < MAX_ROUNDS && frontier.length > 0; round++) {
    const found = await rows<EmailRow>(
      client,
      `SELECT e.id, e.message_id, e.in_reply_to, e.subject, e.normalized_subject, e.date, e.author_id, e.patch_type
         FROM emails e
        WHERE e.mailing_list_id = $1
          AND (e.message_id = ANY($2::text[]) OR e.in_reply_to = ANY($2::text[])
               OR e.id IN (SELECT r.email_id FROM email_references r WHERE r.referenced_message_id = ANY($2::text[])))`,
      [listId, frontier],
    );
    const fresh = found.filter((e) => !emails.has(e.id));
    for (const e of fresh) emails.set(e.id, e);
    const next = new Set<string>();
    const add = (id: string | null) => {
      if (id && !known.has(id)) {
        known.add(id);
        next.add(id);
      }
    };
    if (fresh.length > 0) {
      const ids = fresh.map((e) => e.id);
      for (const e of fresh) {
        add(e.message_id);
        add(e.in_reply_to);
      }
      const refs = await rows<{ referenced_message_id: string }>(
        client,
        "SELECT referenced_message_id FROM email_references WHERE email_id = ANY($1::bigint[])",
        [ids],
      );
      for (const r of refs) add(r.referenced_message_id);
      const members = await rows<{ message_id: string }>(
        client,
        `SELECT DISTINCT m2.message_id FROM thread_memberships m1
           JOIN thread_memberships m2 ON m2.thread_id = m1.thread_id
          WHERE m1.email_id = ANY($1::bigint[])`,
        [ids],
      );
      for (const m of members) add(m.message_id);
      // same-subject neighbours for the subject rule
      const subjects = [
        ...new Set(fresh.map((e) => e.normalized_subject).filter((s) => s && !subjectsSeen.has(s))),
      ];
      for (const s of subjects) subjectsSeen.add(s);
      if (subjects.length > 0) {
        const [first, last] = extent(fresh.map((e) => new Date(e.date).getTime()));
        const near = await rows<{ message_id: string }>(
          client,
          `SELECT message_id FROM emails
            WHERE mailing_list_id = $1 AND date BETWEEN $2 AND $3 AND normalized_subject = ANY($4::text[])`,
          [listId, new Date(first - WINDOW_MS), new Date(last + WINDOW_MS), subjects],
        );
        for (const m of near) add(m.message_id);
      }
    }
    frontier = [...next];
  }

  const emailIds = [...emails.keys()];
  if (emailIds.length === 0) return { authorIds: [], threads: 0, emails: 0 };
  const refRows = await rows<{ email_id: string; referenced_message_id: string }>(
    client,
    "SELECT email_id, referenced_message_id FROM email_references WHERE email_id = ANY($1::bigint[]) ORDER BY email_id, position",
    [emailIds],
  );
  const refsByEmail = new Map<string, string[]>();
  for (const r of refRows) {
    const list = refsByEmail.get(r.email_id) ?? [];
    list.push(r.referenced_message_id);
    refsByEmail.set(r.email_id, list);
  }
  const byMessageId = new Map<string, EmailRow>();
  const inputs: ThreadInput[] = [];
  for (const e of emails.values()) {
    byMessageId.set(e.message_id, e);
    inputs.push({
      messageId: e.message_id,
      chain: referenceChain(e.message_id, refsByEmail.get(e.id) ?? [], e.in_reply_to ? [e.in_reply_to] : []),
      date: new Date(e.date),
      subject: e.normalized_subject,
      isReply: isReplySubject(e.subject),
    });
  }
  const threads = threadMessages(inputs, hash64);

  const old = await rows<{ id: string; root_message_id: string; membership_hash: string | null }>(
    client,
    `SELECT DISTINCT t.id, t.root_message_id, t.membership_hash FROM threads t
       JOIN thread_memberships m ON m.thread_id = t.id WHERE m.email_id = ANY($1::bigint[])`,
    [emailIds],
  );
  const oldByRoot = new Map(old.map((t) => [t.root_message_id, t]));
  const changed = threads.filter((t) => oldByRoot.get(t.rootMessageId)?.membership_hash !== t.membershipHash);
  const keepRoots = new Set(threads.map((t) => t.rootMessageId));
  const obsolete = old.filter((t) => !keepRoots.has(t.root_message_id)).map((t) => t.id);
  if (obsolete.length > 0) await client.query("DELETE FROM threads WHERE id = ANY($1::bigint[])", [obsolete]);

  if (changed.length > 0) {
    const subjectOf = (t: (typeof threads)[number]) => {
      const first = t.members.find((m) => !m.phantom)!;
      return byMessageId.get(first.messageId)!.subject;
    };
    const upserted = await rows<{ id: string; root_message_id: string }>(
      client,
      `INSERT INTO threads (mailing_list_id, root_message_id, root_email_id, subject, start_date, last_date,
                            message_count, has_patches, membership_hash, updated_at)
       SELECT $1, t.root, t.root_email, t.subject, t.start_date, t.last_date, t.count, t.patches, t.hash, now()
         FROM unnest($2::text[], $3::bigint[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::int[],
                     $8::boolean[], $9::text[])
              AS t(root, root_email, subject, start_date, last_date, count, patches, hash)
       ON CONFLICT (mailing_list_id, root_message_id) DO UPDATE SET
         root_email_id = EXCLUDED.root_email_id, subject = EXCLUDED.subject, start_date = EXCLUDED.start_date,
         last_date = EXCLUDED.last_date, message_count = EXCLUDED.message_count,
         has_patches = EXCLUDED.has_patches, membership_hash = EXCLUDED.membership_hash, updated_at = now()
       RETURNING id, root_message_id`,
      [
        listId,
        changed.map((t) => t.rootMessageId),
        changed.map((t) => byMessageId.get(t.rootMessageId)?.id ?? null),
        changed.map(subjectOf),
        changed.map((t) => t.startDate.toISOString()),
        changed.map((t) => t.lastDate.toISOString()),
        changed.map((t) => t.messageCount),
        changed.map((t) =>
          t.members.some((m) => !m.phantom && byMessageId.get(m.messageId)!.patch_type !== "none"),
        ),
        changed.map((t) => t.membershipHash),
      ],
    );
    const threadIds = new Map(upserted.map((r) => [r.root_message_id, r.id]));
    await client.query("DELETE FROM thread_memberships WHERE thread_id = ANY($1::bigint[])", [
      [...threadIds.values()],
    ]);
    const cols = {
      thread: [] as string[],
      mid: [] as string[],
      email: [] as (string | null)[],
      parent: [] as (string | null)[],
      depth: [] as number[],
      pos: [] as number[],
    };
    for (const t of changed) {
      const tid = threadIds.get(t.rootMessageId)!;
      for (const m of t.members) {
        cols.thread.push(tid);
        cols.mid.push(m.messageId);
        cols.email.push(m.phantom ? null : byMessageId.get(m.messageId)!.id);
        cols.parent.push(m.parentId);
        cols.depth.push(m.depth);
        cols.pos.push(m.order);
      }
    }
    await client.query(
      `INSERT INTO thread_memberships (thread_id, message_id, email_id, parent_message_id, depth, position)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::int[], $6::int[])`,
      [cols.thread, cols.mid, cols.email, cols.parent, cols.depth, cols.pos],
    );
  }
  // new emails carry threaded_at from their insert; older ones keep theirs unless never threaded
  await client.query(
    "UPDATE emails SET threaded_at = now() WHERE id = ANY($1::bigint[]) AND threaded_at IS NULL",
    [emailIds],
  );
  const authorIds = [...new Set([...emails.values()].map((e) => Number(e.author_id)))];
  return { authorIds, threads: changed.length, emails: emailIds.length };
}
