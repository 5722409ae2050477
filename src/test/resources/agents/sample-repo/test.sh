#!/usr/bin/env bash
# Runs calc.sh's checks and prints how many passed.
source "$(dirname "$0")/calc.sh"
passed=0
failed=0
check() { if [ "$1" = "$2" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: expected $2, got $1"; fi; }
check "$(add 2 3)" 5
check "$(add 10 -4)" 6
if [ "$failed" -eq 0 ]; then echo "$passed passed"; else echo "$passed passed, $failed failed"; exit 1; fi
