import { describe, expect, it } from "vitest";
import {
  cachedDownload,
  downloadKey,
  keepDownload,
  MAX_CACHED_DOWNLOAD,
} from "../../functions/publicinbox/download-cache";

const entry = (bytes: number) => ({ emailIds: [1], filename: "f", chunks: [new Uint8Array(bytes)] });

describe("the download cache's bounds", () => {
  it("does not keep a download larger than MAX_CACHED_DOWNLOAD", () => {
    keepDownload(downloadKey("l", "big"), entry(MAX_CACHED_DOWNLOAD + 1));
    expect(cachedDownload(downloadKey("l", "big"))).toBeUndefined();
    keepDownload(downloadKey("l", "fits"), entry(MAX_CACHED_DOWNLOAD));
    expect(cachedDownload(downloadKey("l", "fits"))?.body.byteLength).toBe(MAX_CACHED_DOWNLOAD);
  });

  it("drops the least recently used entries past its total, not the ones just read", () => {
    const key = (i: number) => downloadKey("l", `m${i}`);
    keepDownload(key(0), entry(MAX_CACHED_DOWNLOAD));
    keepDownload(key(1), entry(MAX_CACHED_DOWNLOAD));
    // 16 MiB hold 8 of these; reading 0 makes 1 the oldest
    for (let i = 2; i < 8; i++) {
      expect(cachedDownload(key(0))).toBeDefined();
      keepDownload(key(i), entry(MAX_CACHED_DOWNLOAD));
    }
    keepDownload(key(8), entry(MAX_CACHED_DOWNLOAD));
    expect(cachedDownload(key(1))).toBeUndefined();
    expect(cachedDownload(key(0))).toBeDefined();
    expect(cachedDownload(key(8))).toBeDefined();
  });
});
