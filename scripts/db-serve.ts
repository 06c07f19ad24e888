// npm run db:serve: the embedded database alone, served through the local bridge (no Worker), for running
// scripts against it from other terminals or pointing a wrangler dev of your own at it. Ctrl-C stops it.
import { EMBEDDED_URL } from "./lib/embedded";
import { serveEmbedded } from "./lib/embedded-server";

const server = await serveEmbedded(undefined, {
  vacuum: {
    onVacuum: (ms) => console.log(`vacuum analyze after writes: ${(ms / 1000).toFixed(1)}s`),
    onError: (error) => console.error(`vacuum analyze failed: ${error.message}`),
  },
}).catch((error: Error) => {
  console.error(`error: ${error.message}`);
  process.exit(1);
});
console.log(`embedded database in ${server.dir} served on bridge ${server.address}`);
console.log(`  DATABASE_URL=${EMBEDDED_URL} NEXUS_WS_PROXY=${server.address}`);
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
