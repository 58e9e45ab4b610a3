/*
** The adversary's configuration: the `adversary:` section's coalitions, each
** with its members, attack and economics, and the verifiers.byzantine entry
** each one adds (see adversary_config.h).  The run is adversary.c.
*/
#include "economics/adversary_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"
#include "verifiers/byzantine/byzantine.h"

static bool load_target(const sim_ynode *it, const mdl_verifier_config *vc, mdl_byzantine_cfg *b, sim_diag *d) {
    const sim_ynode *vn = sim_ymap_get(it, "verifiers"), *fn = sim_ymap_get(it, "stake_fraction");
    if ((vn == NULL) == (fn == NULL)) {
        sim_diag_error(d, vn && fn ? fn : it, "a coalition needs exactly one of 'verifiers' or 'stake_fraction'");
        return false;
    }
    if (vn) {
        const sim_ynode *const *items = vn->kind == SIM_Y_SEQ ? (const sim_ynode *const *)vn->items : &vn;
        size_t n = vn->kind == SIM_Y_SEQ ? vn->count : 1;
        if (n == 0 || n > vc->count) {
            sim_diag_error(d, vn, "a coalition needs 1 to %u verifiers", vc->count);
            return false;
        }
        b->verifiers = calloc(n, sizeof *b->verifiers);
        if (!b->verifiers) {
            sim_diag_error(d, vn, "out of memory");
            return false;
        }
        bool ok = true;
        for (size_t i = 0; i < n; i++) {
            uint64_t v = 0;
            if (!sim_ynode_u64(items[i], 0, vc->count ? vc->count - 1 : 0, &v, d)) {
                ok = false;
                continue;
            }
            for (size_t j = 0; j < b->verifier_count; j++) {
                if (b->verifiers[j] == v) {
                    sim_diag_error(d, items[i], "verifier %llu is listed twice", (unsigned long long)v);
                    ok = false;
                }
            }
            b->verifiers[b->verifier_count++] = (uint32_t)v;
        }
        return ok;
    }
    /* exact ratios (2/3) like consensus.quorum; decimals and percentages too */
    if (!mdl_verifier_config_ratio(fn, "stake_fraction", &b->fraction_num, &b->fraction_den, d)) return false;
    b->by_fraction = true;
    bool fixed = vc->stake_model == MDL_STAKE_EQUAL || (vc->stake_model == MDL_STAKE_LIST && vc->stakes_gwei);
    if (fixed) {
        uint64_t *st = malloc((size_t)vc->count * sizeof *st);
        b->verifiers = calloc(vc->count ? vc->count : 1, sizeof *b->verifiers);
        if (!st || !b->verifiers) {
            free(st);
            sim_diag_error(d, fn, "out of memory");
            return false;
        }
        for (uint32_t k = 0; k < vc->count; k++)
            st[k] = vc->stake_model == MDL_STAKE_EQUAL ? vc->stake_gwei : vc->stakes_gwei[k];
        b->verifier_count = mdl_verifier_config_fraction_prefix(st, vc->count, b->fraction_num, b->fraction_den);
        for (uint32_t k = 0; k < b->verifier_count; k++) b->verifiers[k] = k;
        free(st);
    }
    return true;
}

static bool load_rollup(const sim_ynode *m, const char *key, const mdl_rollups_config *rollups, bool required,
                        uint64_t *chain, sim_diag *d) {
    const char *name = NULL;
    if (!sim_yfield_str(m, key, required, NULL, &name, d)) return false;
    if (!name) return true;
    int i = mdl_rollups_config_find(rollups, name);
    if (i < 0) {
        sim_diag_error(d, sim_ymap_get(m, key), "unknown rollup '%s'", name);
        return false;
    }
    *chain = rollups->items[i].chain_id;
    return true;
}

