/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher 2009) of a lexical and a semantic ranking:
 *   score(d) = (1 − semanticRatio) / (k + lexicalRank(d)) + semanticRatio / (k + semanticRank(d))
 * with 1-based ranks; a document missing from a list gets nothing from it. Only ranks matter, so the
 * two lists' raw scores (ts_rank_cd, cosine distance) never need to be put on one scale.
 */

export const RRF_K = 60;

export interface FusedHit<Id> {
  id: Id;
  score: number;
  /** 1-based rank in the lexical list, or null when it was not there. */
  lexicalRank: number | null;
  semanticRank: number | null;
}

export interface FusionOptions {
  /** Weight of the semantic ranking, 0..1 (0 = lexical only, 1 = semantic only). Default 0.5. */
  semanticRatio?: number;
  k?: number;
}

export function reciprocalRankFusion<Id extends string | number>(
  lexical: readonly Id[],
  semantic: readonly Id[],
  options: FusionOptions = {},
): FusedHit<Id>[] {
  const ratio = options.semanticRatio ?? 0.5;
  const k = options.k ?? RRF_K;
  if (!(ratio >= 0 && ratio <= 1)) throw new RangeError(`semanticRatio must be within 0..1, got ${ratio}`);
  if (!(k > 0)) throw new RangeError(`k must be positive, got ${k}`);

  const hits = new Map<Id, FusedHit<Id>>();
  const hit = (id: Id) => {
    let h = hits.get(id);
    if (!h) {
      h = { id, score: 0, lexicalRank: null, semanticRank: null };
      hits.set(id, h);
    }
    return h;
  };
  // A duplicate id within one list keeps its best (first) rank.
  lexical.forEach((id, i) => {
    const h = hit(id);
    if (h.lexicalRank === null) {
      h.lexicalRank = i + 1;
      h.score += (1 - ratio) / (k + i + 1);
    }
  });
  semantic.forEach((id, i) => {
    const h = hit(id);
    if (h.semanticRank === null) {
      h.semanticRank = i + 1;
      h.score += ratio / (k + i + 1);
    }
  });
  const best = (h: FusedHit<Id>) => Math.min(h.lexicalRank ?? Infinity, h.semanticRank ?? Infinity);
  // Ties (equal score): the better single rank first, then lexical before semantic-only, then input order.
  // A ratio of 0 or 1 leaves the other list's hits at 0: they are not results.
  return [...hits.values()]
    .filter((h) => h.score > 0)
    .sort(
      (a, b) =>
        b.score - a.score ||
        best(a) - best(b) ||
        (a.lexicalRank === null ? 1 : 0) - (b.lexicalRank === null ? 1 : 0),
    );
}
