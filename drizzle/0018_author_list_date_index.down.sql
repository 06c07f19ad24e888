-- Reverts 0018_author_list_date_index.
DROP INDEX "emails_author_list_date_idx";
