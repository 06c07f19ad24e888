-- Reverts 0014_thread_walk_estimate: the default estimate of a set-returning function.
ALTER FUNCTION thread_download_ids(text, text) ROWS 1000;
