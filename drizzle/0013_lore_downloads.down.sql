-- Reverts 0013_lore_downloads.
DROP FUNCTION thread_download_ids(text, text);
