#!/bin/bash
# run.sh - keyaudit against a hostile local user and hostile hosts (root).
# keyaudit runs as root among users who control their homes, and scans
# hosts that may lie; nothing either does may turn a read, a report or a
# prescription against the machine it runs on (issue 15). Each part-*.sh
# is one concern with its own accounts and ports, sourced in name order
# into one run that shares the counters of tests/lib.sh:
#
#   part-read.sh     read as the user: symlinks to root-only files, races,
#                    FIFOs, deep chains, --root  (accounts kasr*, 2300-2309)
#   part-budget.sh   hostile hosts: amplification, per-host budgets, the
#                    deadline  (kasb*, 2310-2319)
#   part-escape.sh   text from hosts in terminals, CSV, shells; temporary
#                    files  (kase*, 2320-2329)
#   part-fix.sh      prescriptions safe to run as root  (kasf*, 2330-2339)
#
#   tests/security/run.sh [PART...]   ends "security: N passed, N failed"
set -u
cd "$(dirname "$0")/../.." || exit 3
SUITE=security
. tests/lib.sh
KA=${KEYAUDIT:-$PWD/keyaudit}
t_need_root
t_setup
shopt -s nullglob
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(tests/security/part-*.sh)
for p in "${parts[@]}"; do
	[ -f "$p" ] || p=tests/security/part-$p.sh
	[ -f "$p" ] || { t_nok "no such part: $p"; continue; }
	echo "# --- ${p##*/}"
	# shellcheck disable=SC1090
	. "$p"
done
t_finish
