import { splitMbox } from "../../functions/mail/mbox";
import { parseMessage } from "../../functions/mail/parse";

/**
 * Seeds `count` emails with NULL search fields from a real mbox (the corpus), for the backfill tests and
 * benchmark: a list, its authors, and the messages in order, repeated under new Message-IDs when `count`
 * exceeds the mbox. Only the columns the search recipe reads are filled (subject, body, author); written in
 * multi-row INSERTs. Pure (no Node APIs): Worker tests use it too.
 */
export interface SeededEmails {
  listId: number;
  count: number;
}

export interface CorpusMessage {
  messageId: string;
  subject: string;
  body: string;
  address: string;
  name: string;
  date: Date;
}

export function corpusMessages(mbox: Uint8Array): CorpusMessage[] {
  const out: CorpusMessage[] = [];
  for (const entry of splitMbox(mbox)) {
    const parsed = parseMessage(entry.bytes, { sourceDate: entry.fromLineDate ?? new Date() });
    if (!parsed.ok || !parsed.message.from) continue;
    const m = parsed.message;
    out.push({
      messageId: m.messageId,
      subject: m.subject,
      body: m.body,
      address: m.from!.address.toLowerCase(),
      name: m.from!.name,
      date: m.date.date,
    });
  }
  return out;
}

type Queryable = { query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }> };

export async function seedEmails(
  db: Queryable,
  messages: CorpusMessage[],
  options: { list: string; count: number },
): Promise<SeededEmails> {
  const { rows: lists } = await db.query(
    "INSERT INTO mailing_lists (slug, name) VALUES ($1, $1) ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name RETURNING id",
    [options.list],
  );
  const listId = Number(lists[0]!.id);
  const authors = [...new Map(messages.map((m) => [m.address, m.name])).entries()];
  await db.query(
    `INSERT INTO authors (email, canonical_name) SELECT * FROM unnest($1::text[], $2::text[])
     ON CONFLICT (email) DO NOTHING`,
    [authors.map((a) => a[0]), authors.map((a) => a[1] || null)],
  );
  for (let start = 0; start < options.count; start += 500) {
    const chunk = Array.from({ length: Math.min(500, options.count - start) }, (_, i) => {
      const n = start + i;
      const m = messages[n % messages.length]!;
      return { ...m, messageId: `${Math.floor(n / messages.length)}.${m.messageId}` };
    });
    await db.query(
      `INSERT INTO emails (mailing_list_id, message_id, author_id, subject, body, date)
       SELECT $1, v.message_id, a.id, v.subject, v.body, v.date
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
              WITH ORDINALITY AS v(message_id, address, subject, body, date, n)
         JOIN authors a ON a.email = v.address
        ORDER BY v.n`,
      [
        listId,
        chunk.map((m) => m.messageId),
        chunk.map((m) => m.address),
        chunk.map((m) => m.subject),
        chunk.map((m) => m.body.replace(/\u0000/g, "")),
        chunk.map((m) => m.date.toISOString()),
      ],
    );
  }
  return { listId, count: options.count };
}

/**
 * Rows whose search fields differ from what the recipe gives when evaluated directly, in one SELECT: 0 means
 * the backfill wrote exactly what a direct to_tsvector gives.
 */
export const MISMATCHED_ROWS_SQL = (lexTs: string, bodyTs: string) =>
  `SELECT count(*)::int AS n FROM emails e JOIN authors a ON a.id = e.author_id
    WHERE e.lex_ts IS DISTINCT FROM (${lexTs}) OR e.body_ts IS DISTINCT FROM (${bodyTs})`;
