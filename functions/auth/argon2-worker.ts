/**
 * Argon2id in workerd: the WebAssembly is imported as modules (wrangler and the Workers test pool compile a
 * `.wasm` import to a WebAssembly.Module; workerd refuses to compile bytes at run time). Loaded once per
 * isolate, on first use.
 */

import noSimd from "argon2id/dist/no-simd.wasm";
import simd from "argon2id/dist/simd.wasm";
import setupWasm from "argon2id/lib/setup.js";
import type { Argon2 } from "./password";

let loading: Promise<Argon2> | undefined;

export function workerArgon2(): Promise<Argon2> {
  loading ??= setupWasm(
    async (imports) => ({ module: simd, instance: await WebAssembly.instantiate(simd, imports) }),
    async (imports) => ({ module: noSimd, instance: await WebAssembly.instantiate(noSimd, imports) }),
  );
  return loading;
}
