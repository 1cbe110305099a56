-- Bundles carry the deprecation (a public field of every listing), so a
-- deprecation, its reason or its replacement moves the listing in the feed
-- like any other change of what the bundle carries.
CREATE OR REPLACE FUNCTION listings_federation_feed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.origin_peer IS NULL AND OLD.status = 'approved' THEN
            PERFORM federation_feed_touch(OLD.id, OLD.kind, coalesce(OLD.external_id, OLD.id::text),
                                          OLD.name, OLD.current_version, 'withdrawn');
        END IF;
        RETURN NULL;
    END IF;
    IF NEW.origin_peer IS NOT NULL THEN
        RETURN NULL;
    END IF;
    IF NEW.status = 'approved' THEN
        IF TG_OP = 'UPDATE' AND OLD.status = 'approved'
           AND ROW(OLD.name, OLD.description, OLD.long_description, OLD.category, OLD.tags, OLD.price,
                   OLD.license, OLD.spec, OLD.current_version, OLD.external_id, OLD.publisher_tenant_id,
                   OLD.created_at, OLD.deprecated_at, OLD.deprecation_reason, OLD.replacement_id)
               IS NOT DISTINCT FROM
               ROW(NEW.name, NEW.description, NEW.long_description, NEW.category, NEW.tags, NEW.price,
                   NEW.license, NEW.spec, NEW.current_version, NEW.external_id, NEW.publisher_tenant_id,
                   NEW.created_at, NEW.deprecated_at, NEW.deprecation_reason, NEW.replacement_id) THEN
            RETURN NULL;
        END IF;
        PERFORM federation_feed_touch(NEW.id, NEW.kind, coalesce(NEW.external_id, NEW.id::text),
                                      NEW.name, NEW.current_version, 'approved');
    ELSIF TG_OP = 'UPDATE' AND OLD.status = 'approved' THEN
        PERFORM federation_feed_touch(NEW.id, NEW.kind, coalesce(NEW.external_id, NEW.id::text),
                                      NEW.name, NEW.current_version, 'withdrawn');
    END IF;
    RETURN NULL;
END $$;
