import { defineConfig } from "drizzle-kit";

// drizzle-kit authors the migrations (`npx drizzle-kit generate`); scripts/migrate.ts applies and reverts them.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./drizzle",
  strict: true,
  verbose: true,
});
