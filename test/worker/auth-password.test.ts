import { describe, expect, it } from "vitest";
import { workerArgon2 } from "../../functions/auth/argon2-worker";
import { ARGON2_PARAMS, DUMMY_PHC, hashPassword, verifyPassword } from "../../functions/auth/password";

/** Argon2id inside workerd, from the imported WebAssembly modules. */
describe("passwords in the Workers runtime", () => {
  it("hashes to a PHC string with OWASP's parameters and a salt of its own, and verifies", async () => {
    const argon2 = await workerArgon2();
    const a = hashPassword(argon2, "correct horse battery staple");
    const b = hashPassword(argon2, "correct horse battery staple");
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.toBe(b);
    expect(verifyPassword(argon2, a, "correct horse battery staple")).toBe(true);
    expect(verifyPassword(argon2, a, "correct horse battery stapl")).toBe(false);
    expect(verifyPassword(argon2, DUMMY_PHC, "")).toBe(false);
    expect(verifyPassword(argon2, DUMMY_PHC, "never a password")).toBe(false);
    expect(() => hashPassword(argon2, "short")).toThrow(/at least 12/);
    expect(verifyPassword(argon2, "$argon2id$v=19$m=999999,t=2,p=1$c2FsdHNhbHQ$aGFzaA", "x")).toBe(false);
    expect(verifyPassword(argon2, "not a hash", "x")).toBe(false);
  });

  it("matches RFC 9106's Argon2id parameters on a known answer", async () => {
    // the argon2 reference CLI: echo -n password | argon2 somesalt -id -t 2 -m 16 -p 1 -l 32
    const argon2 = await workerArgon2();
    const tag = argon2({
      password: new TextEncoder().encode("password"),
      salt: new TextEncoder().encode("somesalt"),
      passes: 2,
      memorySize: 65_536,
      parallelism: 1,
      tagLength: 32,
    });
    expect(Buffer.from(tag).toString("hex")).toBe(
      "09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7",
    );
    expect(ARGON2_PARAMS.memorySize).toBe(19_456);
  });
});
