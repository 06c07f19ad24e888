/**
 * Where embedding vectors come from. The job that fills emails.embedding only knows this interface; on Workers
 * the Workers AI binding provides it, tests bring a deterministic one of their own.
 */
export interface EmbeddingProvider {
  /** Model name, recorded on the job's result. */
  readonly model: string;
  /** Length of every vector (emails.embedding is vector(384)). */
  readonly dimensions: number;
  /** Most texts per embed() call. */
  readonly maxBatch: number;
  /** One vector per text, in order. */
  embed(texts: string[]): Promise<number[][]>;
}

/** The design's default model: 384 dimensions, matching emails.embedding. */
export const DEFAULT_EMBEDDING_MODEL = "@cf/baai/bge-small-en-v1.5";

/** The part of the Workers AI binding (`[ai] binding = "AI"`) used here. */
export interface AiBinding {
  run(model: string, inputs: { text: string[] }): Promise<unknown>;
}

/** Workers AI text embeddings: `{ shape: [n, d], data: number[][] }` for `{ text: string[] }`. */
export function workersAiEmbeddings(ai: AiBinding, model = DEFAULT_EMBEDDING_MODEL): EmbeddingProvider {
  return {
    model,
    dimensions: 384,
    maxBatch: 100,
    async embed(texts) {
      const output = (await ai.run(model, { text: texts })) as { data?: unknown };
      if (!Array.isArray(output?.data)) throw new Error(`${model} answered no embedding data`);
      return output.data as number[][];
    },
  };
}

/** The provider this deployment has, or null (no AI binding): embedding jobs are then skipped. */
export function embeddingProviderFor(env: {
  AI?: AiBinding;
  EMBEDDING_MODEL?: string;
}): EmbeddingProvider | null {
  return env.AI ? workersAiEmbeddings(env.AI, env.EMBEDDING_MODEL || DEFAULT_EMBEDDING_MODEL) : null;
}
