-- Every instance holds the contact subjects and setting overrides that contact-us forms are checked against
-- (src/domain/contacts/submission-context-cache.ts). Any change to either tells every instance, on commit,
-- on the channel parley_contact_context, to drop all it holds: both are few, and written rarely, by staff.
CREATE FUNCTION parley_contact_context_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('parley_contact_context', '*');
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER contact_subjects_changed_context AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON contact_subjects
  FOR EACH STATEMENT EXECUTE FUNCTION parley_contact_context_changed();
--> statement-breakpoint
CREATE TRIGGER settings_changed_context AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON settings
  FOR EACH STATEMENT EXECUTE FUNCTION parley_contact_context_changed();
