ALTER TABLE "contacts" ADD COLUMN "idempotency_key" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "request_hash" text;--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_idempotency_key_idx" ON "contacts" USING btree ("company_id","idempotency_key") WHERE idempotency_key is not null;