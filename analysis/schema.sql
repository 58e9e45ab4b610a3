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

------------------------------------------------------------------------
-- Verifiers and consensus (models/verifier.c)  [block owned by the
-- verifier host; other models append their own blocks after it]
--
-- Heights, attestations and evidence are as the HONEST verifiers (those
-- with no Byzantine entry in the scenario) saw them; Byzantine verifiers
-- appear in `verifiers` only.  Block ids and roots are lower-case hex.
------------------------------------------------------------------------

-- One row per verifier: its stake-derived power, behaviour, and the
-- counters of its consensus core (xr_bft_stats) and of its host.
-- rejected_count: malformed, wrong chain, non-member, bad signature,
-- untracked round, wrong proposer, invalid block; late_count: messages for
-- a height already decided or too far ahead (normal stragglers mostly).
CREATE TABLE verifiers (
    run_id             INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    verifier           INTEGER NOT NULL,     -- index in the scenario (0-based)
    node_id            INTEGER NOT NULL,     -- nodes.node_id
    address            TEXT NOT NULL,        -- 20-byte address, hex
    power              INTEGER NOT NULL,     -- = stake in gwei
    behaviour          TEXT NOT NULL
                       CHECK (behaviour IN ('honest', 'crashed', 'silent', 'equivocating')),
    byz_from_ns        INTEGER,              -- Byzantine window; NULL when honest
    byz_until_ns       INTEGER,              -- NULL: to the end of the run
    final_height       INTEGER NOT NULL,     -- the core's height at the end
    commit_count       INTEGER NOT NULL,
    msgs_in_count      INTEGER NOT NULL,
    msgs_ok_count      INTEGER NOT NULL,
    rejected_count     INTEGER NOT NULL,
    late_count         INTEGER NOT NULL,
    duplicate_count    INTEGER NOT NULL,
    equivocation_count INTEGER NOT NULL,     -- conflicting signed pairs seen
    evidence_count     INTEGER NOT NULL,     -- evidence actions emitted
    approval_count     INTEGER NOT NULL,     -- attestations it approved
    round_count        INTEGER NOT NULL,     -- rounds started
    catchup_count      INTEGER NOT NULL,     -- catch-up replies sent
    sig_sign_count     INTEGER NOT NULL,     -- signatures made (CPU charged)
    sig_verify_count   INTEGER NOT NULL,     -- signatures checked (CPU charged)
    suppressed_count   INTEGER NOT NULL,     -- messages a silent verifier dropped
    twin_count         INTEGER NOT NULL,     -- conflicting twins an equivocator sent
    observed_count     INTEGER NOT NULL,     -- XBlocks its watcher saw
    attested_count     INTEGER NOT NULL,     -- of those, signed
    ext_rejected_count INTEGER NOT NULL,     -- attestation votes refused (bad, stale, pool full)
    future_dropped_count INTEGER NOT NULL,   -- next-height messages that did not fit the buffer
    att_dropped_count  INTEGER NOT NULL,     -- committed attestation votes the pool could not hold
    busy_ns            INTEGER NOT NULL,     -- simulated CPU time used
    PRIMARY KEY (run_id, verifier)
) WITHOUT ROWID;
CREATE TRIGGER verifiers_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM verifiers WHERE run_id = old.id; END;

-- One row per consensus height reached.  start_ns: the first honest
-- verifier entered the height; first/last_commit_ns: the first and last
-- honest commits; commit_count: honest verifiers that committed it;
-- approved_count: attestations approved by its commit.  The committed
-- columns are NULL for a height started but never committed.
CREATE TABLE consensus_heights (
    run_id          INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    height          INTEGER NOT NULL,
    proposer        INTEGER,                 -- verifiers.verifier of the block's proposer
    round           INTEGER,                 -- round it was decided in (0 = first)
    block_id        TEXT,
    vote_count      INTEGER,                 -- attestation votes the block carried
    start_ns        INTEGER,
    first_commit_ns INTEGER,
    last_commit_ns  INTEGER,
    time_to_commit_ns INTEGER,               -- first_commit_ns - start_ns
    commit_count    INTEGER NOT NULL DEFAULT 0,
    approved_count  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, height)
) WITHOUT ROWID;
CREATE TRIGGER consensus_heights_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM consensus_heights WHERE run_id = old.id; END;

-- One row per attestation (source chain, confirmation level, attest
-- offset) that was signed or approved.  first_vote_ns: the first verifier
-- signed it; approved_ns: the first honest verifier's approval; height:
-- the consensus height whose commit approved it; signed/total power and
-- signer_count as the approval carried them.
CREATE TABLE attestations (
    run_id         INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    chain_id       INTEGER NOT NULL,
    conf_level     INTEGER NOT NULL,         -- 1 latest, 4 finalized
    attest_offset  INTEGER NOT NULL,
    root           TEXT,                     -- approved attestation root; NULL if not approved
    vote_count     INTEGER NOT NULL,         -- verifiers that signed it
    first_vote_ns  INTEGER,
    approved_ns    INTEGER,
    height         INTEGER,
    signed_power   INTEGER,
    total_power    INTEGER,
    signer_count   INTEGER,
    approved_count INTEGER NOT NULL DEFAULT 0, -- honest verifiers that approved it
    PRIMARY KEY (run_id, chain_id, conf_level, attest_offset)
) WITHOUT ROWID;
CREATE TRIGGER attestations_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM attestations WHERE run_id = old.id; END;

