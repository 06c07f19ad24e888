import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import setupWasm from "argon2id/lib/setup.js";
import type { Argon2 } from "../../functions/auth/password";

/** Argon2id in Node: the same WebAssembly as the Worker's, compiled from the package's files. */
export function nodeArgon2(): Promise<Argon2> {
  const require = createRequire(import.meta.url);
  const load = (file: string) => (imports: WebAssembly.Imports) =>
    WebAssembly.instantiate(readFileSync(require.resolve(`argon2id/dist/${file}`)), imports);
  return setupWasm(load("simd.wasm"), load("no-simd.wasm"));
}
