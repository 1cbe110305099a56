-- Daily rollups for the charts: installs, uninstalls and ratings per
-- listing, version and UTC day, and the review queue's health per day. A
-- chart reads at most a year of rows per listing (or of the queue), never
-- the raw ledger.
--
-- They are kept by triggers on the raw tables, so every path that writes
-- an install, a rating or a queue change (the services, the seed, an
-- operator's moderation, a future one) moves them in its own transaction.
-- The triggers are DEFERRABLE INITIALLY DEFERRED constraint triggers: they
-- run at commit, after every row lock the event's transaction takes, so
-- the rollup row is always the last lock taken (no lock-order deadlock
-- with the listing counters) and is held only while committing.

CREATE FUNCTION stats_day(ts timestamptz) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (ts AT TIME ZONE 'UTC')::date $$;

-- The version an event belongs to: the listing's current version when the
-- row is written ('' for a listing without versions).
ALTER TABLE listing_installs ADD COLUMN version text;
ALTER TABLE reviews ADD COLUMN listing_version text;

-- Rows from before: the latest version that existed when they were made.
UPDATE listing_installs i SET version = coalesce((
    SELECT v.version_name FROM listing_versions v
    WHERE v.listing_id = i.listing_id AND v.created_at <= i.first_installed_at
    ORDER BY v.created_at DESC LIMIT 1), '');
UPDATE reviews r SET listing_version = coalesce((
    SELECT v.version_name FROM listing_versions v
    WHERE v.listing_id = r.listing_id AND v.created_at <= r.created_at
    ORDER BY v.created_at DESC LIMIT 1), '');

CREATE FUNCTION stats_stamp_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'reviews' THEN
        IF NEW.listing_version IS NULL THEN
            NEW.listing_version := coalesce(
                (SELECT current_version FROM listings WHERE id = NEW.listing_id), '');
        END IF;
    ELSIF NEW.version IS NULL THEN
        NEW.version := coalesce((SELECT current_version FROM listings WHERE id = NEW.listing_id), '');
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER listing_installs_stamp_version BEFORE INSERT ON listing_installs
    FOR EACH ROW EXECUTE FUNCTION stats_stamp_version();
CREATE TRIGGER reviews_stamp_version BEFORE INSERT ON reviews
    FOR EACH ROW EXECUTE FUNCTION stats_stamp_version();

-- Per listing, version and day. `installs` are first installs by a tenant
-- (as the listing's `installs` counter), `reinstalls` a tenant's return
-- after uninstalling, `uninstalls` its last copy going; so the active
-- installs at the end of a day are the running sum of
-- installs + reinstalls - uninstalls, as the `active_installs` counter.
-- `ratings` / `rating_sum` are the visible ratings made that day as they
-- stand now (a re-rating changes its day's sum, hiding takes it out): the
-- sums over all days are the listing's rating counters.
CREATE TABLE listing_daily_stats (
    listing_id uuid NOT NULL REFERENCES listings(id) ON DELETE CASCADE,
    day        date NOT NULL,
    version    text NOT NULL DEFAULT '',
    installs   integer NOT NULL DEFAULT 0,
    reinstalls integer NOT NULL DEFAULT 0,
    uninstalls integer NOT NULL DEFAULT 0,
    ratings    integer NOT NULL DEFAULT 0,
    rating_sum numeric NOT NULL DEFAULT 0,
    PRIMARY KEY (listing_id, day, version)
);

CREATE FUNCTION listing_stats_add(
    p_listing uuid, p_day date, p_version text,
    p_installs integer, p_reinstalls integer, p_uninstalls integer,
    p_ratings integer, p_rating_sum numeric
) RETURNS void LANGUAGE sql AS $$
    -- A listing deleted in the same transaction (cascades) has nothing to keep.
    INSERT INTO listing_daily_stats AS s
        (listing_id, day, version, installs, reinstalls, uninstalls, ratings, rating_sum)
    SELECT p_listing, p_day, coalesce(p_version, ''), p_installs, p_reinstalls, p_uninstalls,
           p_ratings, p_rating_sum
    WHERE EXISTS (SELECT 1 FROM listings WHERE id = p_listing)
    ON CONFLICT (listing_id, day, version) DO UPDATE SET
        installs = s.installs + EXCLUDED.installs,
        reinstalls = s.reinstalls + EXCLUDED.reinstalls,
        uninstalls = s.uninstalls + EXCLUDED.uninstalls,
        ratings = s.ratings + EXCLUDED.ratings,
        rating_sum = s.rating_sum + EXCLUDED.rating_sum
$$;

-- The install ledger keeps one row per listing and tenant; its
-- transitions are the events. Deleting a row (a tenant deleted) does not
-- undo history, as it does not lower the `installs` counter.
CREATE FUNCTION listing_installs_stats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM listing_stats_add(NEW.listing_id, stats_day(NEW.first_installed_at), NEW.version, 1, 0, 0, 0, 0);
        IF NOT NEW.active THEN
            PERFORM listing_stats_add(NEW.listing_id, stats_day(NEW.updated_at), NEW.version, 0, 0, 1, 0, 0);
        END IF;
        RETURN NULL;
    END IF;
    IF (OLD.first_installed_at, OLD.version) IS DISTINCT FROM (NEW.first_installed_at, NEW.version) THEN
        PERFORM listing_stats_add(OLD.listing_id, stats_day(OLD.first_installed_at), OLD.version, -1, 0, 0, 0, 0);
        PERFORM listing_stats_add(NEW.listing_id, stats_day(NEW.first_installed_at), NEW.version, 1, 0, 0, 0, 0);
    END IF;
    IF OLD.active AND NOT NEW.active THEN
        PERFORM listing_stats_add(NEW.listing_id, stats_day(NEW.updated_at), NEW.version, 0, 0, 1, 0, 0);
    ELSIF NEW.active AND NOT OLD.active THEN
        PERFORM listing_stats_add(NEW.listing_id, stats_day(NEW.updated_at), NEW.version, 0, 1, 0, 0, 0);
    END IF;
    RETURN NULL;
END $$;

-- A review counts while visible, on the day it was made.
CREATE FUNCTION reviews_stats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF NOT OLD.hidden THEN
            PERFORM listing_stats_add(OLD.listing_id, stats_day(OLD.created_at), OLD.listing_version,
                                      0, 0, 0, -1, -OLD.rating);
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        IF NOT NEW.hidden THEN
            PERFORM listing_stats_add(NEW.listing_id, stats_day(NEW.created_at), NEW.listing_version,
                                      0, 0, 0, 1, NEW.rating);
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER listing_installs_stats_insert AFTER INSERT ON listing_installs
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION listing_installs_stats();
CREATE CONSTRAINT TRIGGER listing_installs_stats_update AFTER UPDATE ON listing_installs
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN ((OLD.active, OLD.first_installed_at, OLD.version) IS DISTINCT FROM
          (NEW.active, NEW.first_installed_at, NEW.version))
    EXECUTE FUNCTION listing_installs_stats();
CREATE CONSTRAINT TRIGGER reviews_stats_insert AFTER INSERT ON reviews
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reviews_stats();
-- Votes and flags update reviews too: only what a rating counts fires.
CREATE CONSTRAINT TRIGGER reviews_stats_update AFTER UPDATE ON reviews
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN ((OLD.rating, OLD.hidden, OLD.created_at, OLD.listing_version, OLD.listing_id) IS DISTINCT FROM
          (NEW.rating, NEW.hidden, NEW.created_at, NEW.listing_version, NEW.listing_id))
    EXECUTE FUNCTION reviews_stats();
CREATE CONSTRAINT TRIGGER reviews_stats_delete AFTER DELETE ON reviews
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reviews_stats();

-- The review queue per UTC day: what entered it (a listing submitted, an
-- edit or rollback of a live one waiting), what left it (approved,
-- rejected, or withdrawn: superseded, deleted, moved elsewhere), its size
-- and oldest item at the end of the day (the state after the day's last
-- change; a day without changes carries the previous day's), and a
-- histogram of the day's decision times for the median: bucket i holds
-- times t (seconds) with floor(4·log2(1 + t)) = i, about 19 % wide.
CREATE TABLE review_queue_daily (
    day                 date PRIMARY KEY,
    submissions         integer NOT NULL DEFAULT 0,
    approvals           integer NOT NULL DEFAULT 0,
    rejections          integer NOT NULL DEFAULT 0,
    withdrawals         integer NOT NULL DEFAULT 0,
    queue_size          integer NOT NULL DEFAULT 0,
    oldest_submitted_at timestamptz,
    decision_buckets    integer[] NOT NULL DEFAULT '{}'
);

CREATE FUNCTION review_queue_bucket(seconds double precision) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT least(159, greatest(0, floor(4 * log(2, 1 + greatest(seconds, 0)::numeric))))::int
$$;

CREATE FUNCTION review_queue_oldest() RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT least(
        (SELECT min(submitted_at) FROM listings WHERE status = 'pending_approval'),
        (SELECT min(submitted_at) FROM listing_revisions WHERE status = 'pending'))
$$;

-- One change of the queue, today. Queue changes are serialised by an
-- advisory lock (taken at commit, they are operator and publisher actions,
-- a few a minute), so each sees the one before and the size and oldest
-- item stay exact.
CREATE FUNCTION review_queue_move(
    p_submissions integer, p_approvals integer, p_rejections integer, p_withdrawals integer,
    p_decision_seconds double precision
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    today date := stats_day(now());
    previous integer;
    bucket integer := CASE WHEN p_decision_seconds IS NULL THEN NULL
                           ELSE review_queue_bucket(p_decision_seconds) + 1 END;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('review_queue_daily'));
    SELECT queue_size INTO previous FROM review_queue_daily WHERE day <= today
        ORDER BY day DESC LIMIT 1;
    INSERT INTO review_queue_daily AS q
        (day, submissions, approvals, rejections, withdrawals, queue_size, oldest_submitted_at)
    VALUES (today, p_submissions, p_approvals, p_rejections, p_withdrawals,
            greatest(0, coalesce(previous, 0) + p_submissions - p_approvals - p_rejections - p_withdrawals),
            review_queue_oldest())
    ON CONFLICT (day) DO UPDATE SET
        submissions = q.submissions + EXCLUDED.submissions,
        approvals = q.approvals + EXCLUDED.approvals,
        rejections = q.rejections + EXCLUDED.rejections,
        withdrawals = q.withdrawals + EXCLUDED.withdrawals,
        queue_size = EXCLUDED.queue_size,
        oldest_submitted_at = EXCLUDED.oldest_submitted_at;
    IF bucket IS NOT NULL THEN
        UPDATE review_queue_daily
        SET decision_buckets[bucket] = coalesce(decision_buckets[bucket], 0) + 1
        WHERE day = today;
    END IF;
END $$;

-- pending → approved/rejected is a decision; into pending a submission
-- (a re-submission of a waiting item only moves its age); out of pending
-- any other way a withdrawal.
CREATE FUNCTION review_queue_stats() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    waiting text := CASE WHEN TG_TABLE_NAME = 'listings' THEN 'pending_approval' ELSE 'pending' END;
    was boolean := false;
    is_now boolean := false;
    waited double precision;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        was := OLD.status = waiting;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        is_now := NEW.status = waiting;
    END IF;
    IF was AND is_now THEN
        PERFORM review_queue_move(0, 0, 0, 0, NULL);
    ELSIF is_now THEN
        PERFORM review_queue_move(1, 0, 0, 0, NULL);
    ELSIF was THEN
        waited := extract(epoch FROM now() - OLD.submitted_at);
        IF TG_OP = 'UPDATE' AND NEW.status = 'approved' THEN
            PERFORM review_queue_move(0, 1, 0, 0, waited);
        ELSIF TG_OP = 'UPDATE' AND NEW.status = 'rejected' THEN
            PERFORM review_queue_move(0, 0, 1, 0, waited);
        ELSE
            PERFORM review_queue_move(0, 0, 0, 1, NULL);
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER listings_queue_stats_insert AFTER INSERT ON listings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (NEW.status = 'pending_approval') EXECUTE FUNCTION review_queue_stats();
-- Counter updates (installs, ratings) touch listings often: only a change
-- of the queue fires.
CREATE CONSTRAINT TRIGGER listings_queue_stats_update AFTER UPDATE ON listings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN ((OLD.status = 'pending_approval' OR NEW.status = 'pending_approval')
          AND (OLD.status, OLD.submitted_at) IS DISTINCT FROM (NEW.status, NEW.submitted_at))
    EXECUTE FUNCTION review_queue_stats();
CREATE CONSTRAINT TRIGGER listings_queue_stats_delete AFTER DELETE ON listings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.status = 'pending_approval') EXECUTE FUNCTION review_queue_stats();
CREATE CONSTRAINT TRIGGER revisions_queue_stats_insert AFTER INSERT ON listing_revisions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (NEW.status = 'pending') EXECUTE FUNCTION review_queue_stats();
CREATE CONSTRAINT TRIGGER revisions_queue_stats_update AFTER UPDATE ON listing_revisions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN ((OLD.status = 'pending' OR NEW.status = 'pending')
          AND (OLD.status, OLD.submitted_at) IS DISTINCT FROM (NEW.status, NEW.submitted_at))
    EXECUTE FUNCTION review_queue_stats();
CREATE CONSTRAINT TRIGGER revisions_queue_stats_delete AFTER DELETE ON listing_revisions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.status = 'pending') EXECUTE FUNCTION review_queue_stats();

-- The backfill, also run by the bench's catalog generator after a bulk
-- load (with the triggers off): rebuilds the listing rollups from the raw
-- rows, a chunk of listings at a time, printing progress (a NOTICE line
-- per chunk with the rate and the time left; the server logs them).
CREATE FUNCTION listing_stats_rebuild(chunk integer DEFAULT 20000) RETURNS bigint
    LANGUAGE plpgsql AS $$
DECLARE
    total bigint := (SELECT count(*) FROM listings);
    done bigint := 0;
    started timestamptz := clock_timestamp();
    elapsed double precision;
    ids uuid[];
    last_id uuid := '00000000-0000-0000-0000-000000000000';
BEGIN
    DELETE FROM listing_daily_stats;
    LOOP
        SELECT array_agg(id ORDER BY id) INTO ids FROM (
            SELECT id FROM listings WHERE id > last_id ORDER BY id LIMIT chunk) c;
        EXIT WHEN ids IS NULL;
        INSERT INTO listing_daily_stats AS s
            (listing_id, day, version, installs, reinstalls, uninstalls, ratings, rating_sum)
        SELECT listing_id, day, version, sum(installs), 0, sum(uninstalls), sum(ratings), sum(rating_sum)
        FROM (
            SELECT listing_id, stats_day(first_installed_at) AS day, coalesce(version, '') AS version,
                   1 AS installs, 0 AS uninstalls, 0 AS ratings, 0::numeric AS rating_sum
            FROM listing_installs WHERE listing_id = ANY (ids)
            UNION ALL
            SELECT listing_id, stats_day(updated_at), coalesce(version, ''), 0, 1, 0, 0
            FROM listing_installs WHERE listing_id = ANY (ids) AND NOT active
            UNION ALL
            SELECT listing_id, stats_day(created_at), coalesce(listing_version, ''), 0, 0, 1, rating
            FROM reviews WHERE listing_id = ANY (ids) AND NOT hidden
        ) e
        GROUP BY listing_id, day, version;
        done := done + cardinality(ids);
        last_id := ids[cardinality(ids)];
        elapsed := extract(epoch FROM clock_timestamp() - started);
        RAISE NOTICE 'listing stats backfill: % of % listings (% %%), % listings/s, about % s left',
            done, total, round(100.0 * done / greatest(total, 1)),
            round(done / greatest(elapsed, 0.001)),
            round(greatest(total - done, 0) * elapsed / greatest(done, 1));
    END LOOP;
    RETURN done;
END $$;

-- The queue's history from the items' own times: each item waited from
-- its submitted_at until its decision (reviewed_at / decided_at) or is
-- still waiting. What an earlier rejection and re-submission did is not
-- kept by the rows, so only the latest round of each item is counted.
-- An item is in the queue at the end of day d when it was submitted
-- before the next UTC midnight and left at or after it: days
-- stats_day(submitted_at) .. stats_day(left_at) - 1 (to today if waiting).
CREATE FUNCTION review_queue_rebuild() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    days bigint;
    today date := stats_day(now());
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('review_queue_daily'));
    DELETE FROM review_queue_daily;
    CREATE TEMP TABLE queue_items ON COMMIT DROP AS
        SELECT submitted_at,
               CASE WHEN status = 'pending_approval' THEN NULL
                    ELSE greatest(submitted_at, coalesce(reviewed_at, approved_at, updated_at)) END AS left_at,
               CASE WHEN status IN ('approved', 'rejected') THEN status
                    WHEN status = 'pending_approval' THEN 'waiting'
                    ELSE 'withdrawn' END AS outcome
        FROM listings WHERE submitted_at IS NOT NULL
        UNION ALL
        SELECT submitted_at, greatest(submitted_at, decided_at),
               CASE status WHEN 'pending' THEN 'waiting' WHEN 'superseded' THEN 'withdrawn' ELSE status END
        FROM listing_revisions;
    INSERT INTO review_queue_daily
        (day, submissions, approvals, rejections, withdrawals, queue_size, oldest_submitted_at, decision_buckets)
    WITH entered AS (
        SELECT stats_day(submitted_at) AS day, count(*)::int AS n FROM queue_items GROUP BY 1
    ), left_queue AS (
        SELECT stats_day(left_at) AS day,
               count(*) FILTER (WHERE outcome = 'approved')::int AS approvals,
               count(*) FILTER (WHERE outcome = 'rejected')::int AS rejections,
               count(*) FILTER (WHERE outcome = 'withdrawn')::int AS withdrawals
        FROM queue_items WHERE left_at IS NOT NULL GROUP BY 1
    ), waiting AS (
        SELECT d::date AS day, count(*)::int AS size, min(i.submitted_at) AS oldest
        FROM queue_items i,
             generate_series(stats_day(i.submitted_at)::timestamp,
                             coalesce(stats_day(i.left_at) - 1, today)::timestamp, interval '1 day') d
        GROUP BY 1
    ), hist AS (
        SELECT stats_day(left_at) AS day,
               review_queue_bucket(extract(epoch FROM left_at - submitted_at)) AS b, count(*)::int AS n
        FROM queue_items WHERE outcome IN ('approved', 'rejected') GROUP BY 1, 2
    ), buckets AS (
        SELECT m.day, array_agg(coalesce(h.n, 0) ORDER BY s.b) AS counts
        FROM (SELECT day, max(b) AS top FROM hist GROUP BY day) m
        CROSS JOIN LATERAL generate_series(0, m.top) s(b)
        LEFT JOIN hist h ON h.day = m.day AND h.b = s.b
        GROUP BY m.day
    ), days AS (
        SELECT day FROM entered UNION SELECT day FROM left_queue UNION SELECT day FROM waiting
    )
    SELECT days.day, coalesce(e.n, 0), coalesce(l.approvals, 0), coalesce(l.rejections, 0),
           coalesce(l.withdrawals, 0), coalesce(w.size, 0), w.oldest, coalesce(b.counts, '{}')
    FROM days
    LEFT JOIN entered e USING (day) LEFT JOIN left_queue l USING (day)
    LEFT JOIN waiting w USING (day) LEFT JOIN buckets b USING (day);
    GET DIAGNOSTICS days = ROW_COUNT;
    RAISE NOTICE 'review queue backfill: % days', days;
    RETURN days;
END $$;

SELECT listing_stats_rebuild();
SELECT review_queue_rebuild();
