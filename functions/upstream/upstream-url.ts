/**
 * An upstream inbox URL as stored: http(s), a host, a path ending in `/` (public-inbox's inbox root,
 * `https://lore.kernel.org/linux-foo/`), no query, fragment or credentials. Returns the URL or why not.
 */
export function normalizeUpstreamUrl(input: string): string | { error: string } {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return { error: `not a URL: ${input.slice(0, 100)}` };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    return { error: "the upstream URL must be http(s)" };
  if (url.username || url.password) return { error: "the upstream URL must not carry credentials" };
  if (url.search || url.hash) return { error: "the upstream URL is an inbox's root: no query or fragment" };
  if (url.pathname === "/") return { error: "the upstream URL names an inbox: https://host/LIST/" };
  const path = url.pathname.endsWith("/") ? url.pathname : `${url.pathname}/`;
  return `${url.protocol}//${url.host}${path}`;
}
