import { extent } from "../lib/extent";
import { referenceChain } from "../mail/message-id";
import {
  assignSeries,
  isSeriesMember,
  SAME_SENDER_WINDOW_MS,
  type SeriesCandidate,
  seriesLineageKey,
} from "../mail/series";
import { parseSubjectTags } from "../mail/subject";
import type { PreparedMessage } from "./prepare";
import { type Client, rows } from "./sql";

interface KnownRow {
  message_id: string;
  subject: string;
  normalized_subject: string;
  date: Date;
  email: string;
  in_reply_to: string | null;
  refs: string[] | null;
}

function fromRow(r: KnownRow): SeriesCandidate {
  return {
    messageId: r.message_id,
    authorKey: r.email,
    tags: parseSubjectTags(r.subject),
    normalizedSubject: r.normalized_subject,
    date: new Date(r.date),
    chain: referenceChain(r.message_id, r.refs ?? [], r.in_reply_to ? [r.in_reply_to] : []),
  };
}

const KNOWN_SQL = `SELECT e.message_id, e.subject, e.normalized_subject, e.date, a.email, e.in_reply_to,
       (SELECT array_agg(r.referenced_message_id ORDER BY r.position) FROM email_references r WHERE r.email_id = e.id) AS refs
  FROM emails e JOIN authors a ON a.id = e.author_id WHERE e.mailing_list_id = $1`;

export interface EmailSeries {
  seriesId: string;
  number: number | null;
  total: number | null;
}

export interface BatchSeries {
  /** series of the batch's patch messages, by Message-ID */
  batch: Map<string, EmailSeries>;
  /** stored emails that move to another series because of the batch (a cover letter that came late) */
  moved: Map<string, EmailSeries>;
  /** series they leave: to refresh, or delete when left empty */
  left: string[];
}

/**
 * Stored series members that the batch may re-key: those referring to one of `ids` (their cover or head
 * arriving late) and every other member of their series. Each row carries its current series key.
 */
const AFFECTED_SQL = `SELECT e.message_id, e.subject, e.normalized_subject, e.date, a.email, e.in_reply_to,
       (SELECT array_agg(r.referenced_message_id ORDER BY r.position) FROM email_references r WHERE r.email_id = e.id) AS refs,
       s.id AS series_id, s.series_key
  FROM emails e JOIN authors a ON a.id = e.author_id JOIN patch_series s ON s.id = e.series_id
 WHERE e.series_id IN (
         SELECT x.series_id FROM emails x
          WHERE x.mailing_list_id = $1 AND x.series_id IS NOT NULL
            AND (x.in_reply_to = ANY($2::text[])
                 OR x.id IN (SELECT r.email_id FROM email_references r WHERE r.referenced_message_id = ANY($2::text[]))))`;

/**
 * Series of the patch messages of a batch (functions/mail/series.ts decides; this resolves references
 * against the batch and the database and upserts patch_series rows). Runs before the emails are inserted
 * (their authors must exist): returns each patch message's series by Message-ID, so the insert carries
 * series_id and no wide email row is rewritten afterwards.
 */
