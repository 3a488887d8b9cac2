-- The shop API opens a conversation without a customer (`customerId: null`): the shop's staff are then its
-- only party, so such a conversation has no seller either.
ALTER TABLE "conversations" ALTER COLUMN "customer_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_customer_or_staff_check" CHECK ("conversations"."customer_id" is not null or "conversations"."seller_id" is null);
