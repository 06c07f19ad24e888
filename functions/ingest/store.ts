import type { Pool } from "@neondatabase/serverless";
import { gzip, sha256Hex } from "../lib/compression";
import { bodyTsSql, lexTsSql, RECIPE_VERSION } from "../mail/search-text";
import { binaryArrayElements, binaryByteaArray, binaryTextArray } from "./binary-array";
import { notifyWatchers } from "./notify";
import { type IngestItem, type PreparedMessage, pgText, prepareMessage, UNKNOWN_AUTHOR } from "./prepare";
import { assignBatchSeries, moveSeriesMembers, refreshSeries } from "./series";
import { type Client, inTransaction, rows } from "./sql";
import { rethread } from "./threads";

export type IngestStatus = "stored" | "duplicate" | "rejected" | "deleted";

export interface IngestOutcome {
  /** position of the item in the batch */
  index: number;
  messageId: string | null;
  status: IngestStatus;
  reason?: string;
}

export interface PhaseTimes {
  parse: number;
  write: number;
  thread: number;
}

export interface BatchResult {
  outcomes: IngestOutcome[];
  times: PhaseTimes;
}

export interface PrepareOptions {
  /** messages (original bytes) whose deletion the source records (public-inbox `d` blobs) */
  deletions?: Uint8Array[];
  now?: Date;
}

export interface WriteOptions {
  /** runs inside the batch's transaction after the writes (e.g. to record the last indexed commit) */
  inTransaction?: (client: Client) => Promise<void>;
}

export type BatchOptions = PrepareOptions & WriteOptions;

export interface Prepared extends PreparedMessage {
  index: number;
  /** the original bytes' length and SHA-256 (the bytes themselves, gzipped, are in PreparedBatch.columns) */
  rawSize: number;
  sha: string;
}

/** A batch parsed and compressed, ready to write: plain data, so it can cross to another thread. */
export interface PreparedBatch {
  /** messages to store, distinct Message-IDs, in batch order */
  messages: Prepared[];
  /**
   * The two large columns of `messages`, in order, already encoded as the binary array parameters the INSERTs
   * send (bodies text[], gzipped originals bytea[]): encoded where the batch is prepared (off the writer's
   * thread in the importer), and transferable between threads without a copy.
   */
  columns: { bodies: Uint8Array; sources: Uint8Array };
  /** outcomes known without the database: rejected, repeated within the batch */
  outcomes: IngestOutcome[];
  /** Message-IDs of the deleted messages */
  deletionIds: string[];
  parseMs: number;
}

/**
 * Import a batch of messages into a list: parse (outside the transaction), then one transaction of
 * multi-row statements — authors and their names, emails, raw sources, recipients, references, search
 * fields, series, threads and per-list author activity. Idempotent: messages already stored (same
 * Message-ID in the list) are reported as duplicates and left alone.
 */
export async function ingestBatch(
  pool: Pool,
  listId: number,
  items: IngestItem[],
  options: BatchOptions = {},
): Promise<BatchResult> {
  return writeBatch(pool, listId, await prepareBatch(items, options), options);
}

/** The part of a batch that needs no database: parse, drop repeats, compress and hash the originals. */
export async function prepareBatch(
  items: IngestItem[],
  options: PrepareOptions = {},
): Promise<PreparedBatch> {
  const now = options.now ?? new Date();
  const t0 = performance.now();
  const outcomes: IngestOutcome[] = [];
  const messages: Prepared[] = [];
  const seen = new Set<string>();
  for (let index = 0; index < items.length; index++) {
    let r: ReturnType<typeof prepareMessage>;
    try {
      r = prepareMessage(items[index]!, now);
    } catch (error) {
      r = { ok: false, reason: `parse_error: ${(error as Error).message}`.slice(0, 200) };
    }
    if (!r.ok) {
      outcomes.push({ index, messageId: null, status: "rejected", reason: r.reason });
      continue;
    }
    const id = r.message.parsed.messageId;
    if (seen.has(id)) {
      outcomes.push({ index, messageId: id, status: "duplicate" });
      continue;
    }
    seen.add(id);
    messages.push({ ...r.message, index, rawSize: items[index]!.bytes.length, sha: "" });
  }
  const gzipped = messages.map((p) => {
    p.sha = sha256Hex(p.item.bytes);
    return gzip(p.item.bytes);
  });
  const columns = {
    bodies: binaryTextArray(messages.map((p) => pgText(p.parsed.body))),
    sources: binaryByteaArray(gzipped),
  };
  const deletionIds: string[] = [];
  for (const d of options.deletions ?? []) {
    const r = prepareMessage({ bytes: d }, now);
    if (r.ok) deletionIds.push(r.message.parsed.messageId);
  }
  return { messages, columns, outcomes, deletionIds, parseMs: performance.now() - t0 };
}

