import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { SourceCodec } from "../../functions/ingest/prepare";

/**
 * Node's zlib and crypto: several times faster here than web streams for many small messages. Level 3: on the
 * kgdb epoch (26.5 MB) 1.6x faster than the default 6 for 3% more bytes (ratio 2.27 vs 2.34).
 */
export const nodeCodec: SourceCodec = {
  gzip: (bytes) => gzipSync(bytes, { level: 3 }),
  sha256Hex: (bytes) => createHash("sha256").update(bytes).digest("hex"),
};
