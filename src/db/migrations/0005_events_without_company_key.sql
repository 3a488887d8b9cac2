ALTER TABLE "events" DROP CONSTRAINT "events_company_id_companies_id_fk";
