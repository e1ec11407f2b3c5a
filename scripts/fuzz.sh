#!/usr/bin/env bash
# Runs every Go fuzz target in the module, one at a time, for FUZZTIME each
# (default 30s) with FUZZPARALLEL workers (default 2), and prints the number
# of executions per target and in total. FUZZMINIMIZETIME (default 2s)
# bounds how long a worker shrinks each new input: Go's default of 60s can
# spend a short run's whole budget minimizing one large input (a measure
# definition, say) instead of fuzzing. Targets are found in the test
# files, so a new Fuzz function is run without being listed here.
# Every target runs even after one fails; the script fails if any did.
# FUZZPKGS narrows the packages (default ./...); FUZZNODB=1 leaves out those
# linking the database drivers (below).
#
# Each package's fuzzing test binary is built once (`go test -c -fuzz=.`)
# and run for each of its targets from the package's folder, as `go test
# -fuzz` does, with the same corpus cache. One `go test -fuzz` per target
# linked an instrumented binary 48 times: about 10 s a target, most of the
# script's time in CI for 2 s of fuzzing each.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime="${FUZZTIME:-30s}"
parallel="${FUZZPARALLEL:-2}"
minimize="${FUZZMINIMIZETIME:-2s}"
read -r -a pkgs <<<"${FUZZPKGS:-./...}"

# Targets are found in the source: `go test -list` would compile and link
# every package's test binary first (about 50 s in CI) only to name them.
# A Fuzz function has the signature go test requires of one, its name and
# parameter on one line as gofmt writes them.
targets=()
while read -r pkg dir; do
  while IFS= read -r name; do
    targets+=("$pkg $name")
  done < <(sed -nE 's/^func (Fuzz[A-Za-z0-9_]*)\([A-Za-z_][A-Za-z0-9_]* \*testing\.F\).*/\1/p' "$dir"/*_test.go | sort)
done < <(go list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}} {{.Dir}}{{end}}' "${pkgs[@]}" | sed '/^$/d')

# FUZZNODB=1 (CI) leaves out the packages whose tests link the database
# drivers (store, web, cli): fuzzing builds every package a binary links
# with coverage instrumentation, and instrumenting SQLite, translated to Go,
# is most of the script's time on an empty build cache. Their targets' seed
# corpora (every input that once found a bug) still run with the ordinary
# tests, and `make fuzz` fuzzes them.
if [ -n "${FUZZNODB:-}" ]; then
  declare -A links=()
  kept=()
  skipped=()
  for t in "${targets[@]}"; do
    read -r pkg name <<<"$t"
    if [ -z "${links[$pkg]:-}" ]; then
      links[$pkg]=no
      # Read the whole list before matching: `go list | grep -q` under
      # pipefail failed whenever grep's early exit cut go list's output
      # (SIGPIPE), and the package was fuzzed as if it linked no driver.
      deps=$(go list -deps -test "$pkg")
      if grep -qx 'modernc.org/sqlite' <<<"$deps"; then
        links[$pkg]=yes
      fi
    fi
    if [ "${links[$pkg]}" = yes ]; then
      skipped+=("$pkg $name")
    else
      kept+=("$t")
    fi
  done
  targets=("${kept[@]}")
  echo "fuzz: FUZZNODB set: ${#skipped[@]} target(s) in packages linking the database drivers left out (their seed corpora run with the tests):"
  printf '  %s\n' "${skipped[@]}"
fi

if [ "${#targets[@]}" -eq 0 ]; then
  echo "fuzz: no fuzz targets found" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log="$work/log"
cache="$(go env GOCACHE)/fuzz"
start=$SECONDS
total=0
failed=()
built=""
printf '%-55s %-28s %14s\n' "package" "target" "executions"
for t in "${targets[@]}"; do
  read -r pkg name <<<"$t"
  status=ok
  bin="$work/$(tr '/.' '__' <<<"$pkg").test"
  if [ "$built" != "$pkg" ]; then
    built=$pkg
    dir=$(go list -f '{{.Dir}}' "$pkg")
    if ! go test -c -fuzz=. -o "$bin" "$pkg" >"$work/build" 2>&1; then
      cat "$work/build" >&2
    fi
  fi
  if [ ! -x "$bin" ]; then
    echo "could not build the fuzzing test binary of $pkg" >"$log"
    status=FAILED
    failed+=("$pkg $name")
  elif ! (cd "$dir" && "$bin" -test.run='^$' -test.fuzz="^${name}\$" -test.fuzztime="$fuzztime" \
    -test.fuzzminimizetime="$minimize" -test.parallel="$parallel" -test.fuzzcachedir="$cache/$pkg") >"$log" 2>&1; then
    status=FAILED
    # Go 1.26's coordinator can report its own -fuzztime deadline as a
    # failure (golang/go#75804, fixed in Go 1.27): the only complaint is
    # "context deadline exceeded", with no failing input written and no seed
    # failing. That is a clean stop, not a crash.
    if grep -qx '    context deadline exceeded' "$log" && ! grep -q 'Failing input written' "$log" &&
      ! grep -qE -- '--- FAIL: [^ ]+/' "$log" && ! grep -q '^panic:' "$log"; then
      status=ok
    else
      failed+=("$pkg $name")
    fi
  fi
  # The last progress line holds the final count: "fuzz: elapsed: 5s, execs: 20468 (4093/sec), ...".
  # A very short run can end before Go's first progress line: count 0 then.
  execs=$({ grep -o 'execs: [0-9]*' "$log" || true; } | tail -n 1 | awk '{print $2}')
  execs=${execs:-0}
  total=$((total + execs))
  if [ "$status" = ok ]; then
    printf '%-55s %-28s %14s\n' "$pkg" "$name" "$execs"
  else
    printf '%-55s %-28s %14s FAILED\n' "$pkg" "$name" "$execs"
    sed 's/^/    /' "$log"
  fi
done
printf '%-55s %-28s %14s\n' "total (${#targets[@]} targets, $((SECONDS - start))s)" "" "$total"
echo "fuzz executions: $total"

if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz: ${#failed[@]} target(s) failed:" >&2
  printf '  %s\n' "${failed[@]}" >&2
  echo "Failing inputs are written under the package's testdata/fuzz/<target>/; commit them with the fix." >&2
  exit 1
fi
