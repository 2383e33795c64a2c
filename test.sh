#!/usr/bin/env bash
# Runs the whole test suite of every module in this repository with the race
# detector. Usage: ./test.sh [extra go test flags]
set -euo pipefail
cd "$(dirname "$0")"
status=0
for mod in $(git ls-files '*go.mod' 2>/dev/null | xargs -n1 dirname | sort || echo .); do
	# A module of tools only (api/) has no package to test.
	[ -n "$(git ls-files -- "$mod/*.go" 2>/dev/null)" ] || continue
	echo "== go test -race ./... ($mod)"
	(cd "$mod" && go test -race -count=1 "$@" ./...) || status=1
done
exit $status
