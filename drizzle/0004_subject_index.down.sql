-- Reverts 0004_subject_index.
DROP INDEX "emails_list_normalized_subject_idx";