/**
 * The database part of a batch: one transaction. When it fails for something a message holds (a value the
 * schema refuses: see isMessageFault), the batch is written again in halves, down to the message(s) at
 * fault, which are rejected with the database's reason while every other message is stored; the
 * `inTransaction` hook (the source's cursor) then runs on its own, after all parts, so a re-run does not stop
 * at the same place and a crash between parts repeats them (as duplicates) instead of skipping any. Any
 * other failure (the database gone, disk full, a migration missing) is thrown at once.
 */
export async function writeBatch(
  pool: Pool,
  listId: number,
  batch: PreparedBatch,
  options: WriteOptions = {},
): Promise<BatchResult> {
  try {
    return await writeOnce(pool, listId, batch, options);
  } catch (error) {
    if (!isMessageFault(error) || batch.messages.length === 0) throw error;
  }
  const result: BatchResult = {
    outcomes: [...batch.outcomes],
    times: { parse: batch.parseMs, write: 0, thread: 0 },
  };
  const add = (r: BatchResult) => {
    result.outcomes.push(...r.outcomes);
    result.times.write += r.times.write;
    result.times.thread += r.times.thread;
  };
  await writeParts(pool, listId, { ...batch, outcomes: [] }, add);
  if (options.inTransaction) add(await writeOnce(pool, listId, emptyBatch(), options));
  result.outcomes.sort((a, b) => a.index - b.index);
  return result;
}

/**
 * SQLSTATE classes that one message's values can cause: 21 cardinality, 22 data exception (bad encoding,
 * out-of-range number or date), 23 integrity constraint (a check the mail breaks), 54 program limit (an
 * index entry too large). Other failures are the database's own (08 connection, 53 resources such as a full
 * disk, 57 shutdown, 42 an undefined table: a migration missing) and stop the import.
 */
export function isMessageFault(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^(21|22|23|54)[0-9A-Z]{3}$/.test(code);
}

/**
 * The reason a message is rejected for a database error, its class first ("database 23514
 * patch_series_version_check: new row for relation …"): SQLSTATE and constraint, then the server's words.
 */
