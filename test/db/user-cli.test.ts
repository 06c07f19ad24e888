import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { verifyPassword } from "../../functions/auth/password";
import { nodeArgon2 } from "../../scripts/lib/argon2-node";
import { createPglite } from "../../scripts/lib/embedded";

/** npm run user:create / user:set-password on an embedded database of their own; the password on stdin. */
const dataDir = mkdtempSync(join(tmpdir(), "nexus-user-cli-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
function run(args: string[], stdin: string) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/user.ts", ...args], {
    encoding: "utf8",
    input: stdin,
    env: { ...process.env, DATABASE_URL: "", NEXUS_WS_PROXY: "", NEXUS_DATA_DIR: dataDir },
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("user CLI", () => {
  it("creates an admin from a password on stdin, refuses a second one and short passwords, sets a new password", async () => {
    // the import CLI migrates a new embedded database; a user needs the schema first
    const migrate = spawnSync(process.execPath, ["--import", "tsx", "scripts/migrate.ts", "run"], {
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: "", NEXUS_WS_PROXY: "", NEXUS_DATA_DIR: dataDir },
    });
    expect(migrate.status, migrate.stderr).toBe(0);
    const made = run(["create", "--email", "Root@Example.org", "--admin"], "first passphrase here\n");
    expect(made.code, made.err).toBe(0);
    expect(made.out).toMatch(/created admin root@example.org/);
    expect(made.out + made.err).not.toContain("first passphrase here");
    const again = run(["create", "--email", "root@example.org"], "another passphrase!\n");
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/exists already/);
    const short = run(["set-password", "--email", "root@example.org"], "short\n");
    expect(short.code).toBe(1);
    expect(short.err).toMatch(/at least 12/);
    // a live refresh token of the user, as a sign-in leaves it: the new password must revoke it
    const live = await createPglite({ dataDir: join(dataDir, "pglite") });
    await live.query(
      "INSERT INTO user_refresh_tokens (user_id, hashed_token, expires_at) SELECT id, 'h', now() + interval '1 day' FROM users",
    );
    await live.close();
    const reset = run(["set-password", "--email", "root@example.org"], "the second passphrase\n");
    expect(reset.code, reset.err).toBe(0);
    expect(run(["create"], "").code).toBe(2);

    const pg = await createPglite({ dataDir: join(dataDir, "pglite") });
    try {
      const { rows } = await pg.query<{ role: string; token_version: number; password_hash: string }>(
        "SELECT u.role, u.token_version, c.password_hash FROM users u JOIN local_user_credentials c ON c.user_id = u.id",
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]!.role).toBe("admin");
      expect(rows[0]!.token_version).toBe(1);
      const refresh = await pg.query<{ revoked: boolean }>(
        "SELECT revoked_at IS NOT NULL AS revoked FROM user_refresh_tokens",
      );
      expect(refresh.rows).toEqual([{ revoked: true }]);
      const argon2 = await nodeArgon2();
      expect(verifyPassword(argon2, rows[0]!.password_hash, "the second passphrase")).toBe(true);
      expect(verifyPassword(argon2, rows[0]!.password_hash, "first passphrase here")).toBe(false);
    } finally {
      await pg.close();
    }
  }, 180_000);
});
