/**
 * How the lore face answers errors: a short `text/plain` body with a 4xx status, as public-inbox does
 * ("Not Found\n"), never JSON (its clients are b4, lei, curl and browsers). Throw LoreError from a handler.
 */
export class LoreError extends Error {
  constructor(
    readonly status: 400 | 404 | 405 | 413,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function textResponse(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(`${text}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", ...headers },
  });
}

/** public-inbox's redirects: the target in Location and in a one-line body. */
export function redirect(status: 301 | 302, location: string): Response {
  return textResponse(status, `Redirecting to ${location}`, { location });
}
