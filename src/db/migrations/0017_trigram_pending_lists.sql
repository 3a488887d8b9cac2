-- The staff search indexes keep a small pending list (see BOUNDED_PENDING_LIST in schema/columns.ts). Set in
-- place, where drizzle-kit would drop and rebuild each index, reading every message again at the upgrade.
-- The list already pending is filed by the next insert that finds it past the new limit.
ALTER INDEX "contacts_search_trgm_idx" SET (gin_pending_list_limit = 256);--> statement-breakpoint
ALTER INDEX "conversations_subject_trgm_idx" SET (gin_pending_list_limit = 256);--> statement-breakpoint
ALTER INDEX "messages_text_trgm_idx" SET (gin_pending_list_limit = 256);
