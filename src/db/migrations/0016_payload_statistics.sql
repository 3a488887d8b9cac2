-- No statement filters or joins on an event's payload, so its planner statistics are never read, yet ANALYZE
-- read and compared every sampled payload, much of its time on these tables, spent on the embedded
-- database's one thread (see db/upkeep.ts) or by a server's autovacuum.
ALTER TABLE "events" ALTER COLUMN "payload" SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "webhook_events" ALTER COLUMN "payload" SET STATISTICS 0;
