# Two commands: `make run` and `make test`. Each sets up whatever is missing
# (virtualenv, dependencies, knowledge base, model) and skips what is current.
SHELL := /bin/bash
PY := .venv/bin/python

export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test setup kb model widget system-deps benchmark clean

## run: set up and start the bot (REST and socket.io on :5005, actions on :5055,
## widget demo page on :8000)
run: model widget
	scripts/run_servers.sh

## test: set up and run every test
test: system-deps model widget
	scripts/test.sh

setup:
	scripts/bootstrap.sh

## kb: build the knowledge base from knowledge/sources and knowledge/curated
kb: setup
	$(PY) -m knowledge.build

## model: train the Rasa model when config, domain or data changed
model: kb
	scripts/train_if_changed.sh

## widget: install the web widget's npm packages and bundle it (bot/widget/dist)
widget:
	scripts/build_widget.sh

system-deps:
	scripts/system_deps.sh

benchmark: model
	$(PY) scripts/benchmark.py --out docs/benchmarks.md

clean:
	rm -rf build models results test-artifacts