static bool load_attack(const sim_ynode *an, const mdl_rollups_config *rollups, mdl_coalition_cfg *c,
                        mdl_byzantine_cfg *b, sim_diag *d) {
    static const char *const kinds[] = {"forge", "censor", "stale_forge", NULL};
    static const char *const stale_keys[] = {"set", "from", "to", "at", "value", NULL};
    static const char *const forge_keys[] = {"from", "to", "level", "at", "value", "xblocks", NULL};
    static const char *const censor_keys[] = {"from", "to", "chain", "at", "until", NULL};
    static const char *const levels[] = {"latest", "finalized", NULL};
    size_t before = sim_diag_errors(d);
    sim_ymap_check(an, "attack", kinds, d); /* an unknown key is one error: the values are checked too */
    const sim_ynode *f = sim_ymap_get(an, "forge"), *cs = sim_ymap_get(an, "censor"),
                    *sf = sim_ymap_get(an, "stale_forge");
    if ((f != NULL) + (cs != NULL) + (sf != NULL) != 1) {
        sim_diag_error(d, an, "an attack is exactly one of 'forge: {...}', 'censor: {...}' or 'stale_forge: {...}'");
        return false;
    }
    const uint64_t max_ns = UINT64_C(100) * 365 * 86400 * SIM_NS_PER_S;
    if (sf) {
        sim_ymap_check(sf, "stale_forge", stale_keys, d);
        c->attack = MDL_ATTACK_STALE_FORGE;
        /* the members run consensus honestly; the entry marks them (its
        ** forge behaviour finds no consensus forgery to sign) */
        b->behaviour = MDL_BEHAVIOUR_FORGE;
        sim_yfield_u64(sf, "set", true, 1, 1, UINT64_MAX / 2, &c->valset_id, d);
        load_rollup(sf, "from", rollups, true, &c->from_chain, d);
        load_rollup(sf, "to", rollups, true, &c->to_chain, d);
        if (c->from_chain && c->from_chain == c->to_chain)
            sim_diag_error(d, sim_ymap_get(sf, "to"), "stale_forge: 'to' must differ from 'from'");
        c->level = MDL_LEVEL_LATEST;
        sim_yfield_duration_ns(sf, "at", true, 0, 0, max_ns, &c->at_ns, d);
        sim_yfield_gwei(sf, "value", false, 1000 * SIM_GWEI_PER_ETH, 0, UINT64_C(1000000000) * SIM_GWEI_PER_ETH, &c->value_gwei, d);
        c->until_ns = SIM_NET_NEVER;
    } else if (f) {
        sim_ymap_check(f, "forge", forge_keys, d);
        c->attack = MDL_ATTACK_FORGE;
        b->behaviour = MDL_BEHAVIOUR_FORGE;
        load_rollup(f, "from", rollups, true, &c->from_chain, d);
        load_rollup(f, "to", rollups, true, &c->to_chain, d);
        if (c->from_chain && c->from_chain == c->to_chain) sim_diag_error(d, sim_ymap_get(f, "to"), "forge: 'to' must differ from 'from'");
        int lv = MDL_LEVEL_LATEST;
        if (sim_yfield_enum(f, "level", false, MDL_LEVEL_LATEST, levels, &lv, d)) c->level = lv;
        sim_yfield_duration_ns(f, "at", false, 0, 0, max_ns, &c->at_ns, d);
        sim_yfield_gwei(f, "value", false, 1000 * SIM_GWEI_PER_ETH, 0, UINT64_C(1000000000) * SIM_GWEI_PER_ETH, &c->value_gwei, d);
        uint64_t xb = 1;
        if (sim_yfield_u64(f, "xblocks", false, 1, 1, 1000, &xb, d)) c->xblocks = (uint32_t)xb;
        c->until_ns = SIM_NET_NEVER;
    } else {
        sim_ymap_check(cs, "censor", censor_keys, d);
        c->attack = MDL_ATTACK_CENSOR;
        b->behaviour = MDL_BEHAVIOUR_CENSOR;
        const sim_ynode *ch = sim_ymap_get(cs, "chain");
        if (ch) {
            if (sim_ymap_get(cs, "from") || sim_ymap_get(cs, "to")) {
                sim_diag_error(d, ch, "censor: give 'chain' or 'from'/'to', not both");
            }
            load_rollup(cs, "chain", rollups, true, &c->from_chain, d);
            c->to_chain = 0;
        } else {
            load_rollup(cs, "from", rollups, true, &c->from_chain, d);
            load_rollup(cs, "to", rollups, true, &c->to_chain, d);
        }
        sim_yfield_duration_ns(cs, "at", false, 0, 0, max_ns, &c->at_ns, d);
        sim_yfield_duration_ns(cs, "until", false, max_ns, 0, max_ns, &c->until_ns, d);
        if (c->until_ns == max_ns) c->until_ns = SIM_NET_NEVER;
        if (c->until_ns <= c->at_ns) sim_diag_error(d, sim_ymap_get(cs, "until"), "censor: 'until' must be after 'at'");
        if (!mdl_byz_params_new(b)) {
            sim_diag_error(d, cs, "out of memory");
            return false;
        }
        mdl_byz_censor_set(b, c->from_chain, c->to_chain);
    }
    b->from_ns = c->at_ns;
    b->until_ns = c->until_ns;
    return sim_diag_errors(d) == before;
}

