-- The webhook claim reads each endpoint's due deliveries in turn, so one at its cap costs nothing however long
-- its backlog: the due index leads with the endpoint.
DROP INDEX "webhook_deliveries_due_idx";--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("endpoint_id","next_attempt_at","id") WHERE status = 'pending';