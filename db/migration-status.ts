import type { Pool } from "@neondatabase/serverless";

/** One migration as the code knows it (from drizzle/ on disk, or the manifest bundled into the Worker). */
export interface KnownMigration {
  tag: string;
  /** drizzle-kit's journal timestamp: the key drizzle's own migrator records as created_at. */
  when: number;
  /** sha256 of the up SQL, as drizzle records it. */
  hash: string;
  hasDown: boolean;
}

export interface AppliedMigration {
  hash: string;
  createdAt: number;
}

export type VectorIndexKind = "vchordrq" | "hnsw" | "none";

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  /** Applied, but the file's checksum differs from the one recorded when it was applied. */
  drifted: string[];
  /** Recorded as applied, but not in this code base (a newer deploy, or a deleted file). */
  unknown: number[];
  missingDown: string[];
  vectorIndex: VectorIndexKind;
  ready: boolean;
}

export const MIGRATIONS_SCHEMA = "drizzle";
export const MIGRATIONS_TABLE = "__drizzle_migrations";

export function compareMigrations(
  known: KnownMigration[],
  applied: AppliedMigration[],
  vectorIndex: VectorIndexKind,
): MigrationStatus {
  const byWhen = new Map(applied.map((m) => [m.createdAt, m]));
  const knownWhen = new Set(known.map((m) => m.when));
  const status: MigrationStatus = {
    applied: [],
    pending: [],
    drifted: [],
    unknown: applied.filter((m) => !knownWhen.has(m.createdAt)).map((m) => m.createdAt),
    missingDown: known.filter((m) => !m.hasDown).map((m) => m.tag),
    vectorIndex,
    ready: false,
  };
  for (const m of known) {
    const row = byWhen.get(m.when);
    if (!row) status.pending.push(m.tag);
    else if (row.hash !== m.hash) status.drifted.push(m.tag);
    else status.applied.push(m.tag);
  }
  status.ready = status.pending.length === 0 && status.drifted.length === 0 && status.unknown.length === 0;
  return status;
}

/** Reads the bookkeeping table and the embedding index's access method in one round trip. */
export async function readAppliedMigrations(
  pool: Pool,
): Promise<{ applied: AppliedMigration[]; vectorIndex: VectorIndexKind }> {
  try {
    const { rows } = await pool.query<{ hash: string; created_at: string; vector_index: string | null }>(
      `select m.hash, m.created_at::text as created_at,
              (select am.amname from pg_class c join pg_am am on am.oid = c.relam
                where c.relname = 'emails_embedding_idx' and c.relkind = 'i' limit 1) as vector_index
         from (select null) one
         left join ${MIGRATIONS_SCHEMA}.${MIGRATIONS_TABLE} m on true
        order by m.created_at`,
    );
    return {
      applied: rows
        .filter((r) => r.hash !== null)
        .map((r) => ({ hash: r.hash, createdAt: Number(r.created_at) })),
      vectorIndex: toVectorIndexKind(rows[0]?.vector_index ?? null),
    };
  } catch (error) {
    // 42P01 undefined_table / 3F000 invalid_schema_name: nothing was ever migrated.
    const code = (error as { code?: string }).code;
    if (code === "42P01" || code === "3F000") return { applied: [], vectorIndex: "none" };
    throw error;
  }
}

function toVectorIndexKind(amname: string | null): VectorIndexKind {
  return amname === "vchordrq" || amname === "hnsw" ? amname : "none";
}

export async function migrationStatus(pool: Pool, known: KnownMigration[]): Promise<MigrationStatus> {
  const { applied, vectorIndex } = await readAppliedMigrations(pool);
  return compareMigrations(known, applied, vectorIndex);
}
