# Runs append to one file; same seed -> same digest and identical rows,
# another seed -> another digest; the scenario's faults show in the rows.
. "$(dirname "$0")/lib.sh"
db=$TMP/r.db
"$XRSIM" run "$DATA/small.yaml" --out "$db" --quiet || fail "run 1"
"$XRSIM" run "$DATA/small.yaml" --out "$db" --quiet || fail "run 2"
"$XRSIM" run "$DATA/small.yaml" --out "$db" --quiet --seed 8 || fail "run 3"
[ "$(q "$db" "SELECT count(*) FROM runs WHERE status='ok'")" = 3 ] || fail "3 ok runs expected"
d1=$(q "$db" "SELECT event_digest FROM runs WHERE id=1")
d2=$(q "$db" "SELECT event_digest FROM runs WHERE id=2")
d3=$(q "$db" "SELECT event_digest FROM runs WHERE id=3")
[ -n "$d1" ] && [ "$d1" = "$d2" ] || fail "same seed, different digests: $d1 $d2"
[ "$d1" != "$d3" ] || fail "different seeds, same digest"
for t in net_deliveries net_links nodes; do
  a=$(q "$db" "SELECT * FROM $t WHERE run_id=1" | sed 's/^1|//' | md5sum)
  b=$(q "$db" "SELECT * FROM $t WHERE run_id=2" | sed 's/^2|//' | md5sum)
  [ "$a" = "$b" ] || fail "table $t differs between identical runs"
  n=$(q "$db" "SELECT count(*) FROM $t WHERE run_id=1")
  [ "$n" -gt 0 ] || fail "table $t empty"
done
ok "determinism: digest $d1, identical rows"
[ "$(q "$db" "SELECT seed FROM runs WHERE id=3")" = 8 ] || fail "--seed not recorded"
q "$db" "SELECT params_json FROM runs WHERE id=3" | grep -q '"seed": *8' || fail "params_json lacks the seed"

# Faults: a one-way partition, a crash, loss.
"$XRSIM" run "$DATA/small.yaml" --out "$db" --quiet \
  --set 'network.partitions=[{from: 10s, until: 20s, between: ["probes[0]", "probes[1]"], direction: one-way}]' \
  --set 'network.crashes=[{node: "probes[5]", at: 30s, restart: 40s}]' \
  --set network.loss=5% || fail "fault run"
r=4
lost=$(q "$db" "SELECT sum(dropped_loss_count)*1.0/sum(sent_count) FROM net_links WHERE run_id=$r")
awk -v x="$lost" 'BEGIN{exit !(x > 0.04 && x < 0.06)}' || fail "loss rate $lost, want ~0.05"
# one-way: only 0 -> 1 inside [10s, 20s) is cut
bad=$(q "$db" "SELECT count(*) FROM net_deliveries WHERE run_id=$r AND outcome='dropped_partition' AND NOT (src=0 AND dst=1)")
[ "$bad" = 0 ] || fail "partition dropped messages outside its direction"
cut=$(q "$db" "SELECT count(*) FROM net_deliveries WHERE run_id=$r AND outcome='dropped_partition'")
[ "$cut" -gt 0 ] || fail "partition dropped nothing"
late=$(q "$db" "SELECT count(*) FROM net_deliveries WHERE run_id=$r AND src=0 AND dst=1 AND outcome='delivered' AND sent_ns >= 10000000000 AND recv_ns < 20000000000")
[ "$late" = 0 ] || fail "messages crossed the partition"
# crash: node 5 receives nothing while down, and sends nothing
rx=$(q "$db" "SELECT count(*) FROM net_deliveries WHERE run_id=$r AND dst=5 AND outcome='delivered' AND recv_ns >= 30000000000 AND recv_ns < 40000000000")
[ "$rx" = 0 ] || fail "crashed node received $rx messages"
tx=$(q "$db" "SELECT count(*) FROM net_deliveries WHERE run_id=$r AND src=5 AND sent_ns >= 30000000000 AND sent_ns < 40000000000")
[ "$tx" = 0 ] || fail "crashed node sent $tx messages"
after=$(q "$db" "SELECT count(*) FROM net_deliveries WHERE run_id=$r AND src=5 AND sent_ns >= 40000000000")
[ "$after" -gt 0 ] || fail "node 5 did not resume after restart"
dc=$(q "$db" "SELECT count(*) FROM net_deliveries WHERE run_id=$r AND outcome='dropped_crash'")
[ "$dc" -gt 0 ] || fail "no message dropped at the crashed node"
ok "loss $lost, partition cut $cut one-way, crash dropped $dc"

# v_stage_breakdown counts the messages v_finality counts: those emitted after the warm-up.
w=$TMP/warmup.db
(cd "$SRC" && "$XRSIM" run scenarios/examples/quorum-sweep.yaml --out "$w" --quiet --set run.duration=2min \
   --set run.warmup=1min) || fail "warm-up run"
fin=$(q "$w" "SELECT level || ':' || executed_count FROM v_finality WHERE executed_count > 0 ORDER BY level")
stages=$(q "$w" "SELECT level || ':' || executed_count FROM v_stage_breakdown ORDER BY level")
all=$(q "$w" "SELECT COUNT(*) FROM messages WHERE executed_ns IS NOT NULL")
[ -n "$fin" ] || fail "precondition: nothing executed after the warm-up"
[ "$fin" = "$stages" ] || fail "v_stage_breakdown ($stages) counts other messages than v_finality ($fin)"
[ "$(echo "$fin" | cut -d: -f2 | awk "{ s += \$1 } END { print s }")" -lt "$all" ] || fail "precondition: no message executed in the warm-up"
ok "v_stage_breakdown and v_finality count the same messages ($fin of $all executed)"
