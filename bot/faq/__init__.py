"""The FAQ engine: curated YAML knowledge base, embeddings in a FAISS index, hybrid retrieval,
and the decision to answer, ask "did you mean", or hand over.

Modules, from the files on disk to the answer:
  model       typed FAQ entries and sections
  loader      YAML files -> knowledge base, every problem with file and line
  embedder    sentence-transformers encoder (loaded in warm_up, offline)
  index       persisted FAISS index with a manifest; re-embeds only what changed
  lexical     BM25 over words and character n-grams
  retriever   hybrid scoring of entries
  decision    answer / clarify / fallback from calibrated thresholds
  engine      all of the above, reloaded when faq/ changes
  evaluation  `python -m bot.faq eval`
"""
