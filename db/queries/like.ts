/** Escapes LIKE wildcards so user text matches literally (use with `ESCAPE '\'`). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, "\\$&");
}
