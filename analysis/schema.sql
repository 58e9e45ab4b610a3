-- xrsim results database schema.
--
-- One SQLite file holds any number of runs.  `runs` has one row per run
-- (scenario, seed, parameters, build, timings, event digest, status); every
-- other table is per-run data keyed by run_id.  A run's rows are written in
-- one transaction by sim/recorder.c: they are either all there (status 'ok')
-- or absent (status 'failed' / 'interrupted', or no row at all when the
-- process was killed).  Files are recognised by PRAGMA application_id =
-- 0x78727369 ('xrsi', decimal 2020766569) and versioned by PRAGMA
-- user_version; the recorder sets both, so this file contains no PRAGMAs.
--
-- HOW TO EXTEND.  This text is embedded into the xrsim binary and split
-- into sections at lines of the exact form `-- @version N`.  A new file
-- runs every section; a file at version V is migrated by running the
-- sections after V, in one transaction.  So, to add tables or columns:
--   1. append a new section `-- @version N+1` at the END of this file
--      (never edit an earlier section: files in the field already ran it);
--   2. in it, CREATE new tables/indexes/triggers, ALTER TABLE ... ADD
--      COLUMN, or DROP VIEW + CREATE VIEW to change a view;
--   3. bump AN_SCHEMA_VERSION in analysis/an_schema.h to N+1 (the recorder
--      refuses a schema whose last section is not the version it is given).
-- Rules for per-run tables: a NOT NULL run_id column that REFERENCES
-- runs(id) ON DELETE CASCADE (with PRAGMA foreign_keys=ON, which the
-- recorder sets, this also rejects rows of a run that does not exist), a
-- primary key or index that starts with run_id, and a trigger
-- `<table>_on_run_delete` so that `DELETE FROM runs WHERE ...` in a shell
-- without foreign_keys still removes the run's rows.
--
-- Conventions: units last in column names (_ns, _s, _ms, _bytes, _gwei),
-- counts end in _count, times inside a run are virtual nanoseconds since
-- the start of the simulation, wall-clock stamps are UTC ISO-8601 text.
-- Unsigned 64-bit values (seeds, counts) are stored as SQLite's signed
-- 64-bit integers; a value >= 2^63 appears as value - 2^64.

-- @version 1

------------------------------------------------------------------------
-- Runs
------------------------------------------------------------------------

-- One row per run.  status 'running' exists only inside the run's own
-- uncommitted transaction; other connections never see it.
CREATE TABLE runs (
    id              INTEGER PRIMARY KEY,
    status          TEXT NOT NULL DEFAULT 'running'
                    CHECK (status IN ('running', 'ok', 'failed', 'interrupted')),
    error           TEXT,                 -- why a failed/interrupted run stopped
    scenario_name   TEXT NOT NULL,
    scenario_path   TEXT,                 -- as given on the command line
    scenario_text   TEXT NOT NULL,        -- the full YAML that was run
    scenario_sha256 TEXT NOT NULL         -- SHA-256 of scenario_text, lower-case hex
                    CHECK (length(scenario_sha256) = 64),
    seed            INTEGER NOT NULL,     -- the run seed (uint64, see header)
    params_json     TEXT                  -- the sweep point / overrides applied, as JSON
                    CHECK (params_json IS NULL OR json_valid(params_json)),
    xrsim_version   TEXT NOT NULL,
    git_commit      TEXT NOT NULL,        -- short hash, "-dirty" when the tree had changes
    command_line    TEXT,                 -- argv joined with spaces, to reproduce the run
    host            TEXT,                 -- machine name (does not affect events)
    started_at      TEXT NOT NULL,        -- UTC ISO-8601, e.g. 2024-05-01T12:00:00.000Z
    finished_at     TEXT,
    wall_s          REAL,                 -- wall-clock duration
    sim_s           REAL,                 -- virtual time reached
    event_count     INTEGER,              -- events dispatched by the engine
    event_digest    TEXT,                 -- running digest of events, hex (determinism check)
    CHECK (status IN ('failed', 'interrupted') OR error IS NULL)
);
CREATE INDEX runs_by_scenario ON runs (scenario_sha256, seed);

-- A readable list of runs.
CREATE VIEW v_runs AS
SELECT id,
       status,
       scenario_name,
       seed,
       started_at,
       round(wall_s, 3)                        AS wall_s,
       sim_s,
       event_count,
       CASE WHEN wall_s > 0 THEN CAST(round(event_count / wall_s) AS INTEGER) END
                                               AS events_per_s,
       event_digest,
       substr(scenario_sha256, 1, 12)          AS scenario_sha256_12,
       params_json,
       xrsim_version,
       git_commit,
       error
FROM runs
ORDER BY id;

------------------------------------------------------------------------
-- Network (sim/ transport): nodes, per-link aggregates, sampled messages
------------------------------------------------------------------------

-- Every node of the run: its group in the scenario (e.g. 'verifiers'),
-- its index within the group, and its latency region ('' when none).
CREATE TABLE nodes (
    run_id  INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    node_id INTEGER NOT NULL,
    grp     TEXT NOT NULL,
    idx     INTEGER NOT NULL,
    region  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, node_id)
) WITHOUT ROWID;
CREATE TRIGGER nodes_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM nodes WHERE run_id = old.id; END;

