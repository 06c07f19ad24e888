-- Reverts 0000_extensions. vchord depends on vector, so it goes first.
DROP EXTENSION IF EXISTS vchord;
--> statement-breakpoint
DROP EXTENSION IF EXISTS pg_trgm;
--> statement-breakpoint
DROP EXTENSION IF EXISTS vector;
