-- Platform-wide switches, one row, read by every server process.
CREATE TABLE platform_settings (
    id                       boolean PRIMARY KEY DEFAULT true CHECK (id),
    maintenance_enabled      boolean NOT NULL DEFAULT false,
    maintenance_message      text,
    maintenance_started_at   timestamptz,
    maintenance_expected_end timestamptz
);
INSERT INTO platform_settings (id) VALUES (true);
