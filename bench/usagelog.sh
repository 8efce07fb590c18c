#!/bin/sh
# Benchmark: scanner/parse/usagelog.c (bench/usagelog_bench.c over
# usagelog_read_file) against `grep -c 'Accepted publickey'` on the same
# generated auth.log, same machine, same run, the file in the page cache
# for both; each runs RUNS times (default 5), alternating, and the fastest
# run counts (the machine is shared: the best run is the one least
# disturbed). Prints MB/s of both,
# the ratio keyaudit/grep (the target is 1.5 or less) and the driver's peak
# RSS at two sizes, to show it does not grow with the file. The logs are
# made under /var/tmp and deleted at the end. Not a test: the numbers go in
# the closing note.
set -eu
cd "$(dirname "$0")/.."
DRIVER=${BENCH_DRIVER:-build/bench/usagelog_bench}
MB=${USAGELOG_MB:-1000}
SMALL_MB=${USAGELOG_SMALL_MB:-100}
DIR=${USAGELOG_DIR:-/var/tmp}
RUNS=${USAGELOG_RUNS:-5}
[ -x "$DRIVER" ] || make -s "$DRIVER"
[ -x /usr/bin/time ] || { echo "usagelog.sh: needs GNU time (/usr/bin/time)" >&2; exit 2; }

big=$(mktemp "$DIR/keyaudit-usagelog-XXXXXX")
small=$(mktemp "$DIR/keyaudit-usagelog-XXXXXX")
out=$(mktemp)
trap 'rm -f "$big" "$small" "$out" "$out.rss"' EXIT INT TERM
"$DRIVER" -g "$MB" "$big"
"$DRIVER" -g "$SMALL_MB" "$small"
bytes=$(wc -c <"$big")
lines=$(wc -l <"$big")

# run CMD...: its seconds in $secs, peak RSS (KiB) in $rss, stdout in $out
run() {
	t0=$(date +%s%N)
	/usr/bin/time -f %M -o "$out.rss" "$@" >"$out"
	t1=$(date +%s%N)
	secs=$(echo "$t0 $t1" | awk '{ printf "%.3f", ($2 - $1) / 1e9 }')
	rss=$(tail -n 1 "$out.rss")
}
mbs() { echo "$bytes $1" | awk '{ printf "%.0f", $1 / 1e6 / $2 }'; }

cat "$big" >/dev/null
grep_s=; ka_s=
for i in $(seq "$RUNS"); do
	run grep -c 'Accepted publickey' "$big"
	[ -z "$grep_s" ] || awk -v a="$secs" -v b="$grep_s" 'BEGIN { exit !(a < b) }' && grep_s=$secs
	grep_n=$(cat "$out")
	run "$DRIVER" "$big"
	[ -z "$ka_s" ] || awk -v a="$secs" -v b="$ka_s" 'BEGIN { exit !(a < b) }' && ka_s=$secs
	ka_rss=$rss
	ka_out=$(cat "$out")
done
ka_n=${ka_out%% accepted*}
cat "$small" >/dev/null
run "$DRIVER" "$small"
run "$DRIVER" "$small"
small_rss=$rss

echo "input: $((bytes / 1000000)) MB auth.log, $lines lines, $grep_n \"Accepted publickey\" lines, in $DIR"
echo "grep -c 'Accepted publickey': ${grep_s}s $(mbs "$grep_s") MB/s (best of $RUNS)"
echo "usagelog_read_file:           ${ka_s}s $(mbs "$ka_s") MB/s (best of $RUNS; $ka_out)"
echo "ratio keyaudit/grep: $(echo "$ka_s $grep_s" | awk '{ printf "%.2f", $1 / $2 }') (target <= 1.5)"
echo "driver peak RSS: ${small_rss} KiB at $SMALL_MB MB, ${ka_rss} KiB at $MB MB"
if [ "$ka_n" != "$grep_n" ]; then
	echo "usagelog.sh: keyaudit counted $ka_n logins, grep $grep_n lines" >&2
	exit 1
fi