export async function assignBatchSeries(
  client: Client,
  listId: number,
  fresh: PreparedMessage[],
): Promise<BatchSeries> {
  const result: BatchSeries = { batch: new Map(), moved: new Map(), left: [] };
  const batch = new Map<string, SeriesCandidate>();
  const patches: { c: SeriesCandidate }[] = [];
  fresh.forEach((p) => {
    const c: SeriesCandidate = {
      messageId: p.parsed.messageId,
      authorKey: p.authorKey,
      tags: p.tags,
      normalizedSubject: p.normalizedSubject,
      date: p.parsed.date.date,
      chain: p.chain,
    };
    batch.set(c.messageId, c);
    if (isSeriesMember(c)) patches.push({ c });
  });
  if (patches.length === 0) return result;

  const known = new Map<string, SeriesCandidate>();
  // stored members of series that a batch patch may head (it came after them)
  const affected = await rows<KnownRow & { series_id: string; series_key: string }>(client, AFFECTED_SQL, [
    listId,
    patches.map((p) => p.c.messageId),
  ]);
  for (const r of affected) known.set(r.message_id, fromRow(r));
  const wanted = [
    ...new Set([...patches.map((p) => p.c.chain), ...[...known.values()].map((c) => c.chain)].flat()),
  ].filter((id) => !batch.has(id) && !known.has(id));
  if (wanted.length > 0) {
    for (const r of await rows<KnownRow>(client, `${KNOWN_SQL} AND e.message_id = ANY($2::text[])`, [
      listId,
      wanted,
    ])) {
      known.set(r.message_id, fromRow(r));
    }
  }
  const unthreaded = patches.filter((p) => p.c.chain.length === 0 && p.c.tags.number !== null);
  const sameSenderRows: SeriesCandidate[] = [];
  if (unthreaded.length > 0) {
    const [first, last] = extent(unthreaded.map((p) => p.c.date.getTime()));
    const found = await rows<KnownRow>(
      client,
      `${KNOWN_SQL} AND a.email = ANY($2::text[]) AND e.date BETWEEN $3 AND $4 AND e.series_total IS NOT NULL`,
      [
        listId,
        [...new Set(unthreaded.map((p) => p.c.authorKey))],
        new Date(first - SAME_SENDER_WINDOW_MS),
        new Date(last + SAME_SENDER_WINDOW_MS),
      ],
    );
    for (const r of found) sameSenderRows.push(fromRow(r));
  }
  const find = (id: string) => batch.get(id) ?? known.get(id);
  const sameSender = (m: SeriesCandidate) => [
    ...[...batch.values()].filter((c) => c.authorKey === m.authorKey),
    ...sameSenderRows.filter((c) => c.authorKey === m.authorKey && !batch.has(c.messageId)),
  ];
  const assigned = patches.map((p) => ({ ...p, s: assignSeries(p.c, find, sameSender)! }));
  const moving = affected
    .map((r) => ({
      r,
      c: known.get(r.message_id)!,
      s: assignSeries(known.get(r.message_id)!, find, sameSender),
    }))
    .filter((m) => m.s && m.s.seriesKey !== m.r.series_key)
    .map((m) => ({ c: m.c, s: m.s!, from: m.r.series_id }));
  const all = [...assigned, ...moving];

  const keys = [...new Set(all.map((a) => a.s.seriesKey))];
  const first = new Map<string, (typeof all)[number]>();
  for (const a of all) {
    const f = first.get(a.s.seriesKey);
    if (!f || a.c.date < f.c.date) first.set(a.s.seriesKey, a);
  }
  const series = await rows<{ id: string; series_key: string }>(
    client,
    `INSERT INTO patch_series (mailing_list_id, series_key, lineage_key, version, version_label, total, title, author_id, first_date, last_date)
     SELECT $1, t.k, '', t.v, t.label, t.t, t.title, a.id, t.d, t.d
       FROM unnest($2::text[], $3::int[], $4::text[], $5::int[], $6::text[], $7::text[], $8::timestamptz[])
            AS t(k, v, label, t, title, author, d)
       JOIN authors a ON a.email = t.author
     ON CONFLICT (mailing_list_id, series_key) DO UPDATE SET version = EXCLUDED.version, version_label = EXCLUDED.version_label
     RETURNING id, series_key`,
    [
      listId,
      keys,
      keys.map((k) => first.get(k)!.s.version),
      keys.map((k) => first.get(k)!.s.versionLabel),
      keys.map((k) => first.get(k)!.s.total),
      keys.map((k) => first.get(k)!.s.title),
      keys.map((k) => first.get(k)!.c.authorKey),
      keys.map((k) => first.get(k)!.c.date.toISOString()),
    ],
  );
  const seriesId = new Map(series.map((r) => [r.series_key, r.id]));
  const of = (a: (typeof all)[number]) => ({
    seriesId: seriesId.get(a.s.seriesKey)!,
    number: a.s.number,
    total: a.s.total,
  });
  for (const a of assigned) result.batch.set(a.c.messageId, of(a));
  for (const m of moving) result.moved.set(m.c.messageId, of(m));
  result.left = [...new Set(moving.map((m) => m.from))];
  return result;
}

/** After the insert: stored emails re-keyed by the batch join their new series; a series left empty goes. */
export async function moveSeriesMembers(client: Client, listId: number, series: BatchSeries): Promise<void> {
  if (series.moved.size === 0) return;
  const ids = [...series.moved.keys()];
  await client.query(
    `UPDATE emails e SET series_id = t.s FROM unnest($2::text[], $3::bigint[]) AS t(m, s)
      WHERE e.mailing_list_id = $1 AND e.message_id = t.m`,
    [listId, ids, ids.map((id) => series.moved.get(id)!.seriesId)],
  );
  await client.query(
    "DELETE FROM patch_series s WHERE s.id = ANY($1::bigint[]) AND NOT EXISTS (SELECT 1 FROM emails e WHERE e.series_id = s.id)",
    [series.left],
  );
}

/** After the insert: counts, dates, cover and lineage of the series from all members now known. */
export async function refreshSeries(client: Client, seriesIds: string[]): Promise<void> {
  if (seriesIds.length === 0) return;
  const members = await rows<{
    series_id: string;
    series_number: number | null;
    normalized_subject: string;
    email: string;
    id: string;
    date: Date;
  }>(
    client,
    `SELECT e.series_id, e.series_number, e.normalized_subject, a.email, e.id, e.date FROM emails e
       JOIN patch_series s ON s.id = e.series_id JOIN authors a ON a.id = s.author_id
      WHERE e.series_id = ANY($1::bigint[])`,
    [seriesIds],
  );
  const bySeries = new Map<string, typeof members>();
  for (const m of members) bySeries.set(m.series_id, [...(bySeries.get(m.series_id) ?? []), m]);
  const ids = [...bySeries.keys()];
  const dates = (id: string) => bySeries.get(id)!.map((m) => new Date(m.date).getTime());
  await client.query(
    `UPDATE patch_series s SET lineage_key = t.l, patch_count = t.c, cover_email_id = t.cover, first_date = t.f, last_date = t.la
       FROM unnest($1::bigint[], $2::text[], $3::int[], $4::bigint[], $5::timestamptz[], $6::timestamptz[]) AS t(id, l, c, cover, f, la)
      WHERE s.id = t.id`,
    [
      ids,
      ids.map((id) => {
        const ms = bySeries.get(id)!;
        return seriesLineageKey(
          ms[0]!.email,
          ms.map((m) => ({ number: m.series_number, normalizedSubject: m.normalized_subject })),
        );
      }),
      ids.map((id) => bySeries.get(id)!.filter((m) => m.series_number !== 0).length),
      ids.map((id) => bySeries.get(id)!.find((m) => m.series_number === 0)?.id ?? null),
      ids.map((id) => new Date(extent(dates(id))[0]).toISOString()),
      ids.map((id) => new Date(extent(dates(id))[1]).toISOString()),
    ],
  );
}