static bool load_coalition(const sim_ynode *it, size_t k, const mdl_rollups_config *rollups, mdl_verifier_config *vc,
                           mdl_coalition_cfg *c, mdl_byzantine_cfg *b, sim_diag *d) {
    static const char *const keys[] = {"name", "verifiers", "stake_fraction", "attack", "withdraw",
                                       "bribes", "payment", NULL};
    static const char *const wd_keys[] = {"at", "after", NULL};
    if (it->kind != SIM_Y_MAP) {
        sim_diag_error(d, it, "expected a coalition such as {name: forgers, stake_fraction: 0.7, attack: {forge: "
                              "{from: a, to: b}}}");
        return false;
    }
    size_t before = sim_diag_errors(d);
    sim_ymap_check(it, "a coalition", keys, d); /* an unknown key is one error: the values are checked too */
    const char *name = NULL;
    sim_yfield_str(it, "name", false, NULL, &name, d);
    if (name) snprintf(c->name, sizeof c->name, "%s", name);
    else snprintf(c->name, sizeof c->name, "coalition%zu", k);
    if (!sim_net_mark_set(&c->mark, it->file, it->line, it->col) ||
        !sim_net_mark_set(&b->mark, it->file, it->line, it->col)) {
        sim_diag_error(d, it, "out of memory");
        return false;
    }
    load_target(it, vc, b, d);
    const sim_ynode *an = sim_ymap_get(it, "attack");
    if (!an) sim_diag_error(d, it, "a coalition needs an 'attack: {forge: {...}}' or '{censor: {...}}'");
    else load_attack(an, rollups, c, b, d);
    const sim_ynode *w = sim_ymap_get(it, "withdraw");
    if (w && w->kind != SIM_Y_NULL) {
        if (sim_ymap_check(w, "withdraw", wd_keys, d)) {
            const sim_ynode *at = sim_ymap_get(w, "at"), *after = sim_ymap_get(w, "after");
            if ((at == NULL) == (after == NULL)) {
                sim_diag_error(d, w, "withdraw needs exactly one of 'at: <time>' or 'after: <delay after acting>'");
            } else {
                c->withdraw = true;
                c->withdraw_after = after != NULL;
                sim_ynode_duration_ns(at ? at : after, 0, UINT64_C(100) * 365 * 86400 * SIM_NS_PER_S, &c->withdraw_ns, d);
            }
        }
    }
    sim_yfield_gwei(it, "bribes", false, 0, 0, UINT64_C(1000000000) * SIM_GWEI_PER_ETH, &c->bribes_gwei, d);
    sim_yfield_gwei(it, "payment", false, 0, 0, UINT64_C(1000000000) * SIM_GWEI_PER_ETH, &c->payment_gwei, d);
    return sim_diag_errors(d) == before;
}

