#!/bin/sh
# Every libFuzzer target over its committed seed corpus, then a few seconds
# of fuzzing each: enough to catch a crash on known inputs in `make check`.
# `make fuzz` runs them for longer.
set -u
cd "$(dirname "$0")/../.." || exit 3
SUITE=fuzz
. tests/lib.sh
t_setup "${TMPDIR:-/tmp}"	# no sshd StrictModes walk starts below it
secs=${FUZZ_SMOKE_SECONDS:-5}
for bin in build-fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	name=${bin#build-fuzz/fuzz_}
	corpus=tests/fuzz/corpus/$name
	work=$T_BASE/$name
	mkdir "$work"
	[ -d "$corpus" ] && cp -r "$corpus"/. "$work"/ 2>/dev/null
	if "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
	    -print_final_stats=1 -artifact_prefix="$work/" "$work" >"$work.log" 2>&1; then
		execs=$(sed -n 's/.*stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$work.log")
		[ -n "$execs" ] || execs=$(grep -o 'Done [0-9]* runs' "$work.log" | tail -n 1)
		t_ok "fuzz_$name ($secs s, ${execs:-?} runs)"
	else
		t_nok "fuzz_$name" "$(tail -n 20 "$work.log")"
	fi
	rm -rf "$work" "$work.log"
done
t_finish
