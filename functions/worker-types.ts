// Ties the Workers runtime's global types to this project: `env` from "cloudflare:workers" is our Env, and
// `exports.default` is the Worker entry (used by tests in the Workers runtime). Types only: nothing imports it.
import type { Env as NexusEnv } from "./env";
import type * as WorkerEntry from "./index";

declare global {
  namespace Cloudflare {
    interface Env extends NexusEnv {}
    interface GlobalProps {
      mainModule: typeof WorkerEntry;
    }
  }
}
