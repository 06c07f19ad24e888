/**
 * Passwords as Argon2id PHC strings (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`, unpadded base64 as the
 * PHC format writes it), with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane) and a 16-byte random
 * salt per hash. The Argon2id code is WebAssembly (the `argon2id` package); how its module is loaded differs
 * between workerd, which compiles WebAssembly only from imported modules, and Node: each caller hands its
 * loader in (functions/auth/argon2-worker.ts, scripts/lib/argon2-node.ts).
 */
import type { computeHash } from "argon2id";

export type Argon2 = computeHash;

export const ARGON2_PARAMS = { memorySize: 19_456, passes: 2, parallelism: 1, tagLength: 32 } as const;

const enc = new TextEncoder();

/** Shortest password accepted when one is set (NIST SP 800-63B asks at least 8; passphrases do better). */
export const MIN_PASSWORD_LENGTH = 12;
/** Longest accepted: Argon2 reads it all, and a megabyte "password" is only a way to spend our CPU. */
export const MAX_PASSWORD_LENGTH = 1024;

/** Why a new password is refused, or null when it is fine. */
export function passwordProblem(password: string): string | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `at most ${MAX_PASSWORD_LENGTH} characters`;
  return null;
}

export function hashPassword(argon2: Argon2, password: string, salt?: Uint8Array): string {
  const problem = passwordProblem(password);
  if (problem) throw new Error(`password refused: ${problem}`);
  const s = salt ?? crypto.getRandomValues(new Uint8Array(16));
  const p = ARGON2_PARAMS;
  const tag = argon2({ password: enc.encode(password), salt: s, ...p });
  return `$argon2id$v=19$m=${p.memorySize},t=${p.passes},p=${p.parallelism}$${b64(s)}$${b64(tag)}`;
}

/**
 * True when `password` hashes to the PHC string. The comparison takes the same time wherever the tags
 * differ. A malformed string, or parameters beyond what this code would ever write (a bound on the work an
 * altered row could demand), verify as false.
 */
export function verifyPassword(argon2: Argon2, phc: string, password: string): boolean {
  const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(phc);
  if (!m) return false;
  const [memorySize, passes, parallelism] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (memorySize > 65_536 || passes > 10 || parallelism > 4 || memorySize < 8 * parallelism) return false;
  const expected = unb64(m[5]!);
  // the WebAssembly refuses passwords under 8 bytes (and no stored hash is of one): hash a stand-in so the
  // answer takes as long, and say no
  const given = enc.encode(password);
  const usable = given.length >= 8 && given.length <= MAX_PASSWORD_LENGTH * 4;
  const tag = argon2({
    password: usable ? given : STAND_IN,
    salt: unb64(m[4]!),
    memorySize,
    passes,
    parallelism,
    tagLength: expected.length,
  });
  return constantTimeEqual(tag, expected) && usable;
}

const STAND_IN = enc.encode("never a password");

/** A PHC string no password matches: verified against for unknown accounts, so they take the same time. */
export const DUMMY_PHC =
  "$argon2id$v=19$m=19456,t=2,p=1$bm8tc3VjaC11c2VyLi4u$Dd1QWOk9p7Hhm0y4f2Xw9q6K5c2nD6v0b0g4S8m6a0E";

export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

function b64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/=+$/, "");
}

function unb64(text: string): Uint8Array {
  const s = atob(text + "=".repeat((4 - (text.length % 4)) % 4));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}
