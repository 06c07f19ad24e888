-- thread_download_ids returns a thread's messages: tens, not the 1000 rows Postgres assumes of a set-returning
-- function. With 1000, the joins to emails and email_sources in t.mbox.gz and t.atom were hash joins over seq
-- scans of both tables (PGlite, kgdb epoch: 20 ms for a 3-message thread; at a million messages, seconds).
ALTER FUNCTION thread_download_ids(text, text) ROWS 20;
