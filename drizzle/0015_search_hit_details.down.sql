-- Reverts 0015_search_hit_details.
DROP FUNCTION search_hit_details(bigint[], tsquery, tsquery, regconfig, text, text);
