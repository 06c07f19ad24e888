import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

/** Bindings every Worker test sees; the bridge address comes from the global setup. */
export const WORKER_TEST_DATABASE = "postgresql://postgres@pglite:5432/worker";
export const TEST_ADMIN_TOKEN = "test-admin-token";

// Five projects: pure logic (unit), Node against a real Postgres (db), the Workers runtime (worker), the
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
          name: "db",
          include: ["test/db/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/setup/databases.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
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
      {
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
                UPSTREAM_CONTROL: inject("upstreamControl"),
              },
            },
          })),
        ],
        test: {
          name: "worker",
          include: ["test/worker/**/*.test.ts"],
          // kgdb-corpus imports the real kgdb epoch for the read API tests (needs the bridge of databases.ts).
          globalSetup: [
            "test/setup/databases.ts",
            "test/setup/kgdb-corpus.ts",
            "test/setup/ingest-corpus.ts",
            "test/setup/upstream-control.ts",
          ],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
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
