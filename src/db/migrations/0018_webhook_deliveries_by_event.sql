-- The hourly purge deletes old webhook events, and each event's deletion deletes its deliveries by their
-- foreign key: without this index every one of those deletes read the whole deliveries table.
CREATE INDEX "webhook_deliveries_event_idx" ON "webhook_deliveries" USING btree ("event_id");
