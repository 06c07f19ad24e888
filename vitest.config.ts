import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

/** Bindings every Worker test sees; the bridge address comes from the global setup. */
export const WORKER_TEST_DATABASE = "postgresql://postgres@pglite:5432/worker";
export const TEST_ADMIN_TOKEN = "test-admin-token";

/**
 * The database suites run twice: `db` and `worker` on in-memory PGlite databases (the embedded default),
 * `db-native` and `worker-native` on the machine's PostgreSQL 15 with pgvector (real sessions, as on Neon).
 * test/setup/databases.ts reads the target from the project's name.
 */
function dbProject(name: "db" | "db-native") {
  return {
    test: {
      name,
      include: ["test/db/**/*.test.ts"],
      // Files that never use the target's databases run once, in `db`: the embedded database's own behaviour
      // (settings, vacuum, one folder per process), CLIs on a PGlite folder, and the concurrency tests that
      // already use PostgreSQL 15 directly.
      exclude:
        name === "db-native"
          ? [
              "test/db/embedded-*.test.ts",
              "test/db/*-cli.test.ts",
              "test/db/import-kill.test.ts",
              "test/db/*-concurrency.test.ts",
            ]
          : [],
      environment: "node",
      globalSetup: ["test/setup/databases.ts"],
      testTimeout: 60_000,
      hookTimeout: 120_000,
    },
  };
}

function workerProject(name: "worker" | "worker-native") {
  return {
    plugins: [
      cloudflareTest(({ inject }) => ({
        main: "./functions/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            DATABASE_URL: WORKER_TEST_DATABASE,
            NEXUS_WS_PROXY: inject("bridge"),
            ADMIN_TOKEN: TEST_ADMIN_TOKEN,
            JWT_SECRET: "test-jwt-secret-0123456789abcdef0123456789abcdef",
            READINESS_TTL_MS: "0",
            // PGlite serves one connection at a time: 200 requests at once on a loaded machine wait their turn
            // longer than production's 5 s (tests of the bound pass their own)
            DB_CONNECT_TIMEOUT_MS: "60000",
            // the upstream-sync test's control server (test/setup/upstream-control.ts), worker project only
            ...(name === "worker" ? { UPSTREAM_CONTROL: inject("upstreamControl") } : {}),
          },
        },
      })),
    ],
    test: {
      name,
      include: ["test/worker/**/*.test.ts"],
      // no database in it, or (the upstream sync: 3–5 minutes of waiting on public-inbox-httpd's index) no
      // database behaviour the other run lacks: once is enough
      exclude:
        name === "worker-native"
          ? ["test/worker/auth-password.test.ts", "test/worker/sync-upstream.test.ts"]
          : [],
      // kgdb-corpus imports the real kgdb epoch for the read API tests (needs the bridge of databases.ts).
      // worker-native adds a private PostgreSQL cluster that fault tests may restart; worker the upstream's control.
      globalSetup: [
        "test/setup/databases.ts",
        "test/setup/kgdb-corpus.ts",
        "test/setup/ingest-corpus.ts",
        ...(name === "worker-native"
          ? ["test/setup/private-cluster.ts"]
          : ["test/setup/upstream-control.ts"]),
      ],
      testTimeout: 60_000,
      hookTimeout: 120_000,
    },
  };
}

// Seven projects: pure logic (unit), Node against a real Postgres (db), the Workers runtime (worker), the
// lore face against its real peers (peers: public-inbox-httpd, b4 and lei beside Nexus under wrangler dev), and
// the pages in a real browser (browser: chromium against `npm start`'s server, started once per run).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/setup/browser-server.ts"],
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
      dbProject("db"),
      dbProject("db-native"),
      workerProject("worker"),
      workerProject("worker-native"),
      {
        test: {
          name: "peers",
          include: ["test/peers/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/setup/lore-peers.ts"],
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
