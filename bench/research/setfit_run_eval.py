# Research code (not wired into bot/ yet): the retrieval method that reached top1 0.81 on
# ../shared/eval/banking77. Kept so the FAQ issue can integrate it into bot/faq/. Run from bench/research/.
"""Reproduce the numbers of method.py.
  python run_eval.py main [SEED ...]   -> top1/mrr5/build s/query p50 ms on banking77 and bitext-support
  python run_eval.py oos [SEED]        -> OOS experiment on banking77 (15 of 77 entries held out entirely)
"""
import sys, json, time, random, numpy as np
import common
import setfit_retrieval as method

def evaluate(name, seed=0, cfg=None):
    ids, qs, owner, T, gold = common.load(name)
    st = method.build(qs, owner, {**(cfg or {}), "seed": seed})
    ranked, sc, info = method.score(st, T)
    t1, m5 = common.metrics(ranked, gold)
    lat = []
    for q in T[:200]:
        t = time.perf_counter(); method.score(st, [q]); lat.append((time.perf_counter() - t) * 1000)
    return dict(set=name, seed=seed, top1=round(t1, 4), mrr5=round(m5, 4), build_s=round(st["build_seconds"], 1),
                steps=st["steps"], p50_ms=round(float(np.median(lat)), 1), p95_ms=round(float(np.percentile(lat, 95)), 1))

def auroc(pos, neg):
    pos, neg = np.asarray(pos), np.asarray(neg)
    return float((np.mean(pos[:, None] > neg[None, :]) + 0.5 * np.mean(pos[:, None] == neg[None, :])))

def oos(seed=0, n_out=15):
    ids, qs, owner, T, gold = common.load("banking77")
    rng = random.Random(1000 + seed); out = set(rng.sample(ids, n_out))
    kq = [q for q, o in zip(qs, owner) if o not in out]; kl = [o for o in owner if o not in out]
    g = [None if x in out else x for x in gold]
    t0 = time.time()
    res = {"held_out_entries": sorted(out)}
    cal = method.calibrate(kq, kl, seed=seed, key="score1")
    pr = cal["probes"]
    # same probes, other candidate scores (thresholds re-picked on the same probes)
    cands = {}
    for key in ["score1", "margin", "prob1", "cos1"]:
        s_in, s_out = pr["info_in"][key], pr["info_out"][key]; ok = pr["ok"]; top3 = pr["top3"]
        c = np.unique(np.concatenate([s_in, s_out]))
        bal = [0.5 * np.mean(ok & (s_in >= t)) + 0.5 * np.mean(s_out < t) for t in c]
        hi = float(c[int(np.argmax(bal))]); lo = float(min(hi, np.quantile(s_in[top3], 0.05)))
        cands[key] = dict(key=key, high=hi, low=lo, probe_auroc=auroc(s_in[ok], s_out))
    res["calib_seconds"] = round(time.time() - t0, 1)
    st = method.build(kq, kl, {"seed": seed})
    ranked, sc, info = method.score(st, T)
    ins = np.array([x is not None for x in g]); corr = np.array([r[0] == x for r, x in zip(ranked, g)])
    in3 = np.array([x in r[:3] for r, x in zip(ranked, g)])
    for key, th in cands.items():
        d = method.decide(info, th); s = info[key]
        res[key] = dict(high=round(th["high"], 4), low=round(th["low"], 4), probe_auroc=round(th["probe_auroc"], 3),
            test_auroc=round(auroc(s[ins & corr], s[~ins]), 3),
            oos_recall=round(float(np.mean(d[~ins] != "answer")), 3),
            oos_dont_know=round(float(np.mean(d[~ins] == "dont_know")), 3),
            answered_correct=round(float(np.mean((d[ins] == "answer") & corr[ins])), 3),
            answered_wrong=round(float(np.mean((d[ins] == "answer") & ~corr[ins])), 3),
            in_did_you_mean=round(float(np.mean(d[ins] == "did_you_mean")), 3),
            dym_hit3=round(float(np.mean(in3[ins][d[ins] == "did_you_mean"])), 3) if np.any(d[ins] == "did_you_mean") else None,
            in_dont_know=round(float(np.mean(d[ins] == "dont_know")), 3),
            answer_precision=round(float(np.sum((d == "answer") & ins & corr) / max(1, np.sum(d == "answer"))), 3))
    res["in_scope_top1"] = round(float(np.mean(corr[ins])), 4)
    return res

if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "main"
    seeds = [int(x) for x in sys.argv[2:]] or [0]
    for seed in seeds:
        if what == "main":
            for s in ["banking77", "bitext-support"]: print(json.dumps(evaluate(s, seed)), flush=True)
        else:
            print(json.dumps(oos(seed)), flush=True)
