import { defineConfig } from "vitest/config";

// Three projects: pure logic (unit), Node against a real Postgres (db), and the Workers runtime (worker).
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
    ],
  },
});
