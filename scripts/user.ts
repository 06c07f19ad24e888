// npm run user:create -- --email a@b [--admin] [--name "Display Name"]
// npm run user:set-password -- --email a@b
// The password comes from a prompt (a terminal) or from standard input (one line), never from argv: argv
// is visible to every user of the machine (ps) and stays in shell history.
import { createInterface } from "node:readline";
import { hashPassword, passwordProblem } from "../functions/auth/password";
import { nodeArgon2 } from "./lib/argon2-node";
import { openScriptDatabase } from "./lib/database";

const [command, ...args] = process.argv.slice(2);
function usage(message?: string): never {
  if (message) console.error(message);
  console.error("usage: npm run user:create -- --email ADDRESS [--admin] [--name NAME]");
  console.error("       npm run user:set-password -- --email ADDRESS");
  console.error("       (the password is read from the terminal, or from standard input)");
  process.exit(2);
}
const flag = (name: string) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith("--")) usage(`${name} needs a value`);
  args.splice(i, 2);
  return v;
};
const email = flag("--email")?.trim().toLowerCase();
const name = flag("--name");
const admin = args.includes("--admin");
if (admin) args.splice(args.indexOf("--admin"), 1);
if ((command !== "create" && command !== "set-password") || !email || args.length > 0) usage();
if (!/^[^\s@]+@[^\s@]+$/.test(email)) usage(`not an email address: ${email}`);

const password = await readPassword();
const problem = passwordProblem(password);
if (problem) {
  console.error(`password refused: ${problem}`);
  process.exit(1);
}
const hash = hashPassword(await nodeArgon2(), password);
const database = await openScriptDatabase({ poolMax: 1 });
let code = 0;
try {
  if (command === "create") {
    const r = await database.pool.query(
      `WITH u AS (
         INSERT INTO users (auth_provider, email, display_name, role) VALUES ('local', $1, $2, $3)
         ON CONFLICT (email) DO NOTHING RETURNING id)
       INSERT INTO local_user_credentials (user_id, password_hash) SELECT id, $4 FROM u RETURNING user_id`,
      [email, name ?? null, admin ? "admin" : "user", hash],
    );
    if (r.rowCount === 0) throw new Error(`a user ${email} exists already: npm run user:set-password`);
    console.log(`created ${admin ? "admin" : "user"} ${email} (id ${r.rows[0].user_id})`);
  } else {
    // a new password ends every session (token_version) and unlocks the account
    const r = await database.pool.query(
      `WITH u AS (UPDATE users SET token_version = token_version + 1 WHERE email = $1 RETURNING id)
       INSERT INTO local_user_credentials (user_id, password_hash) SELECT id, $2 FROM u
       ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, password_updated_at = now(),
         failed_attempts = 0, locked_until = NULL
       RETURNING user_id`,
      [email, hash],
    );
    if (r.rowCount === 0) throw new Error(`no user ${email}: npm run user:create`);
    // the bump ends access tokens; the refresh tokens must go too, or a session could refresh itself back
    await database.pool.query(
      "UPDATE user_refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL",
      [r.rows[0].user_id],
    );
    console.log(`password of ${email} set; every session of theirs is ended`);
  }
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  code = 1;
} finally {
  await database.end();
}
process.exit(code);

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const lines = createInterface({ input: process.stdin });
    for await (const line of lines) return line;
    return "";
  }
  process.stdout.write("password (not shown): ");
  process.stdin.setRawMode(true);
  let typed = "";
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    for (const ch of chunk.toString("utf8")) {
      if (ch === "\r" || ch === "\n") {
        process.stdin.setRawMode(false);
        process.stdout.write("\n");
        return typed;
      }
      if (ch === "\u0003") process.exit(130);
      if (ch === "\u007f") typed = typed.slice(0, -1);
      else typed += ch;
    }
  }
  return typed;
}
