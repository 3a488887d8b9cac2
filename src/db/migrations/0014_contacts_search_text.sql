-- Search runs over a stored, lowered copy of the searchable fields: ILIKE lowered every candidate's text on
-- every search. The created-at indexes sort nulls first, as ORDER BY created_at DESC does, so a page can walk
-- them in order.
DROP INDEX "contacts_company_created_idx";--> statement-breakpoint
DROP INDEX "contacts_company_viewed_idx";--> statement-breakpoint
DROP INDEX "contacts_search_trgm_idx";--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "search_text" text GENERATED ALWAYS AS (lower("contacts"."first_name" || ' ' || "contacts"."last_name" || ' ' || "contacts"."email" || ' ' || "contacts"."subject" || ' ' || "contacts"."message")) STORED;--> statement-breakpoint
CREATE INDEX "contacts_company_created_idx" ON "contacts" USING btree ("company_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "contacts_company_viewed_idx" ON "contacts" USING btree ("company_id","viewed","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "contacts_search_trgm_idx" ON "contacts" USING gin ("search_text" gin_trgm_ops);