#!/bin/bash
# run.sh - bench/latency's delay proxy counts round trips right: scripted
# exchanges with a known number of flights give that count, bytes pass in
# order, and real ssh and keyaudit sessions through it give the same count
# run after run (the count is causal, not timed). Root: an account (kllt)
# and a loopback sshd (127.0.0.1:2591; proxies on 2610-2619).
set -u
cd "$(dirname "$0")/../.." || exit 3
SUITE=latency
. tests/lib.sh
KA=${KA:-$PWD/keyaudit}
t_setup
D=$T_BASE
if ! cc -O2 -Wall -Wextra -Werror -o "$D/delayproxy" bench/latency/delayproxy.c; then
	t_nok "delayproxy builds"
	t_finish
	exit 1
fi
DELAY=20

# proxy PORT TARGET: a delay proxy, counts in $D/counts.PORT
proxy() {
	rm -f "$D/ready.$1"
	"$D/delayproxy" -d $DELAY -l "$1" -t "$2" -o "$D/counts.$1" -r "$D/ready.$1" &
	t_cleanup_add proc "$! delayproxy"
	for _ in $(seq 50); do [ -e "$D/ready.$1" ] && return 0; sleep 0.1; done
	return 1
}
# last PORT FIELD: FIELD of the newest connection the proxy of PORT logged
last() {
	for _ in $(seq 50); do [ -s "$D/counts.$1" ] && break; sleep 0.1; done
	tail -n 1 "$D/counts.$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}
# fresh PORT: forget what the proxy of PORT logged so far
fresh() {
	sleep 0.3
	: > "$D/counts.$1"
}

# --- scripted exchanges: the count is the number of flights
python3 tests/latency/peer.py server 2618 0 > "$D/srv0" 2>&1 &
t_cleanup_add pid $!
python3 tests/latency/peer.py server 2619 1 > "$D/srv1" 2>&1 &
t_cleanup_add pid $!
for _ in $(seq 50); do grep -q ready "$D/srv0" && grep -q ready "$D/srv1" && break; sleep 0.1; done
proxy 2610 2618 || t_nok "proxy on 2610 comes up"
proxy 2611 2619 || t_nok "proxy on 2611 comes up"
# flights per-flight-lines greeting expected-rt
while read -r fl per greet want; do
	port=$((2610 + greet))
	fresh $port
	python3 tests/latency/peer.py client $port "$greet" "$fl" "$per"
	got=$(last $port rt); ms=$(last $port ms)
	if [ "$got" = "$want" ]; then
		t_ok "$fl flight(s) of $per line(s)$([ "$greet" = 1 ] && echo " after a greeting"): $got round trips"
	else
		t_nok "$fl flight(s) of $per line(s), greeting $greet: $want round trips" "got: $(cat "$D/counts.$port")"
	fi
	# a lower bound only: each round trip waited 2 x DELAY at least
	if [ "${ms:-0}" -ge $((want * 2 * DELAY)) ]; then
		t_ok "  ...and took at least $want x $((2 * DELAY)) ms (${ms} ms)"
	else
		t_nok "  ...and took at least $want x $((2 * DELAY)) ms" "took ${ms:-?} ms"
	fi
done <<'CASES'
1 1 0 1
4 1 0 4
2 5 0 2
3 1 1 4
6 3 1 7
CASES

fresh 2610
read -r a b len < <(python3 tests/latency/peer.py bulk 2610 3000000)
if [ "$a" = "$b" ] && [ "$len" = 3000000 ]; then
	t_ok "3 MB through the proxy and back, every byte in order"
else
	t_nok "3 MB through the proxy and back, every byte in order" "sent $a, got $b ($len bytes)"
fi
# 20 clients at once: each counted alone
fresh 2610
for i in $(seq 20); do python3 tests/latency/peer.py client 2610 0 3 2 & done
wait $(jobs -p | tail -n 20) 2>/dev/null
sleep 0.3
got=$(sed -n 's/.* rt=\([0-9]*\) .*/\1/p' "$D/counts.2610" | sort | uniq -c | awk '{ print $1 "x" $2 }')
if [ "$got" = "20x3" ]; then
	t_ok "20 concurrent clients of 3 flights: 3 round trips each"
else
	t_nok "20 concurrent clients of 3 flights: 3 round trips each" "$got"
fi

# --- real ssh and keyaudit through the proxy: a stable count
t_user kllt || exit 1
ssh-keygen -q -t ed25519 -N '' -C kllt -f "$D/id" >/dev/null
t_keyfile kllt "$D/id.pub"
if t_sshd lt 127.0.0.1 2591; then
	proxy 2612 2591
	echo "[127.0.0.1]:2612 $(cut -d' ' -f1,2 "$D/lt/hk.pub")" > "$D/known_hosts"
	sshargs=(-p 2612 -i "$D/id" -o BatchMode=yes -o UserKnownHostsFile="$D/known_hosts"
	    -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes kllt@127.0.0.1)
	ssh "${sshargs[@]}" true 2>/dev/null	# warm up
	fresh 2612
	for i in 1 2 3 4 5; do ssh "${sshargs[@]}" true 2>"$D/ssh.err" || break; done
	sleep 0.3
	got=$(sed -n 's/.* rt=\([0-9]*\) .*/\1/p' "$D/counts.2612" | sort | uniq -c | awk '{ print $1 "x" $2 }')
	case $got in
	5x[1-9]|5x[1-9][0-9]) t_ok "ssh HOST true, 5 times: the same count each time ($got)" ;;
	*) t_nok "ssh HOST true, 5 times: the same count each time" "$got; $(cat "$D/ssh.err")" ;;
	esac
	fresh 2612
	for i in 1 2 3; do
		"$KA" scan kllt@127.0.0.1:2612 -i "$D/id" --known-hosts "$D/known_hosts" \
		    --timeout 30 --format json > "$D/ka.json" 2>"$D/ka.err"
	done
	sleep 0.3
	got=$(sed -n 's/.* rt=\([0-9]*\) .*/\1/p' "$D/counts.2612" | sort | uniq -c | awk '{ print $1 "x" $2 }')
	st=$(jq -r '.hosts[0].status' "$D/ka.json" 2>/dev/null)
	case $st:$got in
	scanned:3x[1-9]|scanned:3x[1-9][0-9]) t_ok "keyaudit scan, 3 times: scanned, the same count each time ($got)" ;;
	*) t_nok "keyaudit scan, 3 times: scanned, the same count each time" "status $st, $got; $(head -n 3 "$D/ka.err")" ;;
	esac
else
	t_skip "ssh and keyaudit through the proxy" "$T_SSHD_WHY"
fi
t_finish
