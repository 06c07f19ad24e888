/**
 * Access tokens (JWT, HS256 through WebCrypto, 15 minutes) and the random secrets behind refresh and API
 * tokens, which are stored only as SHA-256 hashes.
 */
import { sign, verify } from "hono/jwt";

export const ACCESS_TTL_SECONDS = 15 * 60;
export const REFRESH_TTL_SECONDS = 7 * 24 * 3600;
/** Personal API tokens start with this, so a leaked one is recognisable (and scanners can find it). */
export const API_TOKEN_PREFIX = "nxp_";

export interface AccessClaims {
  sub: string;
  role: "admin" | "user";
  /** users.token_version when issued: a bump ends the token */
  tv: number;
  iat: number;
  exp: number;
}

export async function issueAccessToken(
  secret: string,
  user: { id: number; role: "admin" | "user"; tokenVersion: number },
  now = Math.floor(Date.now() / 1000),
): Promise<{ token: string; expiresAt: Date }> {
  const claims: AccessClaims = {
    sub: String(user.id),
    role: user.role,
    tv: user.tokenVersion,
    iat: now,
    exp: now + ACCESS_TTL_SECONDS,
  };
  return { token: await sign({ ...claims }, secret, "HS256"), expiresAt: new Date(claims.exp * 1000) };
}

/**
 * The claims of a token signed with one of `secrets` (the current key, then the previous during a rotation),
 * HS256 only (an `alg: none` or RS256 header is refused), not expired; null otherwise.
 */
export async function verifyAccessToken(token: string, secrets: string[]): Promise<AccessClaims | null> {
  for (const secret of secrets) {
    try {
      const p = await verify(token, secret, "HS256");
      if (
        typeof p.sub === "string" &&
        /^\d+$/.test(p.sub) &&
        (p.role === "admin" || p.role === "user") &&
        typeof p.tv === "number" &&
        typeof p.exp === "number"
      )
        return p as unknown as AccessClaims;
      return null;
    } catch {
      // wrong key, bad signature, expired, malformed: try the next key
    }
  }
  return null;
}

/** 256 random bits, base64url. */
export function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}