-- One row per distinct piece of evidence (by its canonical encoding)
-- reported by honest verifiers.  duplicate_vote: two signed consensus
-- messages of one validator for the same height, round and type
-- (height/round/vote_type set); attest_conflict: two attestation roots for
-- one (chain, level, offset).
CREATE TABLE evidence (
    run_id            INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq               INTEGER NOT NULL,      -- order of first detection
    kind              TEXT NOT NULL CHECK (kind IN ('duplicate_vote', 'attest_conflict')),
    offender          INTEGER,               -- verifiers.verifier; NULL if not a verifier
    height            INTEGER,
    round             INTEGER,
    vote_type         TEXT,                  -- proposal / prevote / precommit
    first_detected_ns INTEGER NOT NULL,
    detector_count    INTEGER NOT NULL,      -- honest verifiers that reported it
    evidence_hash     TEXT NOT NULL,         -- keccak256 of the encoding, hex
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER evidence_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM evidence WHERE run_id = old.id; END;

-- Safety violations: an honest verifier committed a block other than the
-- first honest commit at that height.  Empty in a safe run.
CREATE TABLE consensus_conflicts (
    run_id         INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    height         INTEGER NOT NULL,
    verifier       INTEGER NOT NULL,
    block_id       TEXT NOT NULL,
    first_verifier INTEGER NOT NULL,
    first_block_id TEXT NOT NULL,
    at_ns          INTEGER NOT NULL,
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER consensus_conflicts_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM consensus_conflicts WHERE run_id = old.id; END;

-- One row per run with verifiers; percentiles are nearest-rank, computed
-- in C.  "Time per height" (height_*_ns) is the interval between the first
-- honest commits of consecutive heights (height 1: from the start);
-- commit_*_ns is height start -> first honest commit; approval_*_ns is
-- first vote -> approval; max_stall_ns is the longest time without a new
-- height, the end of the run included.
CREATE TABLE consensus_summary (
    run_id                      INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    verifier_count              INTEGER NOT NULL,
    byzantine_count             INTEGER NOT NULL,
    total_power                 INTEGER NOT NULL,
    byzantine_power             INTEGER NOT NULL,
    heights_committed_count     INTEGER NOT NULL,
    last_height                 INTEGER NOT NULL,
    height_p50_ns               INTEGER,
    height_p90_ns               INTEGER,
    height_p99_ns               INTEGER,
    height_max_ns               INTEGER,
    commit_p50_ns               INTEGER,
    commit_p99_ns               INTEGER,
    multi_round_count           INTEGER NOT NULL,   -- heights decided after round 0
    max_stall_ns                INTEGER NOT NULL,
    max_stall_from_ns           INTEGER NOT NULL,
    xblocks_observed_count      INTEGER NOT NULL,
    attestations_approved_count INTEGER NOT NULL,
    approval_p50_ns             INTEGER,
    approval_p99_ns             INTEGER,
    evidence_count              INTEGER NOT NULL,
    offender_count              INTEGER NOT NULL,
    conflict_count              INTEGER NOT NULL,   -- conflicting honest commits (safety)
    approval_conflict_count     INTEGER NOT NULL,
    sig_sign_count              INTEGER NOT NULL,
    sig_verify_count            INTEGER NOT NULL,
    actions_dropped_count       INTEGER NOT NULL
);
CREATE TRIGGER consensus_summary_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM consensus_summary WHERE run_id = old.id; END;

-- Per run: consensus in milliseconds, with a safety verdict.
CREATE VIEW v_consensus AS
SELECT s.run_id,
       r.scenario_name,
       r.seed,
       s.verifier_count,
       s.byzantine_count,
       round(1.0 * s.byzantine_power / s.total_power, 4)        AS byzantine_power_share,
       s.heights_committed_count,
       s.height_p50_ns / 1e6                                     AS height_p50_ms,
       s.height_p90_ns / 1e6                                     AS height_p90_ms,
       s.height_p99_ns / 1e6                                     AS height_p99_ms,
       s.height_max_ns / 1e6                                     AS height_max_ms,
       s.commit_p50_ns / 1e6                                     AS commit_p50_ms,
       s.max_stall_ns / 1e6                                      AS max_stall_ms,
       s.multi_round_count,
       s.attestations_approved_count,
       s.approval_p50_ns / 1e6                                   AS approval_p50_ms,
       s.approval_p99_ns / 1e6                                   AS approval_p99_ms,
       s.evidence_count,
       s.offender_count,
       s.conflict_count,
       CASE WHEN s.conflict_count = 0 AND s.approval_conflict_count = 0
            THEN 'safe' ELSE 'UNSAFE' END                        AS safety
FROM consensus_summary s JOIN runs r ON r.id = s.run_id
ORDER BY s.run_id;

-- Per run and evidence kind: who was caught, how fast, by how many.
CREATE VIEW v_evidence AS
SELECT run_id,
       kind,
       offender,
       count(*)                         AS evidence_count,
       min(first_detected_ns) / 1e6     AS first_detected_ms,
       max(detector_count)              AS max_detector_count
FROM evidence
GROUP BY run_id, kind, offender;
-- end of the verifiers and consensus block

------------------------------------------------------------------------
-- Chains, messages and submissions (models/l1, models/rollup,
-- models/workload; rows written by the world).  Chains are named by their
-- chain id; `chains` gives their names.  Wei amounts are int64: a value
-- above 2^63 - 1 wei (9.2 ETH) would wrap (see the header); fees and gas
-- prices of this model stay far below.
------------------------------------------------------------------------

-- The rollups of the run.
CREATE TABLE chains (
    run_id   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    chain_id INTEGER NOT NULL,
    name     TEXT NOT NULL,
    preset   TEXT NOT NULL,                -- 'op' | 'arbitrum' | 'zk'
    PRIMARY KEY (run_id, chain_id)
) WITHOUT ROWID;
CREATE TRIGGER chains_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM chains WHERE run_id = old.id; END;

-- One row per cross-chain message (an accepted xcall).  The source-side
-- columns are known when its XBlock reaches the requested level; the later
-- stages stay NULL until they happen (NULL at the end of the run: it did
-- not get that far).  Times are virtual ns since the start of the run.
CREATE TABLE messages (
    run_id          INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    msg_id          INTEGER NOT NULL,      -- world-unique, in emission order
    source_chain    INTEGER NOT NULL,
    dest_chain      INTEGER NOT NULL,
    level           TEXT NOT NULL CHECK (level IN ('latest', 'finalized')),
    shard           INTEGER NOT NULL,      -- the stream's shard id
    stream_offset   INTEGER NOT NULL,      -- offset in (source, dest, shard)
    size_bytes      INTEGER NOT NULL,
    gas_limit       INTEGER NOT NULL,
    fee_wei         INTEGER NOT NULL,      -- paid to the source portal
    value_gwei      INTEGER NOT NULL,      -- value the message carries
    emitted_ns      INTEGER NOT NULL,      -- the xcall
    source_height   INTEGER,               -- block that included it
    source_block_ns INTEGER,               -- that block's time (latest inclusion)
    attest_offset   INTEGER,               -- its XBlock's offset at its level
    source_level_ns INTEGER,               -- its XBlock reached the requested level
    first_vote_ns   INTEGER,               -- first verifier vote on that XBlock
    approved_ns     INTEGER,               -- attestation approved by quorum
    submitted_ns    INTEGER,               -- relayer sent the submission
    included_ns     INTEGER,               -- destination block included it
    executed_ns     INTEGER,               -- executed (receipt) at the destination
    gas_used        INTEGER,               -- its share of the submission's gas
    relayer         INTEGER,               -- relayer index
    dest_fee_wei    INTEGER,               -- gas_used x the destination's gas price (relayer's cost)
    PRIMARY KEY (run_id, msg_id)
) WITHOUT ROWID;
CREATE TRIGGER messages_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM messages WHERE run_id = old.id; END;

-- Every emitted XBlock.  A reorg at the latest level re-emits an offset:
-- version 0 is the first emission, 1, 2, ... the replacements; a version
-- later orphaned has orphaned = 1 and orphaned_ns set.
CREATE TABLE xblocks (
    run_id        INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    chain         INTEGER NOT NULL,
    level         TEXT NOT NULL CHECK (level IN ('latest', 'finalized')),
    attest_offset INTEGER NOT NULL,
    version       INTEGER NOT NULL DEFAULT 0,
    height        INTEGER NOT NULL,
    hash          BLOB NOT NULL CHECK (length(hash) = 32),
    root          BLOB NOT NULL CHECK (length(root) = 32),  -- attestation root
    msg_count     INTEGER NOT NULL,
    emitted_ns    INTEGER NOT NULL,        -- source block produced
    level_ns      INTEGER NOT NULL,        -- reached its level (emitted by the model)
    orphaned      INTEGER NOT NULL DEFAULT 0 CHECK (orphaned IN (0, 1)),
    orphaned_ns   INTEGER,
    CHECK ((orphaned = 1) = (orphaned_ns IS NOT NULL)),
    PRIMARY KEY (run_id, chain, level, attest_offset, version)
) WITHOUT ROWID;
CREATE TRIGGER xblocks_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM xblocks WHERE run_id = old.id; END;

-- Rollup batches on L1: posted, included, proved (zk), final.
CREATE TABLE batches (
    run_id        INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    chain         INTEGER NOT NULL,
    batch         INTEGER NOT NULL,        -- 1, 2, ... per chain
    first_height  INTEGER NOT NULL,
    last_height   INTEGER NOT NULL,
    posted_ns     INTEGER NOT NULL,
    included_ns   INTEGER,
    l1_slot       INTEGER,                 -- slot of the batch tx
    proved_ns     INTEGER,                 -- proof tx included (zk)
    final_ns      INTEGER,                 -- its blocks became final
    l1_fee_wei    INTEGER,                 -- batch + proof txs
    PRIMARY KEY (run_id, chain, batch)
) WITHOUT ROWID;
CREATE TRIGGER batches_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM batches WHERE run_id = old.id; END;

-- L1 blocks, sampled (every slot, or every n-th: the world decides).
CREATE TABLE l1_blocks (
    run_id       INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    slot         INTEGER NOT NULL,
    time_ns      INTEGER NOT NULL,
    base_fee_wei INTEGER NOT NULL,
    gas_used     INTEGER NOT NULL,
    sim_gas      INTEGER NOT NULL,         -- of which the simulation's txs
    tx_count     INTEGER NOT NULL,         -- the simulation's txs included
    missed       INTEGER NOT NULL DEFAULT 0 CHECK (missed IN (0, 1)),
    PRIMARY KEY (run_id, slot)
) WITHOUT ROWID;
CREATE TRIGGER l1_blocks_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM l1_blocks WHERE run_id = old.id; END;

-- Destination transactions of relayers, one row per included submission.
CREATE TABLE submissions (
    run_id        INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,        -- per run, in inclusion order
    relayer       INTEGER NOT NULL,
    dest_chain    INTEGER NOT NULL,
    source_chain  INTEGER,                 -- NULL: undecodable
    level         TEXT CHECK (level IN ('latest', 'finalized')),
    attest_offset INTEGER,
    msg_count     INTEGER NOT NULL DEFAULT 0, -- executed (0 when rejected)
    submitted_ns  INTEGER NOT NULL,
    included_ns   INTEGER NOT NULL,
    gas_limit     INTEGER NOT NULL,
    gas_used      INTEGER NOT NULL,
    gas_price_wei INTEGER NOT NULL,
    fee_wei       INTEGER NOT NULL,
    result        TEXT NOT NULL,           -- 'ok' or the XR_ERR_* name
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER submissions_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM submissions WHERE run_id = old.id; END;

-- Per message: how long each stage took, in ms (NULL where not reached).
CREATE VIEW v_message_stages AS
SELECT run_id,
       msg_id,
       source_chain,
       dest_chain,
       level,
       (source_block_ns - emitted_ns) / 1e6      AS source_inclusion_ms,
       (source_level_ns - source_block_ns) / 1e6 AS source_level_ms,
       (first_vote_ns - source_level_ns) / 1e6   AS first_vote_ms,
       (approved_ns - first_vote_ns) / 1e6       AS approval_ms,
       (submitted_ns - approved_ns) / 1e6        AS relay_ms,
       (included_ns - submitted_ns) / 1e6        AS dest_inclusion_ms,
       (executed_ns - emitted_ns) / 1e6          AS total_ms
FROM messages;
-- end of the chains, messages and submissions block

------------------------------------------------------------------------
-- Finality and cost: what designers read (views over messages)
------------------------------------------------------------------------

-- The measured window of each run: statistics count messages emitted at
-- or after warmup_ns (the same rule as the summary `xrsim run` prints).
CREATE TABLE run_window (
    run_id      INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    warmup_ns   INTEGER NOT NULL,
    duration_ns INTEGER NOT NULL
);
CREATE TRIGGER run_window_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM run_window WHERE run_id = old.id; END;

-- Finality (emitted -> executed at the destination) per run, route and
-- level: nearest-rank percentiles in seconds over executed messages
-- emitted after the warm-up; emitted_count counts every message emitted
-- after the warm-up, executed or not.
CREATE VIEW v_finality_route AS
WITH m AS (
    SELECT msg.run_id, msg.source_chain, msg.dest_chain, msg.level,
           msg.executed_ns - msg.emitted_ns AS lat_ns
    FROM messages msg JOIN run_window w ON w.run_id = msg.run_id
    WHERE msg.emitted_ns >= w.warmup_ns),
r AS (
    SELECT run_id, source_chain, dest_chain, level, lat_ns,
           ROW_NUMBER() OVER (PARTITION BY run_id, source_chain, dest_chain, level ORDER BY lat_ns NULLS LAST) AS rn,
           COUNT(lat_ns) OVER (PARTITION BY run_id, source_chain, dest_chain, level) AS n
    FROM m)
SELECT run_id, source_chain, dest_chain, level,
       COUNT(*)                                                   AS emitted_count,
       COUNT(lat_ns)                                              AS executed_count,
       MIN(CASE WHEN lat_ns IS NOT NULL AND rn >= (n * 50 + 99) / 100 THEN lat_ns END) / 1e9 AS p50_s,
       MIN(CASE WHEN lat_ns IS NOT NULL AND rn >= (n * 90 + 99) / 100 THEN lat_ns END) / 1e9 AS p90_s,
       MIN(CASE WHEN lat_ns IS NOT NULL AND rn >= (n * 99 + 99) / 100 THEN lat_ns END) / 1e9 AS p99_s,
       MAX(lat_ns) / 1e9                                          AS max_s
FROM r
GROUP BY run_id, source_chain, dest_chain, level;

-- The same per run and level (all routes together).
CREATE VIEW v_finality AS
WITH m AS (
    SELECT msg.run_id, msg.level, msg.executed_ns - msg.emitted_ns AS lat_ns,
           msg.gas_used, msg.dest_fee_wei
    FROM messages msg JOIN run_window w ON w.run_id = msg.run_id
    WHERE msg.emitted_ns >= w.warmup_ns),
r AS (
    SELECT run_id, level, lat_ns, gas_used, dest_fee_wei,
           ROW_NUMBER() OVER (PARTITION BY run_id, level ORDER BY lat_ns NULLS LAST) AS rn,
           COUNT(lat_ns) OVER (PARTITION BY run_id, level) AS n
    FROM m)
SELECT run_id, level,
       COUNT(*)                                                   AS emitted_count,
       COUNT(lat_ns)                                              AS executed_count,
       MIN(CASE WHEN lat_ns IS NOT NULL AND rn >= (n * 50 + 99) / 100 THEN lat_ns END) / 1e9 AS p50_s,
       MIN(CASE WHEN lat_ns IS NOT NULL AND rn >= (n * 90 + 99) / 100 THEN lat_ns END) / 1e9 AS p90_s,
       MIN(CASE WHEN lat_ns IS NOT NULL AND rn >= (n * 99 + 99) / 100 THEN lat_ns END) / 1e9 AS p99_s,
       MAX(lat_ns) / 1e9                                          AS max_s,
       AVG(gas_used)                                              AS gas_per_msg,
       AVG(dest_fee_wei) / 1e18                                   AS eth_per_msg
FROM r
GROUP BY run_id, level;

-- Which stage dominates: mean milliseconds per stage, per run and level.
CREATE VIEW v_stage_breakdown AS
SELECT s.run_id, s.level, COUNT(*) AS executed_count,
       AVG(source_inclusion_ms) AS source_inclusion_ms,
       AVG(source_level_ms)     AS source_level_ms,
       AVG(first_vote_ms)       AS first_vote_ms,
       AVG(approval_ms)         AS approval_ms,
       AVG(relay_ms)            AS relay_ms,
       AVG(dest_inclusion_ms)   AS dest_inclusion_ms,
       AVG(total_ms)            AS total_ms
FROM v_message_stages s
WHERE s.total_ms IS NOT NULL
GROUP BY s.run_id, s.level;

-- Cost per message against batch size (messages per submission) and the
-- validator-set size of the run.
CREATE VIEW v_cost_by_batch AS
SELECT sb.run_id,
       (SELECT COUNT(*) FROM verifiers v WHERE v.run_id = sb.run_id) AS validators,
       sb.msg_count                                   AS batch_msgs,
       COUNT(*)                                       AS submissions,
       AVG(sb.gas_used * 1.0 / sb.msg_count)          AS gas_per_msg,
       AVG(sb.fee_wei * 1.0 / sb.msg_count) / 1e18    AS eth_per_msg
FROM submissions sb
WHERE sb.result = 'ok' AND sb.msg_count > 0
GROUP BY sb.run_id, sb.msg_count;

-- Validator-set sync (models/valsync.h): one row per validator set of a
-- run, genesis included (epoch 0, created at 0, activation height 1).
-- created: the L1 epoch boundary that turned stake changes into the set;
-- emitted: its system XBlock on the consensus chain; approved: first
-- approval of that XBlock (signed by the previous set); staged: staged on
-- every verifier for activation_height; activated_ns: the first honest
-- verifier entered that height; active_ns: every core reported the set
-- (checked at L1 slots).  NULL: did not happen within the run.
CREATE TABLE valsets (
    run_id            INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    valset_id         INTEGER NOT NULL,
    epoch             INTEGER NOT NULL,
    member_count      INTEGER NOT NULL,
    total_power       INTEGER NOT NULL,
    created_ns        INTEGER NOT NULL,
    emitted_ns        INTEGER,
    approved_ns       INTEGER,
    staged_ns         INTEGER,
    activation_height INTEGER,
    activated_ns      INTEGER,
    active_ns         INTEGER,
    PRIMARY KEY (run_id, valset_id)
) WITHOUT ROWID;
CREATE TRIGGER valsets_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM valsets WHERE run_id = old.id; END;

-- When each portal installed each set (its system call executed there);
-- NULL: not within the run.
CREATE TABLE valset_installs (
    run_id       INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    valset_id    INTEGER NOT NULL,
    chain_id     INTEGER NOT NULL,
    installed_ns INTEGER,
    PRIMARY KEY (run_id, valset_id, chain_id)
) WITHOUT ROWID;
CREATE TRIGGER valset_installs_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM valset_installs WHERE run_id = old.id; END;

------------------------------------------------------------------------
-- Expectations (xrsim check; models/expect.h)
------------------------------------------------------------------------

-- One row per bound of a scenario's `expect:` section, evaluated on the
-- run `xrsim check` made (written in the run's transaction).  bound and
-- value are in the metric's unit: seconds (unit 's'), a count, a fraction
-- in [0, 1], or ETH.  value NULL: the run had no value for the metric (a
-- percentile over no executed message), which fails the bound.
CREATE TABLE expectations (
    run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,          -- order in the scenario (0-based)
    metric     TEXT NOT NULL,             -- e.g. 'fast.p99'
    bound_kind TEXT NOT NULL CHECK (bound_kind IN ('min', 'max')),
    bound      REAL NOT NULL,
    value      REAL,
    unit       TEXT NOT NULL CHECK (unit IN ('s', 'count', 'fraction', 'ETH')),
    passed     INTEGER NOT NULL CHECK (passed IN (0, 1)),
    PRIMARY KEY (run_id, idx)
) WITHOUT ROWID;
CREATE TRIGGER expectations_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM expectations WHERE run_id = old.id; END;

-- @version 2
-- Byzantine behaviours, the restaking contract, slashing and attack
-- economics (issue 6).

------------------------------------------------------------------------
-- Byzantine behaviours (models/verifier.c)
------------------------------------------------------------------------

-- BEGIN byzantine (models/verifier.c)
-- verifiers.behaviour becomes the comma-separated list of a verifier's
-- Byzantine behaviours in a fixed order (crashed, silent, equivocating,
-- delayed, conflicting_attestations, censor, lazy, forge), e.g.
-- 'silent,delayed', or 'honest'; byz_from_ns / byz_until_ns span the union
-- of its entries' windows.  The table is rebuilt as SQLite documents for a
-- changed CHECK (new table, copy, drop, rename), with the trigger and the
-- view that read it dropped first and recreated after.
DROP VIEW v_cost_by_batch;
DROP TRIGGER verifiers_on_run_delete;
CREATE TABLE verifiers_v2 (
    run_id             INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    verifier           INTEGER NOT NULL,     -- index in the scenario (0-based)
    node_id            INTEGER NOT NULL,     -- nodes.node_id
    address            TEXT NOT NULL,        -- 20-byte address, hex
    power              INTEGER NOT NULL,     -- = stake in gwei
    behaviour          TEXT NOT NULL         -- 'honest' or e.g. 'silent,delayed'
                       CHECK (behaviour = 'honest' OR
                              replace(replace(replace(replace(replace(replace(replace(replace(
                                  ',' || behaviour || ',',
                                  ',crashed,', ','), ',silent,', ','), ',equivocating,', ','),
                                  ',delayed,', ','), ',conflicting_attestations,', ','),
                                  ',censor,', ','), ',lazy,', ','), ',forge,', ',') = ','),
    byz_from_ns        INTEGER,              -- earliest entry window start; NULL when honest
    byz_until_ns       INTEGER,              -- latest window end; NULL: to the end of the run
    final_height       INTEGER NOT NULL,     -- the core's height at the end
    commit_count       INTEGER NOT NULL,
    msgs_in_count      INTEGER NOT NULL,
    msgs_ok_count      INTEGER NOT NULL,
    rejected_count     INTEGER NOT NULL,
    late_count         INTEGER NOT NULL,
    duplicate_count    INTEGER NOT NULL,
    equivocation_count INTEGER NOT NULL,     -- conflicting signed pairs seen
    evidence_count     INTEGER NOT NULL,     -- evidence actions emitted
    approval_count     INTEGER NOT NULL,     -- attestations it approved
    round_count        INTEGER NOT NULL,     -- rounds started
    catchup_count      INTEGER NOT NULL,     -- catch-up replies sent
    sig_sign_count     INTEGER NOT NULL,     -- signatures made (CPU charged)
    sig_verify_count   INTEGER NOT NULL,     -- signatures checked (CPU charged)
    suppressed_count   INTEGER NOT NULL,     -- messages a silent verifier dropped
    twin_count         INTEGER NOT NULL,     -- twins sent (equivocating, conflicting_attestations)
    observed_count     INTEGER NOT NULL,     -- XBlocks its watcher saw
    attested_count     INTEGER NOT NULL,     -- of those, signed
    ext_rejected_count INTEGER NOT NULL,     -- attestation votes refused (bad, stale, pool full)
    future_dropped_count INTEGER NOT NULL,   -- next-height messages that did not fit the buffer
    att_dropped_count  INTEGER NOT NULL,     -- committed attestation votes the pool could not hold
    busy_ns            INTEGER NOT NULL,     -- simulated CPU time used
    PRIMARY KEY (run_id, verifier)
) WITHOUT ROWID;
INSERT INTO verifiers_v2 SELECT * FROM verifiers;
DROP TABLE verifiers;
ALTER TABLE verifiers_v2 RENAME TO verifiers;
CREATE TRIGGER verifiers_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM verifiers WHERE run_id = old.id; END;
-- (unchanged from version 1)
CREATE VIEW v_cost_by_batch AS
SELECT sb.run_id,
       (SELECT COUNT(*) FROM verifiers v WHERE v.run_id = sb.run_id) AS validators,
       sb.msg_count                                   AS batch_msgs,
       COUNT(*)                                       AS submissions,
       AVG(sb.gas_used * 1.0 / sb.msg_count)          AS gas_per_msg,
       AVG(sb.fee_wei * 1.0 / sb.msg_count) / 1e18    AS eth_per_msg
FROM submissions sb
WHERE sb.result = 'ok' AND sb.msg_count > 0
GROUP BY sb.run_id, sb.msg_count;

-- One row per (verifier, Byzantine entry): a verifier in several entries
-- has several rows; a stake_fraction entry has one row per verifier of the
-- prefix it chose, so the chosen indices are here.  target: the verifier
-- index (target_kind 'verifiers') or the fraction a/b; trigger: 'always' or
-- e.g. 'from 30s until 60s; probability 1/2; heights 5,7-9; rounds 0';
-- params: reveal=..., delay_ns=..., chain=... or route=from->to.  Counters
-- (what this entry made the verifier do): draw_count / fired_count:
-- probability draws made / that fired; suppressed_count: messages dropped
-- (silent, per recipient); twin_count: twins sent; delayed_count: messages
-- sent late (per recipient); withheld_count: attestation signatures
-- withheld (censor); conflicting_vote_count: conflicting attestation votes
-- signed; lazy_sign_count: provisional XBlocks signed; forged_sign_count:
-- forged XBlocks signed.
CREATE TABLE byzantine (
    run_id                 INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    verifier               INTEGER NOT NULL,  -- verifiers.verifier
    entry                  INTEGER NOT NULL,  -- index in verifiers.byzantine (0-based)
    behaviour              TEXT NOT NULL
                           CHECK (behaviour IN ('crashed', 'silent', 'equivocating', 'delayed',
                                                'conflicting_attestations', 'censor', 'lazy',
                                                'forge')),
    target_kind            TEXT NOT NULL CHECK (target_kind IN ('verifiers', 'stake_fraction')),
    target                 TEXT NOT NULL,
    trigger                TEXT NOT NULL,
    from_ns                INTEGER NOT NULL,
    until_ns               INTEGER,           -- NULL: to the end of the run
    probability            REAL,              -- NULL: every action
    params                 TEXT,
    draw_count             INTEGER NOT NULL,
    fired_count            INTEGER NOT NULL,
    suppressed_count       INTEGER NOT NULL,
    twin_count             INTEGER NOT NULL,
    delayed_count          INTEGER NOT NULL,
    withheld_count         INTEGER NOT NULL,
    conflicting_vote_count INTEGER NOT NULL,
    lazy_sign_count        INTEGER NOT NULL,
    forged_sign_count      INTEGER NOT NULL,
    PRIMARY KEY (run_id, verifier, entry)
) WITHOUT ROWID;
CREATE TRIGGER byzantine_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM byzantine WHERE run_id = old.id; END;

-- Per run and behaviour: the verifiers it targeted and what they did
-- (runs without Byzantine entries have no rows).
CREATE VIEW v_byzantine AS
SELECT run_id,
       behaviour,
       count(*)                    AS verifier_count,
       group_concat(verifier, ',') AS verifiers,
       sum(fired_count)            AS fired_count,
       sum(suppressed_count)       AS suppressed_count,
       sum(twin_count)             AS twin_count,
       sum(delayed_count)          AS delayed_count,
       sum(withheld_count)         AS withheld_count,
       sum(conflicting_vote_count) AS conflicting_vote_count,
       sum(lazy_sign_count)        AS lazy_sign_count,
       sum(forged_sign_count)      AS forged_sign_count
FROM (SELECT * FROM byzantine ORDER BY run_id, behaviour, verifier)
GROUP BY run_id, behaviour;
-- END byzantine

------------------------------------------------------------------------
-- Restaking, offences and slashing, attack economics (models/restaking.c,
-- models/adversary.c)
------------------------------------------------------------------------

-- BEGIN restaking (models/restaking.c)

-- One row per offence the watchers found (models/restaking.h has the
-- steps).  kind: 'double_vote' (consensus), 'conflicting_attestations'
-- (two roots for one (chain, level, offset)), 'false_attestation' (a root
-- that contradicts the final source chain).  Times are NULL until they
-- happen.  outcome: 'slashed'; 'withdrawn' (executed but nothing was left:
-- the stake left the queue in time); 'already_slashed' (nothing left: an
-- earlier offence of the same operator took it); 'vetoed'; 'rejected' (the contract's
-- check failed -- reason holds the core's error); 'duplicate' (the same
-- offence was already requested); 'pending' (the run ended first);
-- 'not_provable' (a false attestation detected, but its source block was not
-- final on L1 by the end of the run: no evidence could be built).
CREATE TABLE offences (
    run_id           INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq              INTEGER NOT NULL,      -- in detection order
    kind             TEXT NOT NULL
                     CHECK (kind IN ('double_vote', 'conflicting_attestations', 'false_attestation')),
    offender         INTEGER NOT NULL,      -- verifiers.verifier
    committed_ns     INTEGER,               -- the offending signature (height start / XBlock emitted)
    detected_ns      INTEGER,               -- first honest detection
    provable_ns      INTEGER,               -- provable on L1 (source block final, for false_attestation)
    submitted_ns     INTEGER,               -- evidence tx sent
    included_ns      INTEGER,               -- evidence tx included on L1 (request opened)
    executable_ns    INTEGER,               -- included + veto window
    executed_ns      INTEGER,               -- executed or vetoed
    slashed_gwei     INTEGER NOT NULL,
    evidence_fee_wei INTEGER NOT NULL,      -- L1 fee of the evidence tx (0 before inclusion)
    outcome          TEXT NOT NULL
                     CHECK (outcome IN ('pending', 'slashed', 'withdrawn', 'already_slashed', 'vetoed',
                                        'rejected', 'duplicate', 'not_provable')),
    reason           TEXT,                  -- rejected: the XR_ERR_* name
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER offences_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM offences WHERE run_id = old.id; END;

-- One row per queued withdrawal (stake changes down, coalitions leaving).
-- paid_gwei < amount_gwei when it was slashed while queued.
CREATE TABLE withdrawals (
    run_id         INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    verifier       INTEGER NOT NULL,
    amount_gwei    INTEGER NOT NULL,
    queued_ns      INTEGER NOT NULL,
    completable_ns INTEGER NOT NULL,
    completed_ns   INTEGER,                 -- NULL: still queued at the end
    paid_gwei      INTEGER,
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER withdrawals_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM withdrawals WHERE run_id = old.id; END;

-- The contract's ledger at the end of the run: deposited = active +
-- queued + withdrawn + slashed, exactly (gwei).
CREATE TABLE restaking_summary (
    run_id              INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    deposited_gwei      INTEGER NOT NULL,
    active_gwei         INTEGER NOT NULL,
    queued_gwei         INTEGER NOT NULL,
    withdrawn_gwei      INTEGER NOT NULL,
    slashed_gwei        INTEGER NOT NULL,
    offence_count       INTEGER NOT NULL,
    slashed_count       INTEGER NOT NULL,   -- offences that slashed something
    withdrawal_delay_ns INTEGER NOT NULL,
    veto_window_ns      INTEGER NOT NULL,
    slash_fraction      REAL NOT NULL
);
CREATE TRIGGER restaking_summary_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM restaking_summary WHERE run_id = old.id; END;

-- One row per coalition of the scenario's `adversary:` section: who, what
-- it did, and what it earned.  Amounts in gwei (signed where they can be
-- negative).  stake is the members' voting stake (what is delegated to
-- them); own_stake the part their operators put up themselves
-- (restaking.operator_share) -- the rest belongs to delegators, who lose
-- with them but are not in the coalition.  slashed is the members' own
-- stake slashed; delegators_slashed their delegators'.
-- pnl = value_extracted + payment - slashed - gas - bribes;
-- cost_of_corruption = own stake x slash fraction + bribes;
-- profit_from_corruption = value_extracted + payment.
CREATE TABLE coalitions (
    run_id                      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    coalition                   INTEGER NOT NULL,  -- order in the scenario
    name                        TEXT NOT NULL,
    attack                      TEXT NOT NULL CHECK (attack IN ('forge', 'censor', 'none')),
    members                     TEXT NOT NULL,     -- verifier indices, comma-separated
    member_count                INTEGER NOT NULL,
    stake_gwei                  INTEGER NOT NULL,  -- voting stake at genesis
    stake_fraction              REAL NOT NULL,     -- of all genesis stake
    own_stake_gwei              INTEGER NOT NULL,  -- of that, the operators' own
    acted_ns                    INTEGER,           -- the attack's first action
    withdraw_queued_ns          INTEGER,           -- last member's withdrawal queued (its L1 tx included); NULL: stayed
    withdraw_completed_ns       INTEGER,           -- last member's completion
    forged_msg_count            INTEGER NOT NULL,  -- forged messages put in XBlocks
    forged_approved_count       INTEGER NOT NULL,  -- of those, in an approved (forged) root
    forged_executed_count       INTEGER NOT NULL,  -- executed at their destination
    value_extracted_gwei        INTEGER NOT NULL,  -- value of forged messages executed
    censored_msg_count          INTEGER NOT NULL,  -- messages of the censored route delayed beyond the bound
    censored_value_gwei         INTEGER NOT NULL,
    slashed_gwei                INTEGER NOT NULL,  -- the members' own stake slashed
    delegators_slashed_gwei     INTEGER NOT NULL,  -- their delegators' stake slashed
    gas_wei                     INTEGER NOT NULL,  -- the colluding relayer's destination gas
    bribes_gwei                 INTEGER NOT NULL,
    payment_gwei                INTEGER NOT NULL,
    pnl_gwei                    INTEGER NOT NULL,
    cost_of_corruption_gwei     INTEGER NOT NULL,
    profit_from_corruption_gwei INTEGER NOT NULL,
    profitable                  INTEGER NOT NULL CHECK (profitable IN (0, 1)),
    PRIMARY KEY (run_id, coalition)
) WITHOUT ROWID;
CREATE TRIGGER coalitions_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM coalitions WHERE run_id = old.id; END;

-- The verdicts of one run: what went wrong, if anything.
CREATE TABLE verdicts (
    run_id                 INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    forged_executed_count  INTEGER NOT NULL,
    forged_value_gwei      INTEGER NOT NULL,
    conflicting_commits    INTEGER NOT NULL,   -- honest commits differing at a height
    longest_stall_ns       INTEGER NOT NULL,   -- longest time without a new consensus height
    delay_bound_ns         INTEGER NOT NULL,   -- adversary.delay_bound (fast messages)
    finalized_delay_bound_ns INTEGER NOT NULL, -- adversary.finalized_delay_bound
    delayed_msg_count      INTEGER NOT NULL,   -- emitted after warm-up, not executed within their level's bound
    unsafe                 INTEGER NOT NULL CHECK (unsafe IN (0, 1)),   -- forged executed or conflicting commits
    stalled                INTEGER NOT NULL CHECK (stalled IN (0, 1))   -- a stall or a delayed message
);
CREATE TRIGGER verdicts_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM verdicts WHERE run_id = old.id; END;

-- Offences with their delays spelled out, in seconds.
CREATE VIEW v_offences AS
SELECT o.run_id, r.scenario_name AS scenario, r.seed, o.seq, o.kind, o.offender, o.outcome, o.reason,
       o.slashed_gwei / 1e9 AS slashed_eth,
       (o.detected_ns - o.committed_ns) / 1e9 AS detect_s,
       (o.included_ns - o.committed_ns) / 1e9 AS include_s,
       (o.executed_ns - o.committed_ns) / 1e9 AS execute_s
FROM offences o JOIN runs r ON r.id = o.run_id;

-- The economist's view: one row per (run, coalition) with the run's
-- parameters (params_json: the swept keys among them) and ETH amounts.
CREATE VIEW v_attack_economics AS
SELECT c.run_id, r.scenario_name AS scenario, r.seed, r.params_json, c.coalition, c.name, c.attack,
       c.member_count, c.stake_fraction, rs.withdrawal_delay_ns / 1e9 AS withdrawal_delay_s,
       rs.veto_window_ns / 1e9 AS veto_window_s,
       c.forged_executed_count, c.value_extracted_gwei / 1e9 AS value_extracted_eth,
       c.own_stake_gwei / 1e9 AS own_stake_eth,
       c.slashed_gwei / 1e9 AS slashed_eth, c.delegators_slashed_gwei / 1e9 AS delegators_slashed_eth,
       c.gas_wei / 1e18 AS gas_eth,
       c.bribes_gwei / 1e9 AS bribes_eth, c.payment_gwei / 1e9 AS payment_eth,
       c.pnl_gwei / 1e9 AS pnl_eth, c.cost_of_corruption_gwei / 1e9 AS cost_of_corruption_eth,
       c.profit_from_corruption_gwei / 1e9 AS profit_from_corruption_eth, c.profitable,
       (c.withdraw_completed_ns IS NOT NULL AND c.slashed_gwei = 0) AS escaped
FROM coalitions c JOIN runs r ON r.id = c.run_id
LEFT JOIN restaking_summary rs ON rs.run_id = c.run_id;
-- END restaking

-- @version 3
-- Verification approaches side by side (issue 15; models/approaches/,
-- models/world/verification.c).

-- BEGIN approaches
-- messages: the approach's stages.  Under restaked, external and
-- external_native_stake the world's path is the approach's (verified_ns =
-- executed_ns, cost_wei = dest_fee_wei).  Under native, local and optimistic
-- the destination side is the approach's rule applied to the simulated
-- source-side stages: the committee's columns (first_vote_ns .. included_ns,
-- relayer, gas_used, dest_fee_wei) are NULL, and executed_ns is the rule's
-- execution time -- which may lie beyond the run's end (native from an
-- optimistic rollup: the batch's L1 inclusion + the challenge period).
-- Rows of runs recorded before version 3 have NULL in all four.
ALTER TABLE messages ADD COLUMN settled_ns INTEGER;  -- native: source state settled on L1; optimistic: root posted at the destination; local: the lock reached its level
ALTER TABLE messages ADD COLUMN verified_ns INTEGER; -- the destination may act on it
ALTER TABLE messages ADD COLUMN supported INTEGER;   -- 0: the approach cannot carry it (local: a call)
ALTER TABLE messages ADD COLUMN cost_wei INTEGER;    -- its cost on every chain (NULL: not executed)

-- One row per run with rollups: the approach and what it measured.  Counts
-- and percentiles over messages emitted after the warm-up; latency is
-- emitted -> executed (the approach's), nearest rank, NULL when none
-- executed.  cost_of_corruption / extractable / profit are NULL when nothing
-- can be corrupted (local).  extractable = value_rate x window, profit =
-- extractable - cost_of_corruption.  forged_executed / slashed_value: what
-- this run's forging coalition (if any) got executed and what slashing or a
-- lost bond took, in ETH value (native stake: after the price drop).
CREATE TABLE approach_runs (
    run_id                   INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    approach                 TEXT NOT NULL
                             CHECK (approach IN ('restaked', 'native', 'local', 'optimistic', 'external',
                                                 'external_native_stake')),
    emitted_count            INTEGER NOT NULL,
    supported_count          INTEGER NOT NULL,   -- of those, the approach can carry
    executed_count           INTEGER NOT NULL,
    latest_executed_count    INTEGER NOT NULL,
    latest_p50_ns            INTEGER,
    latest_p99_ns            INTEGER,
    finalized_executed_count INTEGER NOT NULL,
    finalized_p50_ns         INTEGER,
    finalized_p99_ns         INTEGER,
    cost_per_msg_wei         REAL,               -- mean over executed messages
    corruptible              INTEGER NOT NULL CHECK (corruptible IN (0, 1)),
    cost_of_corruption_gwei  INTEGER,
    window_ns                INTEGER NOT NULL,   -- a forgery's exposure before it can be stopped
    extractable_gwei         INTEGER,
    profit_gwei              INTEGER,
    value_rate_gwei_per_s    REAL NOT NULL,      -- value of carried messages per second
    forge_attempted          INTEGER NOT NULL CHECK (forge_attempted IN (0, 1)),
    forged_executed_gwei     INTEGER NOT NULL,
    slashed_value_gwei       INTEGER NOT NULL,
    watchers_live            INTEGER NOT NULL,   -- optimistic: live watchers this run
    committee_size           INTEGER NOT NULL,
    committee_needed         INTEGER NOT NULL,   -- fewest (cheapest) members above the quorum
    quorum_stake_gwei        INTEGER NOT NULL
);
CREATE TRIGGER approach_runs_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM approach_runs WHERE run_id = old.id; END;

-- The seed's table, one row per run: latency, cost, cost of and profit from
-- corruption, generality (the share of messages it can carry).
CREATE VIEW v_approaches AS
SELECT a.run_id, r.scenario_name AS scenario, r.seed, a.approach,
       a.latest_p50_ns / 1e9 AS latest_p50_s, a.latest_p99_ns / 1e9 AS latest_p99_s,
       a.finalized_p50_ns / 1e9 AS finalized_p50_s, a.finalized_p99_ns / 1e9 AS finalized_p99_s,
       a.cost_per_msg_wei / 1e18 AS cost_per_msg_eth,
       a.cost_of_corruption_gwei / 1e9 AS cost_of_corruption_eth,
       a.window_ns / 1e9 AS window_s,
       a.extractable_gwei / 1e9 AS extractable_eth,
       a.profit_gwei / 1e9 AS profit_from_corruption_eth,
       CASE WHEN a.emitted_count > 0 THEN a.supported_count * 1.0 / a.emitted_count END AS generality,
       a.forged_executed_gwei / 1e9 AS forged_executed_eth,
       a.slashed_value_gwei / 1e9 AS slashed_value_eth
FROM approach_runs a JOIN runs r ON r.id = a.run_id;
-- END approaches

-- @version 4
-- A Byzantine behaviour is one file and one line in the table of
-- models/verifiers/byzantine/registry.c (issue 16): the table names the
-- behaviours (no CHECK here), and each behaviour names what it counts, one
-- row per counter in byzantine_counters.  Rows of earlier runs move over:
-- their per-behaviour columns become counter rows.

-- BEGIN byzantine v4 (models/verifiers/byzantine/)
DROP VIEW v_byzantine;

-- One row per (verifier, Byzantine entry) and counter its behaviour names:
-- silent 'suppressed' (messages dropped, per recipient); equivocating
-- 'twin' (twin messages sent); delayed 'delayed' (messages sent late, per
-- recipient); conflicting_attestations 'twin' and 'conflicting_vote';
-- censor 'withheld' (attestation signatures); lazy 'lazy_sign'
-- (provisional XBlocks signed); forge 'forged_sign'; partial 'skipped'
-- (XBlocks not signed).  The behaviour files say what each counts.
CREATE TABLE byzantine_counters (
    run_id   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    verifier INTEGER NOT NULL,            -- byzantine.verifier
    entry    INTEGER NOT NULL,            -- byzantine.entry
    counter  TEXT NOT NULL,
    value    INTEGER NOT NULL,
    PRIMARY KEY (run_id, verifier, entry, counter)
) WITHOUT ROWID;
CREATE TRIGGER byzantine_counters_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM byzantine_counters WHERE run_id = old.id; END;

INSERT INTO byzantine_counters
SELECT run_id, verifier, entry, 'suppressed', suppressed_count FROM byzantine WHERE behaviour = 'silent'
UNION ALL
SELECT run_id, verifier, entry, 'twin', twin_count FROM byzantine
 WHERE behaviour IN ('equivocating', 'conflicting_attestations')
UNION ALL
SELECT run_id, verifier, entry, 'delayed', delayed_count FROM byzantine WHERE behaviour = 'delayed'
UNION ALL
SELECT run_id, verifier, entry, 'conflicting_vote', conflicting_vote_count FROM byzantine
 WHERE behaviour = 'conflicting_attestations'
UNION ALL
SELECT run_id, verifier, entry, 'withheld', withheld_count FROM byzantine WHERE behaviour = 'censor'
UNION ALL
SELECT run_id, verifier, entry, 'lazy_sign', lazy_sign_count FROM byzantine WHERE behaviour = 'lazy'
UNION ALL
SELECT run_id, verifier, entry, 'forged_sign', forged_sign_count FROM byzantine WHERE behaviour = 'forge';

-- One row per (verifier, Byzantine entry): what it is, its trigger's draws.
CREATE TABLE byzantine_v4 (
    run_id        INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    verifier      INTEGER NOT NULL,       -- verifiers.verifier
    entry         INTEGER NOT NULL,       -- index in verifiers.byzantine (0-based)
    behaviour     TEXT NOT NULL,          -- a name in models/verifiers/byzantine/registry.c
    target_kind   TEXT NOT NULL CHECK (target_kind IN ('verifiers', 'stake_fraction')),
    target        TEXT NOT NULL,
    trigger       TEXT NOT NULL,
    from_ns       INTEGER NOT NULL,
    until_ns      INTEGER,                -- NULL: to the end of the run
    probability   REAL,                   -- NULL: every action
    params        TEXT,                   -- the behaviour's own keys, e.g. 'delay_ns=2000000000'
    draw_count    INTEGER NOT NULL,
    fired_count   INTEGER NOT NULL,
    PRIMARY KEY (run_id, verifier, entry)
) WITHOUT ROWID;
INSERT INTO byzantine_v4
SELECT run_id, verifier, entry, behaviour, target_kind, target, trigger, from_ns, until_ns, probability,
       params, draw_count, fired_count
FROM byzantine;
DROP TRIGGER byzantine_on_run_delete;
DROP TABLE byzantine;
ALTER TABLE byzantine_v4 RENAME TO byzantine;
CREATE TRIGGER byzantine_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM byzantine WHERE run_id = old.id; END;

-- Per run and behaviour: the verifiers it targeted and how often it fired.
CREATE VIEW v_byzantine AS
SELECT run_id,
       behaviour,
       count(*)                    AS verifier_count,
       group_concat(verifier, ',') AS verifiers,
       sum(draw_count)             AS draw_count,
       sum(fired_count)            AS fired_count
FROM (SELECT * FROM byzantine ORDER BY run_id, behaviour, verifier)
GROUP BY run_id, behaviour;

-- Per run, behaviour and counter: the total over its (verifier, entry) pairs.
CREATE VIEW v_byzantine_counters AS
SELECT b.run_id, b.behaviour, c.counter, sum(c.value) AS value
FROM byzantine b JOIN byzantine_counters c
  ON c.run_id = b.run_id AND c.verifier = b.verifier AND c.entry = b.entry
GROUP BY b.run_id, b.behaviour, c.counter;
-- END byzantine v4

-- @version 5

-- The protocol profile a run simulated (models/world/profile.h):
-- 'restaked' (ETH restaked through EigenLayer, with slashing) or
-- 'omni-mainnet' (native staking, no slashing).  Runs recorded before
-- version 3 have no row.
CREATE TABLE run_profile (
    run_id   INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    profile  TEXT NOT NULL
);
CREATE TRIGGER run_profile_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM run_profile WHERE run_id = old.id; END;

-- Actual power, not the requested fraction: a coalition given as
-- stake_fraction takes the smallest prefix of verifiers holding at least
-- that much (0.6 of 10 equal verifiers is really 0.7).  One row per
-- coalition: requested_fraction what the scenario asked (NULL when members
-- were listed); genesis_power_share the members' actual share of the
-- genesis power (= coalitions.stake_fraction); acting_power_share their
-- share of the validator set in force when the coalition acted (NULL: it
-- never acted).
CREATE TABLE coalition_power (
    run_id              INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    coalition           INTEGER NOT NULL,
    requested_fraction  REAL,
    genesis_power_share REAL NOT NULL,
    acting_power_share  REAL,
    PRIMARY KEY (run_id, coalition)
) WITHOUT ROWID;
CREATE TRIGGER coalition_power_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM coalition_power WHERE run_id = old.id; END;

-- Verdicts that do not hide stalls: an attestation stream (source chain,
-- level) that approves nothing for longer than adversary.stall_bound while
-- an XBlock waits is a stall (one row each in attestation_stalls) and makes
-- the run's verdicts.stalled 1 even when every message executed within
-- delay_bound in the end.  One row per run with rollups.
CREATE TABLE stall_verdicts (
    run_id                       INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    attestation_stall_count      INTEGER NOT NULL,
    longest_attestation_stall_ns INTEGER NOT NULL,   -- 0: none
    stall_bound_ns               INTEGER NOT NULL
);
CREATE TRIGGER stall_verdicts_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM stall_verdicts WHERE run_id = old.id; END;

-- One row per attestation stall (models/economics/adversary.h): the stream
-- waited from start_ns to end_ns (NULL: still stalled when the run ended;
-- length_ns then runs to the end) over attest offsets first..last.
CREATE TABLE attestation_stalls (
    run_id        INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    source_chain  INTEGER NOT NULL,
    level         TEXT NOT NULL CHECK (level IN ('latest', 'finalized')),
    start_ns      INTEGER NOT NULL,
    end_ns        INTEGER,
    length_ns     INTEGER NOT NULL,
    first_offset  INTEGER NOT NULL,
    last_offset   INTEGER NOT NULL,
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER attestation_stalls_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM attestation_stalls WHERE run_id = old.id; END;

DROP VIEW v_attack_economics;
CREATE VIEW v_attack_economics AS
SELECT c.run_id, r.scenario_name AS scenario, r.seed, r.params_json, rp.profile,
       c.coalition, c.name, c.attack,
       c.member_count, c.stake_fraction, cp.requested_fraction, cp.genesis_power_share,
       cp.acting_power_share, rs.withdrawal_delay_ns / 1e9 AS withdrawal_delay_s,
       rs.veto_window_ns / 1e9 AS veto_window_s,
       c.forged_executed_count, c.value_extracted_gwei / 1e9 AS value_extracted_eth,
       c.own_stake_gwei / 1e9 AS own_stake_eth,
       c.slashed_gwei / 1e9 AS slashed_eth, c.delegators_slashed_gwei / 1e9 AS delegators_slashed_eth,
       c.gas_wei / 1e18 AS gas_eth,
       c.bribes_gwei / 1e9 AS bribes_eth, c.payment_gwei / 1e9 AS payment_eth,
       c.pnl_gwei / 1e9 AS pnl_eth, c.cost_of_corruption_gwei / 1e9 AS cost_of_corruption_eth,
       c.profit_from_corruption_gwei / 1e9 AS profit_from_corruption_eth, c.profitable,
       (c.withdraw_completed_ns IS NOT NULL AND c.slashed_gwei = 0) AS escaped
FROM coalitions c JOIN runs r ON r.id = c.run_id
LEFT JOIN run_profile rp ON rp.run_id = c.run_id
LEFT JOIN coalition_power cp ON cp.run_id = c.run_id AND cp.coalition = c.coalition
LEFT JOIN restaking_summary rs ON rs.run_id = c.run_id;

-- @version 6
-- The L1 data fee a rollup charges a destination transaction for posting
-- its calldata to L1 (OP Stack Ecotone, Arbitrum's poster fee; none on zk
-- presets): per submission, and each executed message's share of it.
-- Cost per message in the views is now execution + L1 data.
ALTER TABLE submissions ADD COLUMN l1_fee_wei INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN dest_l1_fee_wei INTEGER;  -- its share of its submission's L1 data fee

DROP VIEW v_finality;
CREATE VIEW v_finality AS
WITH m AS (
    SELECT msg.run_id, msg.level, msg.executed_ns - msg.emitted_ns AS lat_ns,
           msg.gas_used, msg.dest_fee_wei, msg.dest_l1_fee_wei
    FROM messages msg JOIN run_window w ON w.run_id = msg.run_id
    WHERE msg.emitted_ns >= w.warmup_ns),
r AS (
    SELECT run_id, level, lat_ns, gas_used, dest_fee_wei, dest_l1_fee_wei,
           ROW_NUMBER() OVER (PARTITION BY run_id, level ORDER BY lat_ns NULLS LAST) AS rn,
           COUNT(lat_ns) OVER (PARTITION BY run_id, level) AS n
    FROM m)
SELECT run_id, level,
       COUNT(*)                                                   AS emitted_count,
       COUNT(lat_ns)                                              AS executed_count,
       MIN(CASE WHEN lat_ns IS NOT NULL AND rn >= (n * 50 + 99) / 100 THEN lat_ns END) / 1e9 AS p50_s,
       MIN(CASE WHEN lat_ns IS NOT NULL AND rn >= (n * 90 + 99) / 100 THEN lat_ns END) / 1e9 AS p90_s,
       MIN(CASE WHEN lat_ns IS NOT NULL AND rn >= (n * 99 + 99) / 100 THEN lat_ns END) / 1e9 AS p99_s,
       MAX(lat_ns) / 1e9                                          AS max_s,
       AVG(gas_used)                                              AS gas_per_msg,
       AVG(dest_fee_wei + COALESCE(dest_l1_fee_wei, 0)) / 1e18    AS eth_per_msg,
       AVG(dest_fee_wei) / 1e18                                   AS exec_eth_per_msg,
       AVG(CASE WHEN lat_ns IS NOT NULL THEN COALESCE(dest_l1_fee_wei, 0) END) / 1e18 AS l1_eth_per_msg
FROM r
GROUP BY run_id, level;

DROP VIEW v_cost_by_batch;
CREATE VIEW v_cost_by_batch AS
SELECT sb.run_id,
       (SELECT COUNT(*) FROM verifiers v WHERE v.run_id = sb.run_id) AS validators,
       sb.msg_count                                   AS batch_msgs,
       COUNT(*)                                       AS submissions,
       AVG(sb.gas_used * 1.0 / sb.msg_count)          AS gas_per_msg,
       AVG((sb.fee_wei + sb.l1_fee_wei) * 1.0 / sb.msg_count) / 1e18 AS eth_per_msg,
       AVG(sb.fee_wei * 1.0 / sb.msg_count) / 1e18    AS exec_eth_per_msg,
       AVG(sb.l1_fee_wei * 1.0 / sb.msg_count) / 1e18 AS l1_eth_per_msg
FROM submissions sb
WHERE sb.result = 'ok' AND sb.msg_count > 0
GROUP BY sb.run_id, sb.msg_count;

-- @version 7

-- v_stage_breakdown counts only messages emitted at or after the warm-up,
-- as v_finality does (version 1 counted every executed message, so the two
-- views disagreed on the same run).
DROP VIEW v_stage_breakdown;
CREATE VIEW v_stage_breakdown AS
SELECT s.run_id, s.level, COUNT(*) AS executed_count,
       AVG(source_inclusion_ms) AS source_inclusion_ms,
       AVG(source_level_ms)     AS source_level_ms,
       AVG(first_vote_ms)       AS first_vote_ms,
       AVG(approval_ms)         AS approval_ms,
       AVG(relay_ms)            AS relay_ms,
       AVG(dest_inclusion_ms)   AS dest_inclusion_ms,
       AVG(total_ms)            AS total_ms
FROM v_message_stages s
JOIN messages m ON m.run_id = s.run_id AND m.msg_id = s.msg_id
JOIN run_window w ON w.run_id = s.run_id
WHERE s.total_ms IS NOT NULL AND m.emitted_ns >= w.warmup_ns
GROUP BY s.run_id, s.level;

-- @version 8
-- Every signer provable, and the stale-set forge (issue 13, items 1-2).
-- Watchers act on every signed vote they see -- precommit extensions,
-- proposals, committed blocks, destination portals' calldata -- so a
-- coalition records how many members signed a forged root, of them how
-- many an offence became provable for, and how many were slashed.  The P&L
-- is exact to the wei (pnl_wei, decimal text: it does not fit 64 bits;
-- pnl_gwei is its floor).  attack 'stale_forge': members of an older
-- validator set the portal still accepts sign a root offline and submit it
-- straight to the destination (valset_id: that set).  The table is rebuilt
-- to widen the attack check; rows of earlier versions keep NULL in the new
-- columns.
DROP VIEW v_attack_economics;
CREATE TABLE coalitions_v8 (
    run_id                      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    coalition                   INTEGER NOT NULL,
    name                        TEXT NOT NULL,
    attack                      TEXT NOT NULL CHECK (attack IN ('forge', 'censor', 'stale_forge', 'none')),
    members                     TEXT NOT NULL,
    member_count                INTEGER NOT NULL,
    stake_gwei                  INTEGER NOT NULL,
    stake_fraction              REAL NOT NULL,
    own_stake_gwei              INTEGER NOT NULL,
    acted_ns                    INTEGER,
    withdraw_queued_ns          INTEGER,
    withdraw_completed_ns       INTEGER,
    forged_msg_count            INTEGER NOT NULL,
    forged_approved_count       INTEGER NOT NULL,
    forged_executed_count       INTEGER NOT NULL,
    value_extracted_gwei        INTEGER NOT NULL,
    censored_msg_count          INTEGER NOT NULL,
    censored_value_gwei         INTEGER NOT NULL,
    slashed_gwei                INTEGER NOT NULL,
    delegators_slashed_gwei     INTEGER NOT NULL,
    gas_wei                     INTEGER NOT NULL,
    bribes_gwei                 INTEGER NOT NULL,
    payment_gwei                INTEGER NOT NULL,
    pnl_gwei                    INTEGER NOT NULL,  -- floor(pnl_wei / 1e9)
    cost_of_corruption_gwei     INTEGER NOT NULL,
    profit_from_corruption_gwei INTEGER NOT NULL,
    profitable                  INTEGER NOT NULL CHECK (profitable IN (0, 1)),
    signer_count                INTEGER,           -- members that signed a forged root
    signers_proven_count        INTEGER,           -- of them, with an offence provable on L1
    signers_slashed_count       INTEGER,           -- of them, slashed
    pnl_wei                     TEXT,              -- value + payment - slashed - bribes - gas, exact
    valset_id                   INTEGER,           -- stale_forge: the validator set that signed
    PRIMARY KEY (run_id, coalition)
) WITHOUT ROWID;
INSERT INTO coalitions_v8 (run_id, coalition, name, attack, members, member_count, stake_gwei, stake_fraction,
    own_stake_gwei, acted_ns, withdraw_queued_ns, withdraw_completed_ns, forged_msg_count, forged_approved_count,
    forged_executed_count, value_extracted_gwei, censored_msg_count, censored_value_gwei, slashed_gwei,
    delegators_slashed_gwei, gas_wei, bribes_gwei, payment_gwei, pnl_gwei, cost_of_corruption_gwei,
    profit_from_corruption_gwei, profitable)
SELECT run_id, coalition, name, attack, members, member_count, stake_gwei, stake_fraction,
    own_stake_gwei, acted_ns, withdraw_queued_ns, withdraw_completed_ns, forged_msg_count, forged_approved_count,
    forged_executed_count, value_extracted_gwei, censored_msg_count, censored_value_gwei, slashed_gwei,
    delegators_slashed_gwei, gas_wei, bribes_gwei, payment_gwei, pnl_gwei, cost_of_corruption_gwei,
    profit_from_corruption_gwei, profitable
FROM coalitions;
DROP TRIGGER coalitions_on_run_delete;
DROP TABLE coalitions;
ALTER TABLE coalitions_v8 RENAME TO coalitions;
CREATE TRIGGER coalitions_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM coalitions WHERE run_id = old.id; END;

-- One row per coalition member: whether it signed a forged root, when an
-- offence of its became provable (NULL: never), its own stake slashed, and
-- when its withdrawal completed (NULL: never) -- a member that signed, was
-- proven and not slashed left the slashable window first.
CREATE TABLE coalition_members (
    run_id        INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    coalition     INTEGER NOT NULL,
    verifier      INTEGER NOT NULL,
    signed        INTEGER NOT NULL CHECK (signed IN (0, 1)),
    proven_ns     INTEGER,
    slashed_gwei  INTEGER NOT NULL,
    withdrawn_ns  INTEGER,
    PRIMARY KEY (run_id, coalition, verifier)
) WITHOUT ROWID;
CREATE TRIGGER coalition_members_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM coalition_members WHERE run_id = old.id; END;

CREATE VIEW v_attack_economics AS
SELECT c.run_id, r.scenario_name AS scenario, r.seed, r.params_json, rp.profile,
       c.coalition, c.name, c.attack,
       c.member_count, c.stake_fraction, cp.requested_fraction, cp.genesis_power_share,
       cp.acting_power_share, rs.withdrawal_delay_ns / 1e9 AS withdrawal_delay_s,
       rs.veto_window_ns / 1e9 AS veto_window_s,
       c.forged_executed_count, c.value_extracted_gwei / 1e9 AS value_extracted_eth,
       c.own_stake_gwei / 1e9 AS own_stake_eth,
       c.slashed_gwei / 1e9 AS slashed_eth, c.delegators_slashed_gwei / 1e9 AS delegators_slashed_eth,
       c.gas_wei / 1e18 AS gas_eth,
       c.bribes_gwei / 1e9 AS bribes_eth, c.payment_gwei / 1e9 AS payment_eth,
       COALESCE(CAST(c.pnl_wei AS REAL) / 1e18, c.pnl_gwei / 1e9) AS pnl_eth,
       c.cost_of_corruption_gwei / 1e9 AS cost_of_corruption_eth,
       c.profit_from_corruption_gwei / 1e9 AS profit_from_corruption_eth, c.profitable,
       (c.withdraw_completed_ns IS NOT NULL AND c.slashed_gwei = 0) AS escaped,
       c.signer_count, c.signers_proven_count, c.signers_slashed_count, c.pnl_wei, c.valset_id
FROM coalitions c JOIN runs r ON r.id = c.run_id
LEFT JOIN run_profile rp ON rp.run_id = c.run_id
LEFT JOIN coalition_power cp ON cp.run_id = c.run_id AND cp.coalition = c.coalition
LEFT JOIN restaking_summary rs ON rs.run_id = c.run_id;

-- @version 9

-- BEGIN scenarios and behaviours v9
-- 1. A run stored its scenario twice: as YAML in runs.scenario_text and as
--    JSON in runs.params_json (the resolved scenario, which compare, report
--    and sweep resume read).  The text now lives once per distinct text in
--    `scenarios`, keyed by the SHA-256 runs already carry, so a sweep of N
--    points stores it once instead of N times beside its N JSON copies.
--    runs.scenario_sha256 names it (xrsim merge copies it with the runs).
-- 2. verifiers.behaviour checked a fixed list of behaviours (version 2), so
--    a verifier of a behaviour added since (partial, mutant) could not be
--    recorded.  Behaviours are the table of models/verifiers/byzantine/
--    registry.c now (as byzantine.behaviour has been since version 4); the
--    table is rebuilt without the list, as SQLite documents for a changed
--    CHECK, with its trigger and the view that reads it dropped first.
CREATE TABLE scenarios (
    sha256 TEXT PRIMARY KEY               -- runs.scenario_sha256
           CHECK (length(sha256) = 64),
    text   TEXT NOT NULL                  -- the full YAML that was run (before --set overrides)
) WITHOUT ROWID;
INSERT OR IGNORE INTO scenarios (sha256, text) SELECT scenario_sha256, scenario_text FROM runs;
ALTER TABLE runs DROP COLUMN scenario_text;

DROP VIEW v_cost_by_batch;
DROP TRIGGER verifiers_on_run_delete;
CREATE TABLE verifiers_v9 (
    run_id             INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    verifier           INTEGER NOT NULL,     -- index in the scenario (0-based)
    node_id            INTEGER NOT NULL,     -- nodes.node_id
    address            TEXT NOT NULL,        -- 20-byte address, hex
    power              INTEGER NOT NULL,     -- = stake in gwei
    behaviour          TEXT NOT NULL         -- 'honest' or names of models/verifiers/byzantine/
                       CHECK (behaviour <> ''), -- registry.c, comma-separated: 'silent,delayed' 
    byz_from_ns        INTEGER,              -- earliest entry window start; NULL when honest
    byz_until_ns       INTEGER,              -- latest window end; NULL: to the end of the run
    final_height       INTEGER NOT NULL,     -- the core's height at the end
    commit_count       INTEGER NOT NULL,
    msgs_in_count      INTEGER NOT NULL,
    msgs_ok_count      INTEGER NOT NULL,
    rejected_count     INTEGER NOT NULL,
    late_count         INTEGER NOT NULL,
    duplicate_count    INTEGER NOT NULL,
    equivocation_count INTEGER NOT NULL,     -- conflicting signed pairs seen
    evidence_count     INTEGER NOT NULL,     -- evidence actions emitted
    approval_count     INTEGER NOT NULL,     -- attestations it approved
    round_count        INTEGER NOT NULL,     -- rounds started
    catchup_count      INTEGER NOT NULL,     -- catch-up replies sent
    sig_sign_count     INTEGER NOT NULL,     -- signatures made (CPU charged)
    sig_verify_count   INTEGER NOT NULL,     -- signatures checked (CPU charged)
    suppressed_count   INTEGER NOT NULL,     -- messages a silent verifier dropped
    twin_count         INTEGER NOT NULL,     -- twins sent (equivocating, conflicting_attestations)
    observed_count     INTEGER NOT NULL,     -- XBlocks its watcher saw
    attested_count     INTEGER NOT NULL,     -- of those, signed
    ext_rejected_count INTEGER NOT NULL,     -- attestation votes refused (bad, stale, pool full)
    future_dropped_count INTEGER NOT NULL,   -- next-height messages that did not fit the buffer
    att_dropped_count  INTEGER NOT NULL,     -- committed attestation votes the pool could not hold
    busy_ns            INTEGER NOT NULL,     -- simulated CPU time used
    PRIMARY KEY (run_id, verifier)
) WITHOUT ROWID;
INSERT INTO verifiers_v9 SELECT * FROM verifiers;
DROP TABLE verifiers;
ALTER TABLE verifiers_v9 RENAME TO verifiers;
CREATE TRIGGER verifiers_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM verifiers WHERE run_id = old.id; END;
CREATE VIEW v_cost_by_batch AS
SELECT sb.run_id,
       (SELECT COUNT(*) FROM verifiers v WHERE v.run_id = sb.run_id) AS validators,
       sb.msg_count                                   AS batch_msgs,
       COUNT(*)                                       AS submissions,
       AVG(sb.gas_used * 1.0 / sb.msg_count)          AS gas_per_msg,
       AVG((sb.fee_wei + sb.l1_fee_wei) * 1.0 / sb.msg_count) / 1e18 AS eth_per_msg,
       AVG(sb.fee_wei * 1.0 / sb.msg_count) / 1e18    AS exec_eth_per_msg,
       AVG(sb.l1_fee_wei * 1.0 / sb.msg_count) / 1e18 AS l1_eth_per_msg
FROM submissions sb
WHERE sb.result = 'ok' AND sb.msg_count > 0
GROUP BY sb.run_id, sb.msg_count;
-- END scenarios and behaviours v9

-- @version 10
-- An empty validator set is an outcome, not a failed run (issue 13.5): when
-- every verifier left the set (withdrawn, ejected) the consensus chain halts
-- -- CometBFT refuses an update that empties the set -- and stays halted; no
-- attestation is approved after halted_ns and messages are delayed.  One
-- row per run whose chain halted (verdicts.stalled is 1 then).
CREATE TABLE chain_halts (
    run_id     INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    halted_ns  INTEGER NOT NULL,
    reason     TEXT NOT NULL
);
CREATE TRIGGER chain_halts_on_run_delete AFTER DELETE ON runs
BEGIN DELETE FROM chain_halts WHERE run_id = old.id; END;

-- @version 11
-- Cost per message is the approach's (issue 15): messages.cost_wei, every
-- chain's execution and L1 data fees, when the run recorded it; before
-- version 8 (and when NULL) the committee path's destination fee + its L1
-- data fee as in version 6.  Under native, local and optimistic the
-- committee's dest_fee_wei is NULL and gas_used / dest_l1_fee_wei hold the
-- approach's own gas and L1 data fee, so v_finality's cost columns were
-- empty for them.
DROP VIEW v_finality;
CREATE VIEW v_finality AS
WITH m AS (
    SELECT msg.run_id, msg.level, msg.executed_ns - msg.emitted_ns AS lat_ns,
           msg.gas_used, msg.dest_l1_fee_wei,
           COALESCE(msg.cost_wei, msg.dest_fee_wei + COALESCE(msg.dest_l1_fee_wei, 0)) AS cost_wei
    FROM messages msg JOIN run_window w ON w.run_id = msg.run_id
    WHERE msg.emitted_ns >= w.warmup_ns),
r AS (
    SELECT run_id, level, lat_ns, gas_used, dest_l1_fee_wei, cost_wei,
           ROW_NUMBER() OVER (PARTITION BY run_id, level ORDER BY lat_ns NULLS LAST) AS rn,
           COUNT(lat_ns) OVER (PARTITION BY run_id, level) AS n
    FROM m)
SELECT run_id, level,
       COUNT(*)                                                   AS emitted_count,
       COUNT(lat_ns)                                              AS executed_count,
       MIN(CASE WHEN lat_ns IS NOT NULL AND rn >= (n * 50 + 99) / 100 THEN lat_ns END) / 1e9 AS p50_s,
       MIN(CASE WHEN lat_ns IS NOT NULL AND rn >= (n * 90 + 99) / 100 THEN lat_ns END) / 1e9 AS p90_s,
       MIN(CASE WHEN lat_ns IS NOT NULL AND rn >= (n * 99 + 99) / 100 THEN lat_ns END) / 1e9 AS p99_s,
       MAX(lat_ns) / 1e9                                          AS max_s,
       AVG(CASE WHEN lat_ns IS NOT NULL THEN gas_used END)        AS gas_per_msg,
       AVG(CASE WHEN lat_ns IS NOT NULL THEN cost_wei END) / 1e18 AS eth_per_msg,
       AVG(CASE WHEN lat_ns IS NOT NULL THEN cost_wei - COALESCE(dest_l1_fee_wei, 0) END) / 1e18 AS exec_eth_per_msg,
       AVG(CASE WHEN lat_ns IS NOT NULL THEN COALESCE(dest_l1_fee_wei, 0) END) / 1e18 AS l1_eth_per_msg
FROM r
GROUP BY run_id, level;

-- @version 12

-- An attack's timeline (issue 17), the two times the coalitions row lacked:
-- when the first of the coalition's forged attestation roots was approved
-- by a quorum, and when the first of its forged messages executed at its
-- destination (the block that included the colluding relayer's
-- submission).  NULL: it never happened, or the run was recorded before
-- version 12.  The rest of the timeline is already recorded: acted_ns and
-- the withdrawal columns here, and the offences of the members (offences:
-- provable_ns, included_ns, executed_ns of the 'slashed' ones).
ALTER TABLE coalitions ADD COLUMN forged_approved_ns INTEGER;
ALTER TABLE coalitions ADD COLUMN forged_executed_ns INTEGER;
