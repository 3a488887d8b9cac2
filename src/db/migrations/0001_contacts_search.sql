-- Trusted since PostgreSQL 13: a database owner may create it; PGlite loads it in src/db/client.ts.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "contacts_search_trgm_idx" ON "contacts" USING gin (("first_name" || ' ' || "last_name" || ' ' || "email" || ' ' || "subject" || ' ' || "message") gin_trgm_ops);