import type { TestProject } from "vitest/node";
import { startWebFixture } from "../../scripts/lib/web-fixture";

/**
 * Global setup of the browser project: `npm start`'s server on a fresh data folder (the sample list), with the
 * kgdb-bugreport epoch and the hostile list imported (scripts/lib/web-fixture.ts); started once per run.
 */
declare module "vitest" {
  export interface ProvidedContext {
    /** dataDir: the server's data folder (its admin token; `npm run user:create` against it) */
    web: { base: string; seriesId: number; versions: number; dataDir: string };
  }
}

export default async function setup(project: TestProject) {
  const fixture = await startWebFixture({ log: (line) => console.log(`browser tests: ${line}`) });
  try {
    const [series] = await fixture.query<{ id: string; n: number }>(
      `SELECT max(s.id) AS id, count(*)::int AS n FROM patch_series s JOIN mailing_lists l ON l.id = s.mailing_list_id
        WHERE l.slug = 'kgdb-bugreport' GROUP BY s.lineage_key HAVING count(*) > 1
        ORDER BY count(*) DESC, max(s.id) LIMIT 1`,
    );
    if (!series) throw new Error("no series with several versions in the kgdb epoch");
    project.provide("web", {
      base: fixture.base,
      seriesId: Number(series.id),
      versions: series.n,
      dataDir: fixture.dataDir,
    });
  } catch (error) {
    await fixture.stop();
    throw error;
  }
  return () => fixture.stop();
}
