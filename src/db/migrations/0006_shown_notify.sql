-- Every instance caches the users, sellers, products and order items conversations show
-- (src/domain/conversations/shown-cache.ts). These triggers tell every instance, on commit, which entries a
-- change makes wrong, on the channel parley_shown: a space-separated list of user:<id>, seller:<id>,
-- product:<id>, order:<id> and orderitem:<id>, or * when a statement touched more than fit in one
-- notification (8000 bytes; 250 names of up to 30 characters do). A new row needs no notice: nothing held it.
-- Statement triggers with transition tables: a bulk change sends one notification, not one per row, and
-- only a change to a column that is shown sends any.
CREATE FUNCTION parley_notify_shown(names text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(names) > 250 THEN
    PERFORM pg_notify('parley_shown', '*');
  ELSIF cardinality(names) > 0 THEN
    PERFORM pg_notify('parley_shown', array_to_string(names, ' '));
  END IF;
END $$;
--> statement-breakpoint
CREATE FUNCTION parley_users_shown_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM parley_notify_shown(array(SELECT 'user:' || id FROM old_rows));
  ELSE
    PERFORM parley_notify_shown(array(
      SELECT 'user:' || o.id FROM old_rows o JOIN new_rows n USING (id)
      WHERE (o.email, o.first_name, o.last_name, o.phone, o.gender, o.display_name, o.avatar_url, o.city_id,
          o.created_at)
        IS DISTINCT FROM (n.email, n.first_name, n.last_name, n.phone, n.gender, n.display_name, n.avatar_url,
          n.city_id, n.created_at)
    ));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER users_deleted_shown AFTER DELETE ON users
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_users_shown_changed();
--> statement-breakpoint
CREATE TRIGGER users_updated_shown AFTER UPDATE ON users
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION parley_users_shown_changed();
--> statement-breakpoint
CREATE FUNCTION parley_sellers_shown_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM parley_notify_shown(array(SELECT 'seller:' || id FROM old_rows));
  ELSE
    PERFORM parley_notify_shown(array(
      SELECT 'seller:' || o.id FROM old_rows o JOIN new_rows n USING (id)
      WHERE (o.name, o.avatar_url, o.city_id, o.rating, o.reviews_count, o.products_count, o.created_at)
        IS DISTINCT FROM (n.name, n.avatar_url, n.city_id, n.rating, n.reviews_count, n.products_count,
          n.created_at)
    ));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER sellers_deleted_shown AFTER DELETE ON sellers
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_sellers_shown_changed();
--> statement-breakpoint
CREATE TRIGGER sellers_updated_shown AFTER UPDATE ON sellers
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION parley_sellers_shown_changed();
--> statement-breakpoint
CREATE FUNCTION parley_products_shown_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM parley_notify_shown(array(SELECT 'product:' || id FROM old_rows));
  ELSE
    PERFORM parley_notify_shown(array(
      SELECT 'product:' || o.id FROM old_rows o JOIN new_rows n USING (id)
      WHERE (o.name, o.price, o.image_url, o.images, o.attributes, o.is_published, o.published_at,
          o.location_id, o.seller_id)
        IS DISTINCT FROM (n.name, n.price, n.image_url, n.images, n.attributes, n.is_published, n.published_at,
          n.location_id, n.seller_id)
    ));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER products_deleted_shown AFTER DELETE ON products
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_products_shown_changed();
--> statement-breakpoint
CREATE TRIGGER products_updated_shown AFTER UPDATE ON products
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION parley_products_shown_changed();
--> statement-breakpoint
CREATE FUNCTION parley_orders_shown_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM parley_notify_shown(array(SELECT 'order:' || id FROM old_rows));
  ELSE
    PERFORM parley_notify_shown(array(
      SELECT 'order:' || o.id FROM old_rows o JOIN new_rows n USING (id)
      WHERE (o.number, o.status) IS DISTINCT FROM (n.number, n.status)
    ));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER orders_deleted_shown AFTER DELETE ON orders
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_orders_shown_changed();
--> statement-breakpoint
CREATE TRIGGER orders_updated_shown AFTER UPDATE ON orders
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION parley_orders_shown_changed();
--> statement-breakpoint
CREATE FUNCTION parley_order_items_shown_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM parley_notify_shown(array(SELECT 'orderitem:' || id FROM old_rows));
  ELSE
    PERFORM parley_notify_shown(array(
      SELECT 'orderitem:' || o.id FROM old_rows o JOIN new_rows n USING (id)
      WHERE (o.status, o.quantity, o.price, o.order_id, o.product_id)
        IS DISTINCT FROM (n.status, n.quantity, n.price, n.order_id, n.product_id)
    ));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER order_items_deleted_shown AFTER DELETE ON order_items
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_order_items_shown_changed();
--> statement-breakpoint
CREATE TRIGGER order_items_updated_shown AFTER UPDATE ON order_items
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION parley_order_items_shown_changed();
--> statement-breakpoint
-- TRUNCATE fires no row or DELETE trigger: whatever it emptied, every cached record goes.
CREATE FUNCTION parley_shown_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('parley_shown', '*');
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER users_truncated_shown AFTER TRUNCATE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION parley_shown_truncated();
--> statement-breakpoint
CREATE TRIGGER sellers_truncated_shown AFTER TRUNCATE ON sellers
  FOR EACH STATEMENT EXECUTE FUNCTION parley_shown_truncated();
--> statement-breakpoint
CREATE TRIGGER products_truncated_shown AFTER TRUNCATE ON products
  FOR EACH STATEMENT EXECUTE FUNCTION parley_shown_truncated();
--> statement-breakpoint
CREATE TRIGGER orders_truncated_shown AFTER TRUNCATE ON orders
  FOR EACH STATEMENT EXECUTE FUNCTION parley_shown_truncated();
--> statement-breakpoint
CREATE TRIGGER order_items_truncated_shown AFTER TRUNCATE ON order_items
  FOR EACH STATEMENT EXECUTE FUNCTION parley_shown_truncated();
