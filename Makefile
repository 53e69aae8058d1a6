# Doradca: two commands on a fresh machine, `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYENV_ROOT ?= $(shell pyenv root 2>/dev/null || echo $(HOME)/.pyenv)
# Rasa 3.6 needs Python 3.10; the action server and bot/ run on 3.11.
PYTHON_RASA ?= $(PYENV_ROOT)/versions/3.10.13/bin/python
PYTHON_ACTIONS ?= $(firstword $(wildcard $(PYENV_ROOT)/versions/3.11.*/bin/python) $(shell command -v python3.11))

ACTIONS_PY := .venv/actions/bin/python
export RASA_TELEMETRY_ENABLED := false
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help envs faq-check faq-nlu faq-index train run test test-rasa test-python validate clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

envs:  ## create (or reuse from the cache) the Rasa and actions environments
	@scripts/ensure-env.sh rasa "$(PYTHON_RASA)" requirements/rasa.txt
	@scripts/ensure-env.sh actions "$(PYTHON_ACTIONS)" requirements/actions.txt

faq-check: envs  ## validate the FAQ files (every problem with file and line)
	@$(ACTIONS_PY) -m bot.faq check

faq-nlu: faq-check  ## generate the 'faq' intent's NLU examples from the FAQ
	@$(ACTIONS_PY) -m bot.faq nlu

faq-index: faq-check  ## fine-tune the model on the FAQ (cached) and build the index (re-embeds only what changed)
	@$(ACTIONS_PY) -m bot.faq build

train: faq-nlu  ## train the Rasa model if data/, domain.yml or config.yml changed
	@scripts/train.sh

validate: faq-nlu  ## check the Rasa training data and domain
	scripts/rasa.sh data validate --fail-on-warnings

run: train faq-index  ## start Rasa, the action server and the web app; print the URLs
	$(ACTIONS_PY) -m bot run

test-rasa: train validate  ## Rasa's own test stories
	scripts/rasa.sh test core --stories tests/test_stories.yml --model models/doradca.tar.gz \
		--fail-on-prediction-errors --out var/test-results/rasa

test-python: train faq-index  ## pytest: unit tests, end-to-end conversations and the pages in Chromium
	@scripts/ensure-chromium.sh
	$(ACTIONS_PY) -m pytest

test: test-rasa test-python  ## everything CI runs; ends with pytest's summary

clean:  ## remove runtime state and the trained model (environments stay cached)
	rm -rf var models .pytest_cache
