import { EMBEDDINGS_FILL_JOB, embeddingsFillJob } from "../embeddings/fill-job";
import { SEARCH_REFRESH_JOB, searchRefreshJob } from "../search-index/refresh-job";
import type { JobKind } from "./types";

/** Every kind of job the runner knows. Jobs of other kinds are refused by the admin API and never claimed. */
export const jobKinds: Record<string, JobKind> = {
  [SEARCH_REFRESH_JOB]: searchRefreshJob,
  [EMBEDDINGS_FILL_JOB]: embeddingsFillJob,
};
