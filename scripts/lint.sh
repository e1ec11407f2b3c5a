#!/usr/bin/env bash
# Hardening checks: gofmt, go vet and staticcheck over the whole module,
# tests included, and gosec over all of it but the browser tests (below).
# Each prints one line when clean and fails the
# script on any finding. staticcheck and gosec are tool dependencies of
# tools/go.mod, kept apart from the application's go.mod so their own
# dependencies never move the application's versions; `go build -modfile`
# fetches them through the module proxy on first use.
#
# A finding that is not a real problem is justified where it is:
#   //lint:ignore CHECK reason               (staticcheck)
#   // #nosec Gxxx -- reason                  (gosec refuses one without both)
set -euo pipefail
cd "$(dirname "$0")/.."

took() { echo "$((SECONDS - $1))s"; }

# The two tools, built (or linked from the build cache) into a folder of
# their own, before GOFLAGS below applies: built with -race they would run
# several times slower.
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
start=$SECONDS
GOFLAGS= go build -modfile=tools/go.mod -o "$bin/" honnef.co/go/tools/cmd/staticcheck github.com/securego/gosec/v2/cmd/gosec
echo "tools:       staticcheck and gosec built ($(took $start))"

# go vet and staticcheck compile every dependency for its export data.
# With the test command's build flags they compile them as the tests do,
# so that `go test` finds them in the build cache rather than compiling
# them all again (on a fresh machine, most of go vet's time is compiling).
export GOFLAGS="-race -gcflags=modernc.org/...=-d=checkptr=0"
# How many annotations match; grep exits 1 on none, and none is fine.
count() { { grep -rhoE --include='*.go' --exclude-dir=node_modules --exclude-dir=.git "$1" . || true; } | wc -l | tr -d ' '; }

mapfile -t files < <(find . -name '*.go' -not -path './.git/*' -not -path '*/node_modules/*' | sort)
lines=$(cat "${files[@]}" | wc -l | tr -d ' ')
packages=$(go list ./... | wc -l | tr -d ' ')

start=$SECONDS
unformatted=$(gofmt -l "${files[@]}")
if [ -n "$unformatted" ]; then
  echo "gofmt: these files are not formatted (run gofmt -w):"; echo "$unformatted"; exit 1
fi
echo "gofmt:       ${#files[@]} files, ${lines} lines, 0 unformatted ($(took $start))"

start=$SECONDS
go vet ./...
echo "go vet:      ${packages} packages, 0 issues ($(took $start))"

start=$SECONDS
"$bin/staticcheck" ./...
echo "staticcheck: ${packages} packages with their tests, 0 issues, $(count '//lint:ignore [A-Z0-9,]+ ') justified //lint:ignore ($(took $start))"

# -quiet prints nothing unless gosec finds something; gosec exits non-zero
# on any finding, and on a #nosec that lacks a rule or a "-- reason".
# The browser tests (./e2e, test code only: they drive Chromium and the
# built binary) are left out: gosec type-checks every dependency from
# source, and theirs (chromedp's generated DevTools protocol) took 3 of
# its 3.5 minutes. go vet and staticcheck check them.
start=$SECONDS
"$bin/gosec" -quiet -tests -exclude-dir=e2e -nosec-require-rules -nosec-require-justification ./...
gofiles=$(printf '%s\n' "${files[@]}" | grep -vc '^\./e2e/')
echo "gosec:       ${gofiles} files (all but ./e2e) with tests, 0 issues, $(count '#nosec G[0-9]+') justified #nosec ($(took $start))"