export function databaseReason(error: unknown): string {
  const e = error as { code?: string; message?: string; constraint?: string };
  const detail = (e.message ?? String(error)).replace(/\s*\(in: .*$/s, "");
  return `database ${e.code}${e.constraint ? ` ${e.constraint}` : ""}: ${detail}`.slice(0, 300);
}

/** A rejection's reason class, what summaries count by: the reason up to its first ": " ("parse_error"). */
export function reasonClass(reason: string): string {
  const at = reason.indexOf(": ");
  return at < 0 ? reason : reason.slice(0, at);
}

/** Write `part`; at a message's fault, write its halves instead, until the faulty message stands alone. */
async function writeParts(
  pool: Pool,
  listId: number,
  part: PreparedBatch,
  add: (r: BatchResult) => void,
): Promise<void> {
  if (part.messages.length === 0 && part.deletionIds.length === 0) return;
  try {
    add(await writeOnce(pool, listId, part, {}));
    return;
  } catch (error) {
    if (!isMessageFault(error) || part.messages.length === 0) throw error;
    if (part.messages.length === 1 && part.deletionIds.length === 0) {
      const p = part.messages[0]!;
      add({
        outcomes: [
          {
            index: p.index,
            messageId: p.parsed.messageId,
            status: "rejected",
            reason: databaseReason(error),
          },
        ],
        times: { parse: 0, write: 0, thread: 0 },
      });
      return;
    }
  }
  // halves; one message and deletions: the message alone, then the deletions alone
  const n = part.messages.length;
  const half = n === 1 ? 1 : Math.ceil(n / 2);
  await writeParts(pool, listId, subBatch(part, 0, half, n === 1 ? [] : part.deletionIds), add);
  await writeParts(pool, listId, subBatch(part, half, n, n === 1 ? part.deletionIds : []), add);
}

/** Messages [from, to) of a batch, with their encoded columns, carrying the given deletions. */
function subBatch(batch: PreparedBatch, from: number, to: number, deletionIds: string[]): PreparedBatch {
  const positions = Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
  return {
    messages: positions.map((i) => batch.messages[i]!),
    columns: {
      bodies: binaryArrayElements(batch.columns.bodies, positions),
      sources: binaryArrayElements(batch.columns.sources, positions),
    },
    outcomes: [],
    deletionIds,
    parseMs: 0,
  };
}

function emptyBatch(): PreparedBatch {
  return {
    messages: [],
    columns: { bodies: binaryTextArray([]), sources: binaryByteaArray([]) },
    outcomes: [],
    deletionIds: [],
    parseMs: 0,
  };
}

/** One transaction: the fresh messages, the deletions, threads and activity, then the hook. */
async function writeOnce(
  pool: Pool,
  listId: number,
  batch: PreparedBatch,
  options: WriteOptions,
): Promise<BatchResult> {
  const times: PhaseTimes = { parse: batch.parseMs, write: 0, thread: 0 };
  const outcomes = [...batch.outcomes];
  const prepared = batch.messages;
  const deletionIds = batch.deletionIds;
  let t0 = 0;
  await inTransaction(pool, async (client) => {
    t0 = performance.now();
    const existing = new Set(
      (
        await rows<{ message_id: string }>(
          client,
          "SELECT message_id FROM emails WHERE mailing_list_id = $1 AND message_id = ANY($2::text[])",
          [listId, prepared.map((p) => p.parsed.messageId)],
        )
      ).map((r) => r.message_id),
    );
    const positions = prepared.flatMap((p, i) => (existing.has(p.parsed.messageId) ? [] : [i]));
    const fresh = positions.map((i) => prepared[i]!);
    for (const p of prepared)
      if (existing.has(p.parsed.messageId))
        outcomes.push({ index: p.index, messageId: p.parsed.messageId, status: "duplicate" });
    const seeds = new Set<string>();
    const touchedAuthors = new Set<number>();
    let freshIds: string[] = [];
    if (fresh.length > 0) {
      freshIds = await writeEmails(client, listId, fresh, freshColumns(batch, positions));
      for (const p of fresh) {
        outcomes.push({ index: p.index, messageId: p.parsed.messageId, status: "stored" });
        seeds.add(p.parsed.messageId);
        for (const id of p.chain) seeds.add(id);
      }
    }
    if (deletionIds.length > 0) {
      const gone = await rows<{ message_id: string; author_id: string }>(
        client,
        "DELETE FROM emails WHERE mailing_list_id = $1 AND message_id = ANY($2::text[]) RETURNING message_id, author_id",
        [listId, deletionIds],
      );
      for (const g of gone) {
        seeds.add(g.message_id);
        touchedAuthors.add(Number(g.author_id));
        outcomes.push({ index: -1, messageId: g.message_id, status: "deleted" });
      }
      if (gone.length > 0) await dropEmptyThreads(client, listId);
    }
    times.write = performance.now() - t0;
    t0 = performance.now();
    if (seeds.size > 0) {
      const r = await rethread(client, listId, seeds);
      for (const a of r.authorIds) touchedAuthors.add(a);
      await refreshActivity(client, listId, [...touchedAuthors]);
    }
    await notifyWatchers(client, freshIds);
    await options.inTransaction?.(client);
    times.thread = performance.now() - t0;
  });
  outcomes.sort((a, b) => a.index - b.index);
  return { outcomes, times };
}

/** jsonb rejects \u0000 escapes: drop NULs from the text values. */
function jsonForPg(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === "string" ? pgText(v) : v));
}

