// npm run list:add -- --list <slug> --upstream <inbox URL> [--name "…"] [--poll SECONDS]
// Makes a list follow a public-inbox upstream (created when missing): the cron then mirrors it, and
// `npm run sync -- --list <slug>` catches it up from here.

import { setUpstream } from "../functions/upstream/state";
import { normalizeUpstreamUrl } from "../functions/upstream/upstream-url";
import { parseFlags } from "./lib/cli-flags";
import { openScriptDatabase } from "./lib/database";
import { ensureMigrated } from "./lib/ensure-migrated";

const USAGE =
  'usage: npm run list:add -- --list <slug> --upstream <https://host/LIST/> [--name "List name"] [--poll SECONDS]';
const flags = parseFlags(process.argv.slice(2), ["--list", "--upstream", "--name", "--poll"], [], USAGE);
const usage: (message?: string) => never = flags.usage;
const slug = flags.values["--list"];
const upstream = flags.values["--upstream"];
if (!slug || !upstream) usage("--list and --upstream are required");
if (!/^[a-z0-9][a-z0-9._-]*$/.test(slug) || slug.length > 100) usage(`not a list slug: ${slug}`);
const url = normalizeUpstreamUrl(upstream);
if (typeof url !== "string") usage(url.error);
const poll = flags.values["--poll"] === undefined ? undefined : Number(flags.values["--poll"]);
if (poll !== undefined && !(Number.isInteger(poll) && poll >= 60 && poll <= 7 * 86400))
  usage("--poll takes whole seconds from 60 to 604800");

const database = await openScriptDatabase({ poolMax: 2 });
let code = 0;
try {
  await ensureMigrated(database);
  const list = await setUpstream(database.pool, slug, {
    url,
    pollSeconds: poll,
    name: flags.values["--name"],
  });
  console.log(
    `list ${list.slug} follows ${list.upstreamUrl} (polled every ${list.pollSeconds} s by the cron)`,
  );
  console.log(`  catch up now: npm run sync -- --list ${list.slug}`);
} catch (error) {
  console.error(`list:add failed: ${(error as Error).message}`);
  code = 1;
} finally {
  await database.end();
}
process.exit(code);
