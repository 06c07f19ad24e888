-- Reverts 0017_patch_date_index.
DROP INDEX "emails_list_patch_date_idx";
