import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { ensureList } from "../../functions/ingest/lists";
import type { IngestItem } from "../../functions/ingest/prepare";
import { ingestBatch } from "../../functions/ingest/store";
import { openTestDatabase } from "../helpers/db";

/**
 * Issue 10, property-based: generated messages with hostile and odd header values (patch tags of every
 * shape, huge and empty values, NUL and control bytes, RFC 2047 in odd charsets, broken encodings, self and
 * cross references) go through the real parse-and-store path into a real Postgres, in batches. Every
 * message is stored, a duplicate, or rejected with a reason: never an exception out of the import.
 *
 * CI runs a fixed seed and a bounded number of runs; `FC_RUNS=500 FC_SEED=… npx vitest run
 * test/db/import-property.test.ts` explores more locally.
 */
const RUNS = Number(process.env.FC_RUNS ?? 25);
const SEED = Number(process.env.FC_SEED ?? 20261201);

const bigNumber = fc.oneof(
  fc.constantFrom("0", "00", "1", "2", "3", "9999", "10000", "2147483647", "2147483648", "99999999999", "-1"),
  fc.nat({ max: 5000 }).map(String),
);
const patchTag = fc
  .tuple(
    fc.constantFrom("PATCH", "RFC", "RFC PATCH", "PATCH RESEND", "GIT PULL", "PATCHv", "patch", ""),
    fc.option(
      fc.oneof(
        bigNumber.map((n) => `v${n}`),
        fc.tuple(bigNumber, bigNumber).map(([a, b]) => `v${a}.${b}`),
      ),
    ),
    fc.option(fc.tuple(bigNumber, bigNumber).map(([a, b]) => `${a}/${b}`)),
    fc.option(fc.constantFrom("net-next", "bpf", "v2", "1/2", "of")),
    fc.boolean(),
  )
  .map(([tag, version, numbers, extra, versionLast]) => {
    const parts = [tag, ...(versionLast ? [numbers, version] : [version, numbers]), extra].filter(Boolean);
    return `[${parts.join(" ")}]`;
  });
/** Text with the bytes real mail should not have: NUL, controls, lone surrogates, bidi marks. */
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("", " ", "\u0000", "\u0000\u0001\u001f\u007f", "\ud800", "\u202e", "=?", "?=", "\t\t"),
  fc.constantFrom(50_000, 3_000, 1_000).map((n) => "x".repeat(n)),
);
const charset = fc.constantFrom(
  "utf-8",
  "iso-8859-1",
  "koi8-r",
  "gb2312",
  "x-unknown",
  "utf-7",
  "",
  "\u0000",
);
const encodedWord = fc
  .tuple(charset, fc.constantFrom("B", "Q", "X"), fc.string({ maxLength: 30 }))
  .map(([cs, enc, text]) => {
    const data = enc === "B" ? Buffer.from(text, "latin1").toString("base64") : text.replace(/\s/g, "_");
    return `=?${cs}?${enc}?${data}?=`;
  });
const subject = fc
  .tuple(
    fc.option(fc.constantFrom("Re: ", "RE: Re: ", "Fwd: ", "Aw: ")),
    fc.array(patchTag, { maxLength: 3 }),
    fc.oneof(nasty, encodedWord),
  )
  .map(([re, tags, text]) => `${re ?? ""}${tags.join(" ")} ${text}`);
const address = fc.oneof(
  fc.emailAddress(),
  fc.constantFrom("", "<>", "undisclosed-recipients:;", "a@", "@b", "no at sign", "\u0000@x.org", "x@y@z"),
  fc.tuple(fc.oneof(nasty, encodedWord), fc.emailAddress()).map(([name, a]) => `"${name}" <${a}>`),
  fc.string({ maxLength: 60 }),
);
const addresses = fc.oneof(
  fc.array(address, { maxLength: 4 }).map((a) => a.join(", ")),
  fc.constant(Array.from({ length: 600 }, (_, i) => `r${i}@example.org`).join(", ")),
);
const date = fc.oneof(
  fc
    .date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2100, 0, 1)), noInvalidDate: true })
    .map((d) => d.toUTCString()),
  fc.constantFrom(
    "",
    "yesterday",
    "Mon, 32 Jan 2020 25:61:61 +9999",
    "Thu, 01 Jan 1970 00:00:00 +0000",
    "Fri, 31 Dec 9999 23:59:59 -1400",
    "Sat, 1 Jan 275760 00:00:00 +0000",
    "1 Jan 0001 00:00 +0000",
    "Tue, 3 Mar 2026 10:00:00 GMT (and a comment \u0000)",
  ),
  nasty,
);
/** Ids from a small pool so messages refer to each other (parents, cycles, duplicates) across runs. */
const poolId = fc.nat({ max: 40 }).map((n) => `prop-${n}@example.org`);
const messageId = fc.oneof(
  { weight: 6, arbitrary: poolId },
  { weight: 1, arbitrary: fc.constantFrom("", "<>", "no-brackets", "<a b@c>", `${"y".repeat(2000)}@x.org`) },
  { weight: 1, arbitrary: nasty },
);
const references = fc.oneof(
  fc.array(poolId, { maxLength: 6 }).map((ids) => ids.map((i) => `<${i}>`).join(" ")),
  fc.constant(Array.from({ length: 1500 }, (_, i) => `<ref-${i}@example.org>`).join("\n ")),
  nasty,
);
const body = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constant(
    "Fix it.\n\nSigned-off-by: A <a@b.c>\n---\ndiff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-a\n+b\n",
  ),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString("latin1")),
);

