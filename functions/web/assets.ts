import { Hono } from "hono";
import type { AppBindings } from "../env";
import { SCRIPT } from "./assets/script";
import { STYLE } from "./assets/style";

/**
 * The stylesheet and the script, under names that carry a hash of their content, cached for a year: a new
 * version is a new name. Served before the database middleware (an asset needs no database).
 */

/** FNV-1a (64 bit) of the text, as 12 hex digits: a cache key, not a security measure. */
function contentHash(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, "0").slice(0, 12);
}

const ASSETS = [
  { name: `style.${contentHash(STYLE)}.css`, type: "text/css; charset=utf-8", body: STYLE.trim() },
  { name: `app.${contentHash(SCRIPT)}.js`, type: "text/javascript; charset=utf-8", body: SCRIPT },
] as const;

export const STYLE_URL = `/_static/${ASSETS[0].name}`;
export const SCRIPT_URL = `/_static/${ASSETS[1].name}`;

export const assetsRouter = new Hono<AppBindings>()
  // browsers ask for it on every site; no icon, and no error in their console
  .get("/favicon.ico", (c) => c.body(null, 204, { "cache-control": "public, max-age=86400" }))
  .get("/_static/:name", (c, next) => {
    const asset = ASSETS.find((a) => a.name === c.req.param("name"));
    if (!asset) return next();
    return c.body(asset.body, 200, {
      "content-type": asset.type,
      "cache-control": "public, max-age=31536000, immutable",
      "x-content-type-options": "nosniff",
    });
  });
