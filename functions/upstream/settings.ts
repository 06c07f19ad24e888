import type { Env } from "../env";
import type { UpstreamSettings } from "./fetch-window";

/** The upstream settings of a deployment (wrangler.toml vars; the same names in the env of `npm run sync`). */
export interface UpstreamConfig {
  settings: UpstreamSettings;
  marginSeconds: number;
  maxPerWindow: number;
}

export const NEXUS_VERSION = "0.1.0";

const positive = (value: string | undefined, fallback: number) =>
  Number(value) > 0 ? Number(value) : fallback;

/** `Nexus/0.1.0 (public-inbox mirror; +contact)`: upstreams see who polls them and whom to tell. */
export function userAgent(contact: string | undefined): string {
  const who = contact?.trim() ? contact.trim().replace(/[\r\n()]/g, " ") : "operator contact not set";
  return `Nexus/${NEXUS_VERSION} (public-inbox mirror; +${who})`;
}

export function upstreamConfig(
  env: Pick<
    Env,
    "UPSTREAM_CONTACT" | "UPSTREAM_TIMEOUT_MS" | "UPSTREAM_MARGIN_SECONDS" | "UPSTREAM_WINDOW_MESSAGES"
  >,
  fetcher?: typeof fetch,
): UpstreamConfig {
  return {
    settings: {
      userAgent: userAgent(env.UPSTREAM_CONTACT),
      timeoutMs: positive(env.UPSTREAM_TIMEOUT_MS, 15_000),
      ...(fetcher ? { fetch: fetcher } : {}),
    },
    marginSeconds: positive(env.UPSTREAM_MARGIN_SECONDS, 3600),
    maxPerWindow: positive(env.UPSTREAM_WINDOW_MESSAGES, 300),
  };
}
