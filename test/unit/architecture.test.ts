import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** Every TypeScript source file under the given folders. */
function sources(...roots: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith(".ts")) out.push(path);
    }
  };
  for (const root of roots) walk(root);
  return out;
}

const code = sources("functions", "db", "scripts", "test").filter(
  (f) => f !== "test/unit/architecture.test.ts",
);

describe("architecture rules", () => {
  it("only db/client.ts creates database connections (one Pool type, one factory)", () => {
    const offenders = code.filter((file) => {
      if (file === "db/client.ts") return false;
      const text = readFileSync(file, "utf8");
      return (
        /new (Pool|Client)\(/.test(text) ||
        /from "(pg|postgres|@neondatabase\/serverless)"/.test(text.replace(/import type[^;]+;/g, ""))
      );
    });
    expect(offenders).toEqual([]);
  });

  it("db/ never imports functions/", () => {
    const offenders = sources("db").filter((file) =>
      /from "\.\.?\/(\.\.\/)*functions\//.test(readFileSync(file, "utf8")),
    );
    expect(offenders).toEqual([]);
  });

  it("the Worker (functions/) imports nothing from Node-only scripts/, and of node: only what nodejs_compat has", () => {
    // wrangler.toml's nodejs_compat: node:zlib and node:crypto (functions/lib/compression.ts), nothing else
    const workerd = new Set(["node:zlib", "node:crypto"]);
    const offenders = sources("functions").filter((file) => {
      const text = readFileSync(file, "utf8");
      const nodeModules = [...text.matchAll(/from "(node:[^"]+)"/g)].map((m) => m[1]!);
      return /from "(\.\.\/)+scripts\//.test(text) || nodeModules.some((m) => !workerd.has(m));
    });
    expect(offenders).toEqual([]);
  });
});
