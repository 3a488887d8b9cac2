-- The due index's predicate names next_attempt_at (never null), so that only statements asking about the
-- time can use it: looking up a key's next delivery, PostgreSQL walked the endpoint's backlog through it
-- whenever its statistics said few deliveries were pending.
DROP INDEX "webhook_deliveries_due_idx";--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("endpoint_id","next_attempt_at","id") WHERE status = 'pending' and next_attempt_at is not null;