bool mdl_adversary_config_load(const sim_ynode *section, const mdl_rollups_config *rollups,
                               mdl_verifier_config *vc, mdl_adversary_config *out, sim_diag *d) {
    static const char *const keys[] = {"delay_bound", "finalized_delay_bound", "stall_bound", "coalitions", NULL};
    memset(out, 0, sizeof *out);
    out->delay_bound_ns = UINT64_C(60) * SIM_NS_PER_S;
    out->finalized_delay_bound_ns = UINT64_C(3600) * SIM_NS_PER_S;
    /* approvals follow a block by a few seconds (PROTOCOL.md: CometBFT
    ** blocks every ~1-2 s, votes of height H approved in H+1) */
    out->stall_bound_ns = UINT64_C(10) * SIM_NS_PER_S;
    if (section == NULL || section->kind == SIM_Y_NULL) return true;
    size_t before = sim_diag_errors(d);
    sim_ymap_check(section, "adversary", keys, d); /* an unknown key is one error: the values are checked too */
    sim_yfield_duration_ns(section, "delay_bound", false, out->delay_bound_ns, 1000000,
                           UINT64_C(365) * 86400 * SIM_NS_PER_S, &out->delay_bound_ns, d);
    sim_yfield_duration_ns(section, "finalized_delay_bound", false, out->finalized_delay_bound_ns, 1000000,
                           UINT64_C(365) * 86400 * SIM_NS_PER_S, &out->finalized_delay_bound_ns, d);
    sim_yfield_duration_ns(section, "stall_bound", false, out->stall_bound_ns, 1000000,
                           UINT64_C(365) * 86400 * SIM_NS_PER_S, &out->stall_bound_ns, d);
    const sim_ynode *cs = sim_ymap_get(section, "coalitions");
    if (cs == NULL || cs->kind == SIM_Y_NULL || sim_ynode_is_none(cs)) return sim_diag_errors(d) == before;
    if (cs->kind != SIM_Y_SEQ) {
        sim_diag_error(d, cs, "expected a list of coalitions");
        return false;
    }
    if (vc->count == 0) {
        sim_diag_error(d, cs, "coalitions are made of verifiers: add a verifiers section");
        return false;
    }
    if (rollups->count < 2) {
        sim_diag_error(d, cs, "coalitions attack cross-rollup messages: add at least two rollups");
        return false;
    }
    out->items = calloc(cs->count ? cs->count : 1, sizeof *out->items);
    mdl_byzantine_cfg *nb = realloc(vc->byzantine, (vc->byzantine_count + cs->count) * sizeof *nb);
    if (!out->items || !nb) {
        if (nb) vc->byzantine = nb;
        sim_diag_error(d, cs, "out of memory");
        return false;
    }
    vc->byzantine = nb;
    for (size_t k = 0; k < cs->count; k++) {
        mdl_coalition_cfg *c = &out->items[out->count];
        mdl_byzantine_cfg *b = &vc->byzantine[vc->byzantine_count];
        memset(c, 0, sizeof *c);
        memset(b, 0, sizeof *b);
        c->byz_entry = vc->byzantine_count;
        c->level = MDL_LEVEL_LATEST;
        /* the entry is owned by vc from now on, whatever happens */
        vc->byzantine_count++;
        out->count++;
        load_coalition(cs->items[k], k, rollups, vc, c, b, d);
    }
    return sim_diag_errors(d) == before;
}

void mdl_adversary_config_free(mdl_adversary_config *c) {
    if (!c) return;
    for (size_t k = 0; k < c->count; k++) free(c->items[k].mark.file);
    free(c->items);
    memset(c, 0, sizeof *c);
}