const message = fc
  .record({
    subject,
    from: address,
    to: addresses,
    cc: fc.option(addresses),
    date: fc.option(date),
    messageId: fc.option(messageId, { freq: 10 }),
    inReplyTo: fc.option(
      fc.oneof(
        poolId.map((i) => `<${i}>`),
        nasty,
      ),
    ),
    references: fc.option(references),
    charset: fc.option(charset),
    encoding: fc.option(fc.constantFrom("base64", "quoted-printable", "8bit", "x-uuencode", "bogus")),
    body,
    crlf: fc.boolean(),
  })
  .map((m) => {
    const headers = [
      `From: ${m.from}`,
      `To: ${m.to}`,
      ...(m.cc !== null ? [`Cc: ${m.cc}`] : []),
      `Subject: ${m.subject}`,
      ...(m.date !== null ? [`Date: ${m.date}`] : []),
      ...(m.messageId !== null ? [`Message-ID: <${m.messageId}>`] : []),
      ...(m.inReplyTo !== null ? [`In-Reply-To: ${m.inReplyTo}`] : []),
      ...(m.references !== null ? [`References: ${m.references}`] : []),
      ...(m.charset !== null ? [`Content-Type: text/plain; charset="${m.charset}"`] : []),
      ...(m.encoding !== null ? [`Content-Transfer-Encoding: ${m.encoding}`] : []),
    ];
    const nl = m.crlf ? "\r\n" : "\n";
    return new Uint8Array(Buffer.from(`${headers.join(nl)}${nl}${nl}${m.body}`, "latin1"));
  });

let database: Database;
let listId: number;
beforeAll(async () => {
  database = openTestDatabase("import_property", 2);
  listId = (await ensureList(database.pool, "property")).id;
});
afterAll(() => database.end());

/**
 * Batches that failed once (found by the property below, seeds 1–4 at 300 runs), kept as fixed cases. Each
 * reached the database with a value it refused, and was rejected for that instead of being stored.
 */
const FOUND: [string, string][] = [
  [
    // an encoded word naming charset NUL stays undecoded: the NUL reached patch_series.title
    "NUL in a series title",
    'From: "=?\u0000?Q?~u]g$oODO?=" <a@example.org>\nSubject: [PATCHv v1861.2 3/9999 1/2] =?\u0000?X?n6I|`^pf?=\n' +
      "Message-ID: <found-1@example.org>\n\nbody\n",
  ],
  [
    // control characters made a Message-ID that the stored row did not match back
    "control characters in a Message-ID",
    "From: no at sign\nSubject: Fwd: x\nMessage-ID: <\u0000\u0001\u001f\u007f>\nReferences: <prop-12@example.org>\n\nbody\n",
  ],
  [
    // the author's key kept its NUL while the authors row was written without it: no author for the email
    "NUL in the From address",
    "From: \u0000@x.org\nTo: }5n)^\nSubject: Aw: [PATCH RESEND v2147483647 3138/3438 of] x\n" +
      "Message-ID: <found-3@example.org>\nIn-Reply-To: k\nReferences: \u00ff\u00f2l\n\nbody\n",
  ],
];

describe("generated hostile mail through the real parse-and-store path", () => {
  it.each(FOUND)("kept case: %s is stored", async (_name, text) => {
    const { outcomes } = await ingestBatch(database.pool, listId, [
      { bytes: new Uint8Array(Buffer.from(text, "latin1")), sourceDate: new Date() },
    ]);
    expect(outcomes).toEqual([expect.objectContaining({ status: "stored" })]);
  });

  it(`every message is stored, a duplicate or rejected with a reason (${RUNS} batches, seed ${SEED})`, {
    timeout: 300_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 12 }), async (mails) => {
        const items: IngestItem[] = mails.map((bytes) => ({ bytes, sourceDate: new Date() }));
        const { outcomes } = await ingestBatch(database.pool, listId, items);
        expect(outcomes.map((o) => o.index)).toEqual(items.map((_, i) => i));
        for (const o of outcomes) {
          expect(["stored", "duplicate", "rejected"]).toContain(o.status);
          if (o.status === "rejected") {
            expect(o.reason).toBeTruthy();
            // the parser decides what is not a message; the schema's refusal is a safety net that
            // well-formed values never reach
            expect(o.reason).not.toMatch(/^database/);
          }
        }
        const stored = outcomes.filter((o) => o.status === "stored").map((o) => o.messageId!);
        const { rows } = await database.pool.query(
          `SELECT count(*)::int n, count(m.email_id)::int threaded FROM emails e
             LEFT JOIN thread_memberships m ON m.email_id = e.id
            WHERE e.mailing_list_id = $1 AND e.message_id = ANY($2::text[])`,
          [listId, stored],
        );
        expect(rows[0]).toEqual({ n: stored.length, threaded: stored.length });
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });
});