-- Transport totals per (source group, source region, destination group,
-- destination region): one row per pair that carried traffic.  Every sent
-- message ends delivered, dropped (by loss, partition or a crashed node) or
-- still in flight when the run ended (see v_net_links.in_flight_count).
-- Latency is send to delivery, over delivered messages only.
CREATE TABLE net_links (
    run_id                  INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    src_grp                 TEXT NOT NULL,
    src_region              TEXT NOT NULL DEFAULT '',
    dst_grp                 TEXT NOT NULL,
    dst_region              TEXT NOT NULL DEFAULT '',
    sent_count              INTEGER NOT NULL DEFAULT 0,
    delivered_count         INTEGER NOT NULL DEFAULT 0,
    dropped_loss_count      INTEGER NOT NULL DEFAULT 0,
    dropped_partition_count INTEGER NOT NULL DEFAULT 0,
    dropped_crash_count     INTEGER NOT NULL DEFAULT 0,
    sent_bytes              INTEGER NOT NULL DEFAULT 0,
    delivered_bytes         INTEGER NOT NULL DEFAULT 0,
    latency_sum_ns          INTEGER NOT NULL DEFAULT 0,
    latency_min_ns          INTEGER,      -- NULL when nothing was delivered
    latency_max_ns          INTEGER,
    PRIMARY KEY (run_id, src_grp, src_region, dst_grp, dst_region)
) WITHOUT ROWID;
CREATE TRIGGER net_links_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM net_links WHERE run_id = old.id; END;

-- Sampled individual messages.  seq is the transport's send sequence
-- within the run; src/dst are nodes.node_id.  recv_ns is NULL unless the
-- message was delivered.
CREATE TABLE net_deliveries (
    run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    src        INTEGER NOT NULL,
    dst        INTEGER NOT NULL,
    sent_ns    INTEGER NOT NULL,
    recv_ns    INTEGER,
    size_bytes INTEGER NOT NULL,
    outcome    TEXT NOT NULL
               CHECK (outcome IN ('delivered', 'dropped_loss', 'dropped_partition',
                                  'dropped_crash', 'in_flight')),
    CHECK ((outcome = 'delivered') = (recv_ns IS NOT NULL)),
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER net_deliveries_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM net_deliveries WHERE run_id = old.id; END;

-- Per run: the sampled messages and their latency in milliseconds.
-- (Percentiles come from C: analysis/ reads net_deliveries.)
CREATE VIEW v_net_latency AS
SELECT run_id,
       count(*)                                                    AS sampled_count,
       sum(outcome = 'delivered')                                  AS delivered_count,
       sum(outcome LIKE 'dropped%')                                AS dropped_count,
       avg(CASE WHEN outcome = 'delivered' THEN recv_ns - sent_ns END) / 1e6 AS mean_ms,
       min(CASE WHEN outcome = 'delivered' THEN recv_ns - sent_ns END) / 1e6 AS min_ms,
       max(CASE WHEN outcome = 'delivered' THEN recv_ns - sent_ns END) / 1e6 AS max_ms
FROM net_deliveries
GROUP BY run_id;

-- Per run and group pair (regions summed): traffic, loss and latency.
CREATE VIEW v_net_links AS
SELECT run_id,
       src_grp,
       dst_grp,
       sum(sent_count)                                             AS sent_count,
       sum(delivered_count)                                        AS delivered_count,
       sum(dropped_loss_count)                                     AS dropped_loss_count,
       sum(dropped_partition_count)                                AS dropped_partition_count,
       sum(dropped_crash_count)                                    AS dropped_crash_count,
       sum(sent_count) - sum(delivered_count) - sum(dropped_loss_count)
         - sum(dropped_partition_count) - sum(dropped_crash_count) AS in_flight_count,
       sum(sent_bytes)                                             AS sent_bytes,
       CASE WHEN sum(sent_count) > 0
            THEN 1.0 * (sum(sent_count) - sum(delivered_count)) / sum(sent_count) END
                                                                   AS undelivered_fraction,
       CASE WHEN sum(delivered_count) > 0
            THEN sum(latency_sum_ns) / 1e6 / sum(delivered_count) END AS mean_ms,
       min(latency_min_ns) / 1e6                                   AS min_ms,
       max(latency_max_ns) / 1e6                                   AS max_ms
FROM net_links
GROUP BY run_id, src_grp, dst_grp;

-- Per run and region pair (groups summed): where the latency comes from.
CREATE VIEW v_net_regions AS
SELECT run_id,
       src_region,
       dst_region,
       sum(sent_count)                                             AS sent_count,
       sum(delivered_count)                                        AS delivered_count,
       CASE WHEN sum(delivered_count) > 0
            THEN sum(latency_sum_ns) / 1e6 / sum(delivered_count) END AS mean_ms,
       min(latency_min_ns) / 1e6                                   AS min_ms,
       max(latency_max_ns) / 1e6                                   AS max_ms
FROM net_links
GROUP BY run_id, src_region, dst_region;
