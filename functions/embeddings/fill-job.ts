import { EMBEDDING_DIMENSIONS } from "../../db/schema/emails";
import type { JobKind } from "../jobs/types";
import { preparedBodySql } from "../mail/search-text";
import { embeddingProviderFor } from "./provider";

export const EMBEDDINGS_FILL_JOB = "embeddings.fill";

/** Characters of subject + prepared body sent per message (the model reads about 512 tokens). */
export const EMBEDDING_TEXT_LIMIT = 2000;

/**
 * Fills emails.embedding where it is NULL, for the job's list or all lists, keyset on id. No row lock is held
 * while the provider is called: texts are read, embedded, then written with `embedding IS NULL` so a row
 * filled meanwhile is left alone. Resumes from its saved cursor.
 */
export const embeddingsFillJob: JobKind = {
  description: "fill emails.embedding from the configured embedding provider (Workers AI binding AI)",
  scope: "either",
  async run({ pool, job, env, deadline, heartbeat }) {
    const provider = embeddingProviderFor(env);
    if (!provider) {
      return {
        status: "skipped",
        reason: "no embedding provider configured: bind Workers AI as AI in wrangler.toml to fill embeddings",
      };
    }
    if (provider.dimensions !== EMBEDDING_DIMENSIONS) {
      throw new Error(
        `${provider.model} gives ${provider.dimensions} dimensions, emails.embedding has ${EMBEDDING_DIMENSIONS}`,
      );
    }
    const progress = job.result ?? {};
    let cursor = Number(progress.cursor ?? 0);
    let rows = Number(progress.rows ?? 0);
    const batch = Math.min(provider.maxBatch, 50);
    let slowest = 0;
    while (deadline - Date.now() > slowest + 200) {
      const t0 = Date.now();
      const { rows: pending } = await pool.query<{ id: string; text: string }>(
        `SELECT e.id, left(e.subject || E'\\n\\n' || ${preparedBodySql("e")}, ${EMBEDDING_TEXT_LIMIT}) AS text
           FROM emails e
          WHERE e.embedding IS NULL AND e.id > $1 AND ($2::bigint IS NULL OR e.mailing_list_id = $2)
          ORDER BY e.id LIMIT $3`,
        [cursor, job.listId, batch],
      );
      if (pending.length === 0) return { status: "done", result: { rows, model: provider.model } };
      const vectors = await provider.embed(pending.map((r) => r.text));
      if (vectors.length !== pending.length || vectors.some((v) => v.length !== provider.dimensions)) {
        throw new Error(
          `${provider.model} answered ${vectors.length} vectors of the wrong shape for ${pending.length} texts`,
        );
      }
      const { rowCount } = await pool.query(
        `UPDATE emails e SET embedding = v.embedding::vector
           FROM unnest($1::bigint[], $2::text[]) AS v(id, embedding)
          WHERE e.id = v.id AND e.embedding IS NULL`,
        [pending.map((r) => r.id), vectors.map((v) => `[${v.join(",")}]`)],
      );
      rows += rowCount ?? 0;
      cursor = Number(pending[pending.length - 1]!.id);
      slowest = Math.max(slowest, Date.now() - t0);
      if (!(await heartbeat())) break;
    }
    return { status: "paused", progress: { cursor, rows, model: provider.model } };
  },
};