/** Threads whose every real member was deleted. */
async function dropEmptyThreads(client: Client, listId: number): Promise<void> {
  await client.query(
    `DELETE FROM threads t WHERE t.mailing_list_id = $1
        AND NOT EXISTS (SELECT 1 FROM thread_memberships m WHERE m.thread_id = t.id AND m.email_id IS NOT NULL)`,
    [listId],
  );
}

interface AuthorUse {
  first: Date;
  last: Date;
  names: Map<string, { count: number; first: Date; last: Date }>;
}

/** The encoded columns of the batch's messages at `positions` (the fresh ones): all of them as they are. */
function freshColumns(batch: PreparedBatch, positions: number[]): PreparedBatch["columns"] {
  if (positions.length === batch.messages.length) return batch.columns;
  return {
    bodies: binaryArrayElements(batch.columns.bodies, positions),
    sources: binaryArrayElements(batch.columns.sources, positions),
  };
}

/**
 * Authors (From, To, Cc), their names, emails, sources, recipients and references of the `fresh` messages.
 * Returns the new emails' ids, in `fresh` order.
 */
async function writeEmails(
  client: Client,
  listId: number,
  fresh: Prepared[],
  columns: PreparedBatch["columns"],
): Promise<string[]> {
  const uses = new Map<string, AuthorUse>();
  const use = (address: string, name: string, date: Date) => {
    const key = pgText(address.toLowerCase());
    let u = uses.get(key);
    if (!u) {
      u = { first: date, last: date, names: new Map() };
      uses.set(key, u);
    }
    if (date < u.first) u.first = date;
    if (date > u.last) u.last = date;
    const n = pgText(name).trim();
    if (n && n.toLowerCase() !== key) {
      const a = u.names.get(n);
      if (a) {
        a.count++;
        if (date < a.first) a.first = date;
        if (date > a.last) a.last = date;
      } else u.names.set(n, { count: 1, first: date, last: date });
    }
  };
  for (const p of fresh) {
    const d = p.parsed.date.date;
    use(p.authorKey, p.parsed.from?.name ?? "", d);
    for (const a of [...p.parsed.to, ...p.parsed.cc]) use(a.address, a.name, d);
  }
  if (!uses.has(UNKNOWN_AUTHOR) && fresh.some((p) => p.authorKey === UNKNOWN_AUTHOR))
    use(UNKNOWN_AUTHOR, "", new Date());
  const emails = [...uses.keys()];
  const authorRows = await rows<{ id: string; email: string }>(
    client,
    `INSERT INTO authors (email, first_seen, last_seen)
     SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[])
     ON CONFLICT (email) DO UPDATE SET first_seen = LEAST(authors.first_seen, EXCLUDED.first_seen),
                                       last_seen = GREATEST(authors.last_seen, EXCLUDED.last_seen)
     RETURNING id, email`,
    [
      emails,
      emails.map((e) => uses.get(e)!.first.toISOString()),
      emails.map((e) => uses.get(e)!.last.toISOString()),
    ],
  );
  const authorId = new Map(authorRows.map((r) => [r.email, r.id]));
  const alias = {
    author: [] as string[],
    name: [] as string[],
    count: [] as number[],
    first: [] as string[],
    last: [] as string[],
  };
  for (const [email, u] of uses) {
    for (const [name, a] of u.names) {
      alias.author.push(authorId.get(email)!);
      alias.name.push(name);
      alias.count.push(a.count);
      alias.first.push(a.first.toISOString());
      alias.last.push(a.last.toISOString());
    }
  }
  if (alias.name.length > 0) {
    await client.query(
      `INSERT INTO author_name_aliases (author_id, name, usage_count, first_seen, last_seen)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::int[], $4::timestamptz[], $5::timestamptz[])
       ON CONFLICT (author_id, name) DO UPDATE SET usage_count = author_name_aliases.usage_count + EXCLUDED.usage_count,
         first_seen = LEAST(author_name_aliases.first_seen, EXCLUDED.first_seen),
         last_seen = GREATEST(author_name_aliases.last_seen, EXCLUDED.last_seen)`,
      [alias.author, alias.name, alias.count, alias.first, alias.last],
    );
    // canonical_name = the most used name (latest use breaks ties)
    await client.query(
      `UPDATE authors a SET canonical_name = x.name
         FROM (SELECT DISTINCT ON (author_id) author_id, name FROM author_name_aliases
                WHERE author_id = ANY($1::bigint[])
                ORDER BY author_id, usage_count DESC, last_seen DESC NULLS LAST, name) x
        WHERE a.id = x.author_id AND a.canonical_name IS DISTINCT FROM x.name`,
      [[...new Set(alias.author)]],
    );
  }

  const series = await assignBatchSeries(client, listId, fresh);
  // lex_ts/body_ts come from the one recipe (functions/mail/search-text.ts), applied to the inserted values
  const inserted = await rows<{ id: string; message_id: string }>(
    client,
    `INSERT INTO emails (mailing_list_id, message_id, source_commit, epoch, author_id, subject, normalized_subject, date,
                         date_is_fallback, in_reply_to, body, patch_type, is_patch_only, patch_metadata, patch_id,
                         series_id, series_number, series_total, lex_ts, body_ts, search_version, threaded_at)
     SELECT $1, e.message_id, e.source_commit, e.epoch, e.author_id, e.subject, e.normalized_subject, e.date,
            e.date_is_fallback, e.in_reply_to, e.body, e.patch_type, e.is_patch_only, e.patch_metadata, e.patch_id,
            e.series_id, e.series_number, e.series_total,
            ${lexTsSql("e", "a")}, ${bodyTsSql("e")}, ${RECIPE_VERSION}, now()
       FROM unnest($2::text[], $3::text[], $4::int[], $5::bigint[], $6::text[], $7::text[], $8::timestamptz[],
                   $9::boolean[], $10::text[], $11::text[], $12::patch_type[], $13::boolean[], $14::jsonb[],
                   $15::bigint[], $16::int[], $17::int[], $18::text[]) WITH ORDINALITY
            AS e(message_id, source_commit, epoch, author_id, subject, normalized_subject, date, date_is_fallback,
                 in_reply_to, body, patch_type, is_patch_only, patch_metadata, series_id, series_number, series_total,
                 patch_id, ord)
       JOIN authors a ON a.id = e.author_id
      -- ids in source order (the join may reorder rows): emails.id is then the archive's order, as public-inbox
      -- numbers its messages, which thread downloads (t.mbox.gz) follow
      ORDER BY e.ord
     RETURNING id, message_id`,
    [
      listId,
      fresh.map((p) => p.parsed.messageId),
      fresh.map((p) => p.item.commit ?? null),
      fresh.map((p) => p.item.epoch ?? null),
      fresh.map((p) => authorId.get(p.authorKey)!),
      fresh.map((p) => pgText(p.parsed.subject)),
      fresh.map((p) => p.normalizedSubject),
      fresh.map((p) => p.parsed.date.date.toISOString()),
      fresh.map((p) => p.parsed.date.source === "fallback"),
      fresh.map((p) => p.parsed.inReplyTo),
      columns.bodies,
      fresh.map((p) => p.patch.patchType),
      fresh.map((p) => p.patch.isPatchOnly),
      fresh.map((p) => (p.patch.metadata ? jsonForPg(p.patch.metadata) : null)),
      fresh.map((p) => series.batch.get(p.parsed.messageId)?.seriesId ?? null),
      fresh.map((p) => series.batch.get(p.parsed.messageId)?.number ?? null),
      fresh.map((p) => series.batch.get(p.parsed.messageId)?.total ?? null),
      // '' for a patch whose text holds no diff git would hash (as the backfill marks it): NULL is "not computed"
      fresh.map((p) => (p.patch.patchType === "none" ? null : (p.patch.patchId ?? ""))),
    ],
  );
  await moveSeriesMembers(client, listId, series);
  await refreshSeries(client, [
    ...new Set([
      ...[...series.batch.values(), ...series.moved.values()].map((s) => s.seriesId),
      ...series.left,
    ]),
  ]);
  const idOf = new Map(inserted.map((r) => [r.message_id, r.id]));
  const emailIds = fresh.map((p) => idOf.get(p.parsed.messageId)!);

  await client.query(
    `INSERT INTO email_sources (email_id, raw, raw_size, raw_sha256)
     SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::int[], $4::text[])`,
    [emailIds, columns.sources, fresh.map((p) => p.rawSize), fresh.map((p) => p.sha)],
  );

  // one row per (email, To|Cc): the author ids in header order, as array literals
  const rec = { email: [] as string[], kind: [] as string[], authors: [] as string[] };
  const ref = { email: [] as string[], id: [] as string[], pos: [] as number[] };
  fresh.forEach((p, i) => {
    const eid = emailIds[i]!;
    for (const [kind, list] of [
      ["to", p.parsed.to],
      ["cc", p.parsed.cc],
    ] as const) {
      if (list.length === 0) continue;
      rec.email.push(eid);
      rec.kind.push(kind);
      rec.authors.push(`{${list.map((a) => authorId.get(pgText(a.address.toLowerCase()))!).join(",")}}`);
    }
    p.parsed.references.forEach((id, pos) => {
      ref.email.push(eid);
      ref.id.push(id);
      ref.pos.push(pos);
    });
  });
  if (rec.email.length > 0) {
    await client.query(
      `INSERT INTO email_recipients (email_id, kind, author_ids)
       SELECT r.email_id, r.kind, r.author_ids::bigint[]
         FROM unnest($1::bigint[], $2::recipient_kind[], $3::text[]) AS r(email_id, kind, author_ids)`,
      [rec.email, rec.kind, rec.authors],
    );
  }
  if (ref.email.length > 0) {
    await client.query(
      `INSERT INTO email_references (email_id, referenced_message_id, position)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::int[])`,
      [ref.email, ref.id, ref.pos],
    );
  }
  return emailIds;
}

