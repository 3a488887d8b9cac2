-- Every instance caches the sessions and API keys it resolved (src/domain/accounts/credentials-cache.ts).
-- These triggers tell every instance, on commit, which entries a change makes wrong, on the channel
-- parley_credentials: a space-separated list of session:<hash>, key:<hash> and user:<id>, or * when a statement
-- touched more than fit in one notification (8000 bytes; 100 names of 72 characters do).
-- Statement triggers with transition tables: a bulk change sends one notification, not one per row.
CREATE FUNCTION parley_notify_credentials(names text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(names) > 100 THEN
    PERFORM pg_notify('parley_credentials', '*');
  ELSIF cardinality(names) > 0 THEN
    PERFORM pg_notify('parley_credentials', array_to_string(names, ' '));
  END IF;
END $$;
--> statement-breakpoint
-- A session ended by its own expiry needs no notice: a cached session is refused past its expiry anyway.
CREATE FUNCTION parley_sessions_credentials_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM parley_notify_credentials(array(
    SELECT 'session:' || token_hash FROM old_rows WHERE TG_OP = 'UPDATE' OR expires_at > now()
  ));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER sessions_deleted_credentials AFTER DELETE ON sessions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_sessions_credentials_changed();
--> statement-breakpoint
CREATE TRIGGER sessions_updated_credentials AFTER UPDATE ON sessions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_sessions_credentials_changed();
--> statement-breakpoint
-- A revoked key is never cached; touching a live key's name or last use changes nothing a request needs.
CREATE FUNCTION parley_api_keys_credentials_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM parley_notify_credentials(array(
      SELECT 'key:' || key_hash FROM old_rows WHERE revoked_at IS NULL
    ));
  ELSE
    PERFORM parley_notify_credentials(array(
      SELECT 'key:' || o.key_hash FROM old_rows o JOIN new_rows n USING (id)
      WHERE o.revoked_at IS NULL
        AND (o.key_hash, o.user_id, o.revoked_at) IS DISTINCT FROM (n.key_hash, n.user_id, n.revoked_at)
    ));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER api_keys_deleted_credentials AFTER DELETE ON api_keys
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_api_keys_credentials_changed();
--> statement-breakpoint
CREATE TRIGGER api_keys_updated_credentials AFTER UPDATE ON api_keys
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION parley_api_keys_credentials_changed();
--> statement-breakpoint
-- Only what a principal carries, or what decides whether one exists, is news.
CREATE FUNCTION parley_users_credentials_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM parley_notify_credentials(array(SELECT 'user:' || id FROM old_rows));
  ELSE
    PERFORM parley_notify_credentials(array(
      SELECT 'user:' || o.id FROM old_rows o JOIN new_rows n USING (id)
      WHERE (o.company_id, o.email, o.is_active, o.is_staff, o.is_superuser)
        IS DISTINCT FROM (n.company_id, n.email, n.is_active, n.is_staff, n.is_superuser)
    ));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER users_deleted_credentials AFTER DELETE ON users
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_users_credentials_changed();
--> statement-breakpoint
CREATE TRIGGER users_updated_credentials AFTER UPDATE ON users
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION parley_users_credentials_changed();
--> statement-breakpoint
-- TRUNCATE fires no row or DELETE trigger: whatever it emptied, every cached credential goes.
CREATE FUNCTION parley_credentials_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('parley_credentials', '*');
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER sessions_truncated_credentials AFTER TRUNCATE ON sessions
  FOR EACH STATEMENT EXECUTE FUNCTION parley_credentials_truncated();
--> statement-breakpoint
CREATE TRIGGER api_keys_truncated_credentials AFTER TRUNCATE ON api_keys
  FOR EACH STATEMENT EXECUTE FUNCTION parley_credentials_truncated();
--> statement-breakpoint
CREATE TRIGGER users_truncated_credentials AFTER TRUNCATE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION parley_credentials_truncated();
