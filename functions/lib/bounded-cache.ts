/**
 * A map kept in the isolate that holds at most `maxBytes` of values (as `sizeOf` counts them) and drops the
 * least recently used first; a value over `maxEntryBytes` is not kept at all (a few giant ones would push out
 * everything else). What is worth keeping, and when an entry is still valid, is the caller's business.
 */
export class BoundedCache<V> {
  private readonly entries = new Map<string, { value: V; bytes: number }>();
  private total = 0;

  constructor(
    private readonly maxBytes: number,
    readonly maxEntryBytes: number,
    private readonly sizeOf: (value: V) => number,
  ) {}

  /** The value for `key` (now the most recently used), if any. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V): void {
    this.delete(key);
    const bytes = this.sizeOf(value);
    if (bytes > this.maxEntryBytes) return;
    this.entries.set(key, { value, bytes });
    this.total += bytes;
    for (const [oldest] of this.entries) {
      if (this.total <= this.maxBytes) break;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.total -= entry.bytes;
  }
}