/** Recompute per-list activity (first/last date, email and thread counts) of the given authors. */
async function refreshActivity(client: Client, listId: number, authorIds: number[]): Promise<void> {
  if (authorIds.length === 0) return;
  await client.query(
    `INSERT INTO author_mailing_list_activity (author_id, mailing_list_id, first_email_date, last_email_date, email_count, thread_count)
     SELECT e.author_id, e.mailing_list_id, min(e.date), max(e.date), count(DISTINCT e.id), count(DISTINCT m.thread_id)
       FROM emails e LEFT JOIN thread_memberships m ON m.email_id = e.id
      WHERE e.mailing_list_id = $1 AND e.author_id = ANY($2::bigint[])
      GROUP BY e.author_id, e.mailing_list_id
     ON CONFLICT (author_id, mailing_list_id) DO UPDATE SET first_email_date = EXCLUDED.first_email_date,
       last_email_date = EXCLUDED.last_email_date, email_count = EXCLUDED.email_count, thread_count = EXCLUDED.thread_count`,
    [listId, authorIds],
  );
  await client.query(
    `DELETE FROM author_mailing_list_activity a WHERE a.mailing_list_id = $1 AND a.author_id = ANY($2::bigint[])
        AND NOT EXISTS (SELECT 1 FROM emails e WHERE e.mailing_list_id = $1 AND e.author_id = a.author_id)`,
    [listId, authorIds],
  );
}
