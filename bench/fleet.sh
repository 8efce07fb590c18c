#!/bin/bash
# fleet.sh - keyaudit scanning a loopback fleet against what people use
# instead, on the same hosts at the same concurrency, in one run (root):
#
#   1. keyaudit scan -f hosts -j J
#   2. the floor: xargs -P J ssh -o BatchMode=yes HOST true
#   3. the admin script: xargs -P J ssh HOST 'stat ...; cat ...'
#   4. ssh-audit -T targets --threads J (handshake only)
#
# S real sshd instances (tests/fleet/lib.sh) on 127.0.0.10N:2200 serve
# ENTRIES inventory entries (ssh_config aliases h0001.. round-robin).
# Client CPU is the scanning side only (user+sys of the client and its
# children, not the sshd servers); peak RSS is the client's.
#
#   bench/fleet.sh [--hosts ENTRIES] [--jobs J] [--servers S]
set -u
cd "$(dirname "$0")/.." || exit 3
ENTRIES=1000; J=32; S=20
while [ $# -gt 0 ]; do
	case $1 in
	--hosts) ENTRIES=$2; shift 2 ;;
	--jobs) J=$2; shift 2 ;;
	--servers) S=$2; shift 2 ;;
	*) echo "usage: bench/fleet.sh [--hosts N] [--jobs J] [--servers S]" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" -eq 0 ] || { echo "bench/fleet.sh: needs root (it starts sshd instances)" >&2; exit 2; }
for t in /usr/bin/time ssh-audit jq bc; do
	command -v $t >/dev/null || { echo "bench/fleet.sh: needs $t (make deps)" >&2; exit 2; }
done
KA=$PWD/keyaudit
[ -x "$KA" ] || { echo "bench/fleet.sh: build keyaudit first (make)" >&2; exit 2; }
SUITE=bench-fleet
. tests/lib.sh
. tests/fleet/lib.sh
[ -n "${KEEP:-}" ] && KA_TEST_KEEP=1
t_setup /srv	# its EXIT trap stops the fleet and removes its accounts
D=$T_BASE
[ "$S" -gt 12 ] || S=13	# more than 12: the all-healthy set
echo "starting $S sshd instances..."
fleet_start "$D" "$S" >/dev/null || exit 1

# ENTRIES aliases over the S instances
{
	for n in $(seq 1 "$ENTRIES"); do
		i=$(( (n - 1) % S + 1 ))
		printf 'Host h%04d\n  HostName 127.0.0.%d\n' "$n" $((100 + i))
	done
	cat "$D/ssh_config"
} > "$D/bench_config"
seq -f 'h%04.0f' 1 "$ENTRIES" > "$D/aliases"
for n in $(seq 1 "$ENTRIES"); do
	echo "127.0.0.$((100 + (n - 1) % S + 1)):$FLEET_PORT"
done > "$D/targets"
# Warm up every instance once (page cache, sshd's first fork).
xargs -P "$J" -I{} ssh -F "$D/bench_config" -o BatchMode=yes {} true < <(head -n "$S" "$D/aliases") 2>/dev/null

# run NAME CMD...: wall seconds, client user+sys seconds, peak RSS (KiB)
run() {
	name=$1; shift
	/usr/bin/time -f "%e %U %S %M" -o "$D/time.$name" "$@" > "$D/out.$name" 2> "$D/err.$name"
	echo $? > "$D/rc.$name"
	read -r wall usr sys rss < <(tail -n 1 "$D/time.$name")
	cpu=$(echo "$usr + $sys" | bc)
	eval "W_$name=$wall C_$name=$cpu R_$name=$rss"
}
run keyaudit "$KA" scan -f "$D/aliases" -F "$D/bench_config" -j "$J" --timeout 60 --quiet --format json
run floor xargs -P "$J" -I{} ssh -F "$D/bench_config" -o BatchMode=yes {} true < "$D/aliases"
run admin xargs -P "$J" -I{} ssh -F "$D/bench_config" -o BatchMode=yes {} \
    'stat -c "%a %U %G %n" /etc/ssh/sshd_config ~/.ssh ~/.ssh/authorized_keys; cat /etc/ssh/sshd_config ~/.ssh/authorized_keys' < "$D/aliases"
run sshaudit ssh-audit -T "$D/targets" --threads="$J" -t 30

ok_ka=$(jq '[.hosts[] | select(.target != "fleet" and .status == "scanned")] | length' "$D/out.keyaudit" 2>/dev/null)
ok_floor=$(grep -c . "$D/err.floor" 2>/dev/null)
echo
echo "fleet benchmark: $ENTRIES entries on $S sshd instances, $J at once, $(nproc) cores"
printf '%-10s %9s %9s %14s %12s  %s\n' tool "wall s" "hosts/s" "CPU ms/host" "peak RSS" "notes"
for t in keyaudit floor admin sshaudit; do
	eval "w=\$W_$t c=\$C_$t r=\$R_$t"
	hps=$(echo "scale=1; $ENTRIES / $w" | bc)
	cph=$(echo "scale=2; $c * 1000 / $ENTRIES" | bc)
	case $t in
	keyaudit) note="exit $(cat "$D/rc.$t"), ${ok_ka:-?}/$ENTRIES scanned" ;;
	floor) note="exit $(cat "$D/rc.$t"), ${ok_floor} lines on stderr" ;;
	admin) note="exit $(cat "$D/rc.$t"), $(wc -c < "$D/out.$t") bytes" ;;
	sshaudit) note="exit $(cat "$D/rc.$t") (handshake only)" ;;
	esac
	printf '%-10s %9s %9s %14s %9s KiB  %s\n' "$t" "$w" "$hps" "$cph" "$r" "$note"
	eval "H_$t=$hps"
done
echo
echo "keyaudit / floor (hosts/s):     $(echo "scale=2; $H_keyaudit / $H_floor" | bc)  (target >= 1)"
echo "keyaudit / admin (hosts/s):     $(echo "scale=2; $H_keyaudit / $H_admin" | bc)  (target >= 3)"
echo "keyaudit / ssh-audit (hosts/s): $(echo "scale=2; $H_keyaudit / $H_sshaudit" | bc)"
echo "keyaudit peak RSS:              $(echo "scale=1; $R_keyaudit / 1024" | bc) MiB (target < 64)"
echo "keyaudit / floor (client CPU per host): $(echo "scale=2; $C_keyaudit / $C_floor" | bc)"
