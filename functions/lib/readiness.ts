import type { Pool } from "@neondatabase/serverless";
import { type MigrationStatus, migrationStatus } from "../../db/migration-status";
import { MIGRATIONS } from "../../db/migrations.manifest";
import type { ErrorCode } from "./errors";

export interface Readiness {
  ready: boolean;
  /** Why not ready; undefined when ready. */
  reason?: Extract<ErrorCode, "database_unavailable" | "migrations_pending" | "migrations_drifted">;
  message?: string;
  database: { reachable: boolean; latencyMs: number | null; error?: string };
  migrations: MigrationStatus | null;
  checkedAt: string;
}

const CHECK_TIMEOUT_MS = 10_000;

/** Asks the database for its migration state (one round trip) and compares it with the bundled manifest. */
export async function checkReadiness(pool: Pool): Promise<Readiness> {
  const started = Date.now();
  const checkedAt = new Date().toISOString();
  let status: MigrationStatus;
  try {
    status = await withTimeout(migrationStatus(pool, MIGRATIONS), CHECK_TIMEOUT_MS);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ready: false,
      reason: "database_unavailable",
      message: `the database does not answer: ${message}`,
      database: { reachable: false, latencyMs: null, error: message },
      migrations: null,
      checkedAt,
    };
  }
  const database = { reachable: true, latencyMs: Date.now() - started };
  if (status.drifted.length > 0 || status.unknown.length > 0) {
    const what = status.drifted.length
      ? `edited after being applied: ${status.drifted.join(", ")}`
      : `unknown to this deploy: ${status.unknown.join(", ")}`;
    return {
      ready: false,
      reason: "migrations_drifted",
      message: `migrations ${what}`,
      database,
      migrations: status,
      checkedAt,
    };
  }
  if (status.pending.length > 0) {
    return {
      ready: false,
      reason: "migrations_pending",
      message: `migrations not applied: ${status.pending.join(", ")} (run npm run db:migrate)`,
      database,
      migrations: status,
      checkedAt,
    };
  }
  return { ready: true, database, migrations: status, checkedAt };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The isolate's last verdict, so steady-state requests cost no extra query. */
let cached: { readiness: Readiness; expires: number } | undefined;

export function readinessTtl(ready: boolean, setting: string | undefined): number {
  const n = setting === undefined || setting === "" ? Number.NaN : Number(setting);
  if (Number.isFinite(n) && n >= 0) return n;
  return ready ? 10_000 : 1_000;
}

export async function cachedReadiness(pool: Pool, ttlSetting?: string): Promise<Readiness> {
  const now = Date.now();
  if (cached && cached.expires > now) return cached.readiness;
  return rememberReadiness(await checkReadiness(pool), ttlSetting);
}

export function rememberReadiness(readiness: Readiness, ttlSetting?: string): Readiness {
  cached = { readiness, expires: Date.now() + readinessTtl(readiness.ready, ttlSetting) };
  return readiness;
}

export function forgetReadiness(): void {
  cached = undefined;
}
