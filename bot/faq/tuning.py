"""Fine-tuning the embedding model on the FAQ's own questions, cached by what it was trained on.

A general-purpose sentence model places "I can't see my refund" and "where is my
money back" further apart than a shop's FAQ needs. The curated paraphrases of
each entry say which questions mean the same thing, so a short contrastive
fine-tune (SetFit's first stage) teaches the model exactly that: every question
is paired with another question of its entry, and the other pairs of the batch
are its negatives (multiple-negatives ranking loss, used both ways). A batch
never holds two pairs of one entry, so no negative is secretly a positive.

On ../shared/eval/banking77 this lifts top-1 from 0.745 to about 0.81 (see
bench/faq_bench.py). Only the top three of the model's six layers learn: the
frozen layers' output for each question is computed once, so a step runs half
the model, and a step's questions run in chunks of similar length (little
padding). That takes about 35 s on two cores for a few hundred questions
(banking77: 39 steps; it was 2.5 minutes training every layer for 4 epochs,
for top-1 0.810 rather than 0.808), and the result is cached under a digest of the base model, the recipe
and the questions, and never repeated for the same FAQ. Nothing is downloaded:
the base model is on disk (see bot/faq/embedder.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

from bot.faq.embedder import resolve_model_path

logger = logging.getLogger(__name__)

TUNED_MARKER = "doradca-tuning.json"


@dataclass(frozen=True)
class TuningRecipe:
    """Hyper-parameters of the fine-tune (chosen on Banking77 and bitext, see bench/)."""

    epochs: int = 3
    learning_rate: float = 3e-5
    batch_size: int = 32
    scale: float = 20.0
    warmup: float = 0.1
    weight_decay: float = 0.01
    max_seq_length: int = 64
    seed: int = 0
    # A large FAQ would take hours; past this many optimiser steps the epochs are
    # cut (about 1 s per step on 2 cores, so at most ~10 minutes).
    max_steps: int = 600
    # Only the top transformer layers learn; the embeddings and the layers below stay as they are.
    # None trains everything.
    trainable_layers: int | None = 3
    # Texts of a step are run in chunks of similar length: padding a batch to its longest question
    # cost more than the questions themselves (banking77: 15 tokens on average, padded to ~40).
    chunk_size: int = 16
    version: int = 2  # bump when the training procedure changes, so old caches are not reused


@dataclass(frozen=True)
class TuningResult:
    path: Path
    steps: int
    seconds: float
    cached: bool


def tuning_digest(base_model: str, questions: Sequence[tuple[str, str]], recipe: TuningRecipe) -> str:
    """Identity of a fine-tune: base model, recipe and the (entry, question) pairs it learns from."""
    digest = hashlib.sha256()
    digest.update(json.dumps([base_model, asdict(recipe)], sort_keys=True).encode())
    for entry_id, text in sorted(questions):
        digest.update(b"\x00" + entry_id.encode() + b"\x01" + text.encode())
    return digest.hexdigest()[:20]


def pair_batches(labels: Sequence[int], batch_size: int, rng: random.Random) -> list[list[tuple[int, int]]]:
    """One epoch: every question (that has a sibling) once as anchor, with a random sibling as
    positive, packed greedily into batches that hold at most one pair per entry."""
    by_label: dict[int, list[int]] = {}
    for row, label in enumerate(labels):
        by_label.setdefault(label, []).append(row)
    pairs = [
        (row, rng.choice([other for other in by_label[label] if other != row]))
        for row, label in enumerate(labels)
        if len(by_label[label]) > 1
    ]
    rng.shuffle(pairs)
    batches: list[list[tuple[int, int]]] = []
    pool = pairs
    while pool:
        batch: list[tuple[int, int]] = []
        used: set[int] = set()
        rest = []
        for pair in pool:
            label = labels[pair[0]]
            if len(batch) < batch_size and label not in used:
                batch.append(pair)
                used.add(label)
            else:
                rest.append(pair)
        if len(batch) < 2:  # one entry left: a batch without negatives teaches nothing
            break
        batches.append(batch)
        pool = rest
    return batches


class EmbeddingTuner:
    """Fine-tunes a sentence-transformers model on (entry, question) pairs; one cached folder per digest."""

    def __init__(self, cache_dir: Path, recipe: TuningRecipe = TuningRecipe(), keep: int = 16) -> None:
        self.cache_dir = cache_dir
        self.recipe = recipe
        self.keep = keep

    def folder(self, base_model: str, questions: Sequence[tuple[str, str]]) -> Path:
        return self.cache_dir / tuning_digest(base_model, questions, self.recipe)

    def cached(self, base_model: str, questions: Sequence[tuple[str, str]]) -> Path | None:
        """The tuned model for exactly these questions, if it was built before."""
        folder = self.folder(base_model, questions)
        if (folder / TUNED_MARKER).is_file():
            os.utime(folder)  # recently used: pruning keeps it
            return folder
        return None

    def can_learn_from(self, questions: Sequence[tuple[str, str]]) -> bool:
        """Contrastive pairs need two entries with at least two questions each."""
        counts: dict[str, int] = {}
        for entry_id, _ in questions:
            counts[entry_id] = counts.get(entry_id, 0) + 1
        return sum(1 for n in counts.values() if n > 1) >= 2

    def tune(
        self, base_model: str, questions: Sequence[tuple[str, str]], progress: bool = False, threads: int | None = None,
    ) -> TuningResult:
        """Fine-tune (or reuse the cached fine-tune of) `base_model` on `questions`."""
        cached = self.cached(base_model, questions)
        if cached is not None:
            return TuningResult(cached, 0, 0.0, cached=True)
        started = time.perf_counter()
        model, steps = self._train(base_model, questions, progress, threads)
        folder = self.folder(base_model, questions)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=self.cache_dir))
        model.save(str(staging))
        marker = {"base_model": base_model, "recipe": asdict(self.recipe), "questions": len(questions), "steps": steps}
        (staging / TUNED_MARKER).write_text(json.dumps(marker))
        try:
            os.replace(staging, folder)  # atomic: a reader sees no folder or a complete one
        except OSError:  # another process finished the same fine-tune first
            shutil.rmtree(staging, ignore_errors=True)
        self.prune()
        seconds = time.perf_counter() - started
        logger.info("fine-tuned %s on %d questions in %d steps, %.0f s -> %s",
                    base_model, len(questions), steps, seconds, folder)
        return TuningResult(folder, steps, seconds, cached=False)

    def prune(self) -> None:
        """Keep the `keep` most recently used fine-tunes (each ~90 MB): the bot's FAQ, its recent edits,
        and the evaluation sets with their calibration splits."""
        if not self.cache_dir.is_dir():
            return
        tuned = sorted(
            (p for p in self.cache_dir.iterdir() if (p / TUNED_MARKER).is_file()),
            key=lambda p: p.stat().st_mtime, reverse=True,
        )
        for old in tuned[self.keep:]:
            shutil.rmtree(old, ignore_errors=True)

    def _train(self, base_model: str, questions: Sequence[tuple[str, str]], progress: bool, threads: int | None):  # type: ignore[no-untyped-def]
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import torch
        import torch.nn.functional as F
        from sentence_transformers import SentenceTransformer
        from tqdm import tqdm

        recipe = self.recipe
        if threads:
            torch.set_num_threads(threads)
        torch.manual_seed(recipe.seed)
        rng = random.Random(recipe.seed)
        entry_number: dict[str, int] = {}
        labels = [entry_number.setdefault(entry_id, len(entry_number)) for entry_id, _ in questions]
        texts = [text for _, text in questions]
        model = SentenceTransformer(str(resolve_model_path(base_model)), device="cpu")
        # Training on short sequences is faster; the saved model keeps the base's length for long questions.
        serving_length = model.max_seq_length
        model.max_seq_length = recipe.max_seq_length
        batches = [b for _ in range(recipe.epochs) for b in pair_batches(labels, recipe.batch_size, rng)]
        batches = batches[: recipe.max_steps]
        if not batches:
            model.max_seq_length = serving_length
            return model, 0
        trainable = _freeze_below_top_layers(model, recipe.trainable_layers)
        embed = _TopLayers(model, texts, recipe) if recipe.trainable_layers is not None else None
        optimiser = torch.optim.AdamW(trainable, lr=recipe.learning_rate, weight_decay=recipe.weight_decay)
        total = len(batches)
        warmup = max(1, int(recipe.warmup * total))
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimiser, lambda step: min((step + 1) / warmup, max(0.0, (total - step) / max(1, total - warmup)))
        )
        model.train()
        for batch in tqdm(batches, desc="fine-tuning the FAQ model", unit="step", disable=not progress):
            rows = [a for a, _ in batch] + [p for _, p in batch]
            if embed is not None:
                embeddings = embed(rows)
            else:
                embeddings = _embed_in_length_chunks(model, [texts[row] for row in rows], recipe.chunk_size)
            similarity = embeddings[: len(batch)] @ embeddings[len(batch):].T * recipe.scale
            target = torch.arange(len(batch))
            loss = (F.cross_entropy(similarity, target) + F.cross_entropy(similarity.T, target)) / 2
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trainable, 1.0)
            optimiser.step()
            schedule.step()
        if embed is not None:
            embed.restore()
        model.eval()
        model.max_seq_length = serving_length
        return model, total


def _freeze_below_top_layers(model, layers: int | None) -> list:  # type: ignore[no-untyped-def]
    """Stop gradients below the top `layers` transformer layers; the parameters left to train."""
    if layers is not None:
        encoder = model[0].auto_model
        frozen = [encoder.embeddings, *encoder.encoder.layer[: max(0, len(encoder.encoder.layer) - layers)]]
        for module in frozen:
            for parameter in module.parameters():
                parameter.requires_grad_(False)
    return [parameter for parameter in model.parameters() if parameter.requires_grad]


def _embed_in_length_chunks(model, texts: list[str], chunk_size: int):  # type: ignore[no-untyped-def]
    """Normalised embeddings of `texts` (in order), computed in chunks of similar token length."""
    import torch
    import torch.nn.functional as F

    lengths = [len(ids) for ids in model.tokenizer(texts, add_special_tokens=False)["input_ids"]]
    order = sorted(range(len(texts)), key=lengths.__getitem__)
    parts = []
    for start in range(0, len(order), chunk_size):
        rows = order[start : start + chunk_size]
        parts.append(model(model.preprocess([texts[row] for row in rows]))["sentence_embedding"])
    embeddings = torch.cat(parts)[torch.argsort(torch.tensor(order))]
    return F.normalize(embeddings, dim=-1)


def _passthrough():  # type: ignore[no-untyped-def]
    """Stands in for BERT's embedding layer when the input already is a frozen layer's output."""
    import torch

    class Passthrough(torch.nn.Module):
        def forward(self, input_ids=None, token_type_ids=None, position_ids=None, inputs_embeds=None, **_):  # type: ignore[no-untyped-def]
            return inputs_embeds

    return Passthrough()


class _TopLayers:
    """Embeddings computed by the trainable top layers only, from the frozen layers' output.

    The frozen part (embeddings and the lower layers) gives the same output for a question at every
    step, so it runs once per question before training; each step then runs only the top layers.
    """

    def __init__(self, model, texts: list[str], recipe: TuningRecipe) -> None:  # type: ignore[no-untyped-def]
        import torch

        self.model = model
        self.chunk_size = recipe.chunk_size
        encoder = model[0].auto_model
        self.encoder = encoder
        self.all_layers = encoder.encoder.layer
        self.embeddings = encoder.embeddings
        frozen = len(self.all_layers) - int(recipe.trainable_layers or 0)
        self.hidden: list[torch.Tensor] = [torch.empty(0)] * len(texts)
        # Only the frozen layers, on questions of similar length together (little padding).
        encoder.encoder.layer = torch.nn.ModuleList(list(self.all_layers)[:frozen])
        lengths = [len(ids) for ids in model.tokenizer(texts, add_special_tokens=False)["input_ids"]]
        order = sorted(range(len(texts)), key=lengths.__getitem__)
        model.eval()
        with torch.no_grad():
            for start in range(0, len(order), 64):
                rows = order[start : start + 64]
                features = model.preprocess([texts[row] for row in rows])
                states = encoder(
                    input_ids=features["input_ids"],
                    attention_mask=features["attention_mask"],
                    token_type_ids=features.get("token_type_ids"),
                ).last_hidden_state
                for index, length in enumerate(features["attention_mask"].sum(dim=1).tolist()):
                    self.hidden[rows[index]] = states[index, : int(length)].clone()
        model.train()
        encoder.encoder.layer = torch.nn.ModuleList(list(self.all_layers)[frozen:])
        encoder.embeddings = _passthrough()

    def __call__(self, rows: list[int]):  # type: ignore[no-untyped-def]
        import torch
        import torch.nn.functional as F

        order = sorted(range(len(rows)), key=lambda i: self.hidden[rows[i]].shape[0])
        parts = []
        for start in range(0, len(order), self.chunk_size):
            chunk = [self.hidden[rows[i]] for i in order[start : start + self.chunk_size]]
            longest = max(state.shape[0] for state in chunk)
            states = torch.stack([F.pad(state, (0, 0, 0, longest - state.shape[0])) for state in chunk])
            mask = torch.tensor([[1] * state.shape[0] + [0] * (longest - state.shape[0]) for state in chunk])
            tokens = self.encoder(inputs_embeds=states, attention_mask=mask).last_hidden_state
            features = {"token_embeddings": tokens, "attention_mask": mask}
            for module in list(self.model)[1:]:  # pooling (and normalising), as the model does
                features = module(features)
            parts.append(features["sentence_embedding"])
        embeddings = torch.cat(parts)[torch.argsort(torch.tensor(order))]
        return F.normalize(embeddings, dim=-1)

    def restore(self) -> None:
        self.encoder.encoder.layer = self.all_layers
        self.encoder.embeddings = self.embeddings
