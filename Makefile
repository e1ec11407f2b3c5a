# Cradle's developer commands. `make test` is the README's test command;
# `make fuzz` runs every fuzz target for FUZZTIME each (see scripts/fuzz.sh).

FUZZTIME ?= 30s
FUZZPARALLEL ?= 2
FUZZMINIMIZETIME ?= 2s

.PHONY: test fuzz

test:
	go test -race -gcflags='modernc.org/...=-d=checkptr=0' -count=1 -timeout 25m ./e2e ./internal/web ./internal/store ./internal/cli ./...

fuzz:
	FUZZTIME='$(FUZZTIME)' FUZZPARALLEL='$(FUZZPARALLEL)' FUZZMINIMIZETIME='$(FUZZMINIMIZETIME)' scripts/fuzz.sh
