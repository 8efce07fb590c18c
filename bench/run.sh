#!/bin/sh
# Benchmark: keyaudit scan --snapshot over 10,000 accounts / 100,000
# authorized_keys lines against ssh-keygen -l -f over the same lines in one
# file, same machine, same run. keyaudit parses and checks every line;
# ssh-keygen only fingerprints. Prints both times (best of RUNS), the ratio
# and keyaudit's peak RSS. Not a test: numbers go in the closing note.
set -eu
cd "$(dirname "$0")/.."
ACCOUNTS=${ACCOUNTS:-10000}
PER=${PER:-10}
RUNS=${RUNS:-3}
OUT=bench/out
mkdir -p "$OUT"
cc -O2 -o "$OUT/gen" bench/gen.c
cc -O2 -o "$OUT/rss" bench/rss.c
[ -x ./keyaudit ] || make -s keyaudit

if [ ! -s "$OUT/pool.pub" ]; then
	: >"$OUT/pool.pub"
	i=0
	for spec in "ed25519" "ed25519" "ed25519" "ecdsa -b 256" "ecdsa -b 384" "ecdsa -b 521" \
	    "rsa -b 2048" "rsa -b 3072" "rsa -b 4096" "rsa -b 1024"; do
		for n in 1 2 3 4 5; do
			i=$((i + 1))
			# shellcheck disable=SC2086
			ssh-keygen -q -t $spec -N '' -C "bench$i@example" -f "$OUT/k$i" >/dev/null
			cat "$OUT/k$i.pub" >>"$OUT/pool.pub"
			rm -f "$OUT/k$i" "$OUT/k$i.pub"
		done
	done
fi
"$OUT/gen" "$OUT/pool.pub" "$ACCOUNTS" "$PER" "$OUT/snap.json" "$OUT/flat.txt"
lines=$(wc -l <"$OUT/flat.txt")
echo "input: $ACCOUNTS accounts, $lines authorized_keys lines, snapshot $(du -h "$OUT/snap.json" | cut -f1)"

best() { sort -n | head -n 1; }
ka_t=""; kg_t=""; ka_rss=0
for r in $(seq "$RUNS"); do
	"$OUT/rss" ./keyaudit scan --snapshot "$OUT/snap.json" --format json >"$OUT/report.json" 2>"$OUT/ka.time" || true
	set -- $(tail -n 1 "$OUT/ka.time"); ka_t="$ka_t $1"; [ "$2" -gt "$ka_rss" ] && ka_rss=$2
	"$OUT/rss" ssh-keygen -l -f "$OUT/flat.txt" >"$OUT/kg.out" 2>"$OUT/kg.time" || true
	kg_t="$kg_t $(tail -n 1 "$OUT/kg.time" | cut -d' ' -f1)"
done
ka=$(printf '%s\n' $ka_t | best)
kg=$(printf '%s\n' $kg_t | best)
findings=$(jq '.summary.findings' "$OUT/report.json" 2>/dev/null || echo "?")
fps=$(wc -l <"$OUT/kg.out")
echo "keyaudit scan --snapshot: ${ka}s (best of $RUNS), $findings findings, peak RSS $((ka_rss / 1024)) MiB"
echo "ssh-keygen -l -f:         ${kg}s (best of $RUNS), $fps fingerprints"
echo "ratio ssh-keygen/keyaudit: $(echo "$kg $ka" | awk '{ printf "%.2f", $1 / $2 }')x (above 1: keyaudit is faster)"
