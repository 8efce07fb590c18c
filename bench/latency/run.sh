#!/bin/bash
# bench/latency/run.sh - the cost of latency: keyaudit's full remote audit
# against `ssh -o BatchMode=yes HOST true` and ssh-audit, through
# delayproxy (bench/latency/delayproxy.c: RTT = 2 x its delay) in front of
# one loopback sshd, in one run (root):
#
#   - round trips and connections per host, counted by the proxy (causal
#     depth, see delayproxy.c), at 0 delay
#   - wall time at equal concurrency and over a -j sweep at 50 and 100 ms RTT
#   - client CPU per host (user+sys of the tool and its children) and peak
#     RSS; RSS per concurrent host from the slope between two -j
#   - keyaudit at -j 512 over 512 hosts (100 ms RTT), for real
#   - the projection: 10,000 hosts at 100 ms RTT on this machine
#
#   bench/latency/run.sh [--hosts N] [--jobs "J1 J2 ..."] [--equal J] [--no-512]
#
# Accounts: kllat (removed at exit). Ports: sshd 127.0.0.1:2590, proxies
# 127.0.0.1:2600 (no delay), 2601 (25 ms each way), 2602 (50 ms each way).
# Not a test: no assertion on time; tests/latency checks the counting.
set -u
cd "$(dirname "$0")/../.." || exit 3
N=40; JOBS="8 20 40"; EQ=20; BIG=512
while [ $# -gt 0 ]; do
	case $1 in
	--hosts) N=$2; shift 2 ;;
	--jobs) JOBS=$2; shift 2 ;;
	--equal) EQ=$2; shift 2 ;;
	--no-512) BIG=0; shift ;;
	*) echo "usage: bench/latency/run.sh [--hosts N] [--jobs \"J...\"] [--equal J] [--no-512]" >&2
	   exit 2 ;;
	esac
done
case " $JOBS " in *" $EQ "*) ;; *) JOBS="$JOBS $EQ" ;; esac
[ "$(id -u)" -eq 0 ] || { echo "bench/latency: needs root (accounts, sshd)" >&2; exit 2; }
for t in /usr/bin/time ssh-audit jq awk cc; do
	command -v $t >/dev/null || { echo "bench/latency: needs $t (make deps)" >&2; exit 2; }
done
KA=${KA:-$PWD/keyaudit}
[ -x "$KA" ] || { echo "bench/latency: build keyaudit first (make)" >&2; exit 2; }
SUITE=bench-latency
. tests/lib.sh
[ -n "${KEEP:-}" ] && KA_TEST_KEEP=1
t_setup /srv
D=$T_BASE
cc -O2 -Wall -Wextra -o "$D/delayproxy" bench/latency/delayproxy.c || exit 1

SSHD_PORT=2590
t_user kllat || exit 1
t_cleanup_add file /etc/sudoers.d/keyaudit-kllat
echo 'kllat ALL=(root) NOPASSWD: ALL' > /etc/sudoers.d/keyaudit-kllat
chmod 440 /etc/sudoers.d/keyaudit-kllat
ssh-keygen -q -t ed25519 -N '' -C kllat -f "$D/id" >/dev/null
t_keyfile kllat "$D/id.pub"
# MaxStartups: hundreds of handshakes at once are the point here
t_sshd lat 127.0.0.1 $SSHD_PORT "MaxStartups 2000" "MaxSessions 10" || exit 1

declare -A DELAY=([0]=0 [50]=25 [100]=50)
declare -A PPORT=([0]=2600 [50]=2601 [100]=2602)
for r in 0 50 100; do
	p=${PPORT[$r]}
	"$D/delayproxy" -d "${DELAY[$r]}" -l "$p" -t $SSHD_PORT -o "$D/counts.$r" -r "$D/ready.$r" &
	t_cleanup_add proc "$! delayproxy"
	echo "[127.0.0.1]:$p $(cut -d' ' -f1,2 "$D/lat/hk.pub")" >> "$D/known_hosts"
done
for i in $(seq 50); do [ -e "$D/ready.0" ] && [ -e "$D/ready.50" ] && [ -e "$D/ready.100" ] && break; sleep 0.1; done

# hosts RTT COUNT: an ssh_config of COUNT aliases through the proxy of RTT,
# and the alias list and ssh-audit target list for it
hosts() {
	local r=$1 n=$2
	{
		for i in $(seq 1 "$n"); do printf 'Host h%04d\n  HostName 127.0.0.1\n' "$i"; done
		printf 'Host *\n  Port %s\n  User kllat\n  IdentityFile %s\n' "${PPORT[$r]}" "$D/id"
		printf '  UserKnownHostsFile %s\n  GlobalKnownHostsFile /dev/null\n' "$D/known_hosts"
		printf '  StrictHostKeyChecking yes\n  BatchMode yes\n'
	} > "$D/cfg.$r.$n"
	seq -f 'h%04.0f' 1 "$n" > "$D/aliases.$n"
	yes "127.0.0.1:${PPORT[$r]}" | head -n "$n" > "$D/targets.$r.$n"
}

# cmd TOOL RTT N J: the command line of TOOL over N hosts, J at once
cmd() {
	local r=$2 n=$3 j=$4
	case $1 in
	keyaudit) echo "$KA scan -f $D/aliases.$n -F $D/cfg.$r.$n --known-hosts $D/known_hosts" \
	    "-i $D/id --sudo -j $j --timeout 120 --quiet --format json" ;;
	ssh) echo "xargs -P $j -I{} ssh -F $D/cfg.$r.$n {} true" ;;
	ssh-audit) echo "ssh-audit -T $D/targets.$r.$n --threads=$j -t 60 -b -n" ;;
	esac
}

# run TOOL RTT N J: one measured run; sets wall cpu rss rt conns ok
run() {
	local tool=$1 r=$2 n=$3 j=$4 before after c
	before=$(wc -l < "$D/counts.$r")
	# shellcheck disable=SC2046
	if [ "$tool" = ssh ]; then
		/usr/bin/time -f "%e %U %S %M" -o "$D/time" $(cmd "$tool" "$r" "$n" "$j") \
		    < "$D/aliases.$n" > "$D/out" 2> "$D/err"
	else
		/usr/bin/time -f "%e %U %S %M" -o "$D/time" $(cmd "$tool" "$r" "$n" "$j") \
		    < /dev/null > "$D/out" 2> "$D/err"
	fi
	# the proxy logs a connection when both ends closed, and a loaded
	# sshd takes its time: wait for one line a host, or a log quiet for
	# 2 s (ssh-audit makes several connections a host), 20 s at most
	after=$(wc -l < "$D/counts.$r"); quiet=0
	for _ in $(seq 100); do
		[ $((after - before)) -ge "$n" ] && [ "$tool" != ssh-audit ] && break
		[ "$quiet" -ge 10 ] && break
		sleep 0.2
		c=$(wc -l < "$D/counts.$r")
		if [ "$c" = "$after" ]; then quiet=$((quiet + 1)); else quiet=0; after=$c; fi
	done
	read -r wall usr sys rss < <(tail -n 1 "$D/time")
	cpu=$(awk -v u="$usr" -v s="$sys" 'BEGIN { print u + s }')
	c=$(sed -n "$((before + 1)),${after}p" "$D/counts.$r")
	conns=$(printf '%s\n' "$c" | grep -c rt=)
	rt=$(printf '%s\n' "$c" | sed -n 's/.* rt=\([0-9]*\) .*/\1/p' | awk -v n="$n" '{ s += $1 } END { printf "%.1f", s / n }')
	rtset=$(printf '%s\n' "$c" | sed -n 's/.* rt=\([0-9]*\) .*/\1/p' | sort -n | uniq -c | awk '{ printf "%s%sx%s", (NR > 1 ? " " : ""), $1, $2 }')
	case $tool in
	keyaudit) ok=$(jq '[.hosts[] | select(.target != "fleet" and .status == "scanned")] | length' "$D/out" 2>/dev/null) ;;
	ssh) ok=$((n - $(grep -c . "$D/err"))) ;;
	ssh-audit) ok=$(grep -c 'banner' "$D/out") ;;
	esac
}

TOOLS="keyaudit ssh ssh-audit"
for r in 0 50 100; do hosts $r "$N"; done
# warm up: page cache, sshd's first forks, sudo's
for tool in $TOOLS; do run $tool 0 "$N" "$EQ"; done

JS=$(echo $JOBS | tr ' ' '\n' | sort -n)
JLO=$(echo "$JS" | head -n 1); JHI=$(echo "$JS" | tail -n 1)
# Round trips are counted at 100 ms RTT and the lowest -j: the count is
# causal, it holds while each side answers within the 50 ms delay, which a
# loaded sshd (or the zero-delay proxy) does not promise.
echo "== round trips per host (proxy at 100 ms RTT, $N hosts, -j $JLO); client CPU per host (no delay, -j $EQ)"
printf '%-10s %8s %10s %8s %12s  %s\n' tool "RT/host" "conn/host" "ok" "CPU ms/host" "per connection: count x RT"
for tool in $TOOLS; do
	run $tool 0 "$N" "$EQ"
	k=${tool//-/_}
	eval "CPU0_$k=$(awk -v c="$cpu" -v n="$N" 'BEGIN { printf "%.4f", c / n }')"
	run $tool 100 "$N" "$JLO"
	eval "RT_$k=$rt"
	printf '%-10s %8s %10s %8s %12s  %s\n' $tool "$rt" "$(awk -v c="$conns" -v n="$N" 'BEGIN { printf "%.1f", c / n }')" "$ok/$N" "$(eval "awk -v c=\$CPU0_$k 'BEGIN { printf \"%.1f\", c * 1000 }'")" "$rtset"
done

echo
echo "== wall time, client CPU and peak RSS ($N hosts through the proxy)"
printf '%-10s %5s %5s %8s %9s %12s %10s %8s\n' tool RTT -j "wall s" "hosts/s" "CPU ms/host" "RSS KiB" ok
for r in 50 100; do
	for tool in $TOOLS; do
		best=
		for j in $JOBS; do
			run $tool $r "$N" "$j"
			printf '%-10s %5s %5s %8s %9s %12s %10s %8s\n' $tool "$r" "$j" "$wall" \
			    "$(awk -v w="$wall" -v n="$N" 'BEGIN { printf "%.1f", n / w }')" \
			    "$(awk -v c="$cpu" -v n="$N" 'BEGIN { printf "%.1f", c * 1000 / n }')" "$rss" "$ok/$N"
			k=${tool//-/_}
			eval "W_${k}_${r}_$j=$wall RSS_${k}_$j=$rss CPU_${k}_${r}_$j=$cpu"
			if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then
				best=$wall; bestj=$j
			fi
		done
		eval "BEST_${k}_$r=$best BESTJ_${k}_$r=$bestj"
	done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "?" }'; }
echo
echo "== ratios (wall time; above 1: keyaudit is slower)"
printf '%-6s %-22s %14s %18s\n' RTT "" "keyaudit/ssh" "keyaudit/ssh-audit"
for r in 50 100; do
	eval "a=\$W_keyaudit_${r}_$EQ b=\$W_ssh_${r}_$EQ c=\$W_ssh_audit_${r}_$EQ"
	printf '%-6s %-22s %14s %18s\n' "$r ms" "equal -j $EQ" "$(ratio "$a" "$b")" "$(ratio "$a" "$c")"
	eval "a=\$BEST_keyaudit_$r b=\$BEST_ssh_$r c=\$BEST_ssh_audit_$r"
	eval "ja=\$BESTJ_keyaudit_$r jb=\$BESTJ_ssh_$r jc=\$BESTJ_ssh_audit_$r"
	printf '%-6s %-22s %14s %18s\n' "$r ms" "best -j ($ja/$jb/$jc)" "$(ratio "$a" "$b")" "$(ratio "$a" "$c")"
done
printf '%-6s %-22s %14s %18s\n' "" "round trips per host" "$(ratio "$RT_keyaudit" "$RT_ssh")" "$(ratio "$RT_keyaudit" "$RT_ssh_audit")"
printf '%-6s %-22s %14s %18s\n' "" "client CPU per host" "$(ratio "$CPU0_keyaudit" "$CPU0_ssh")" "$(ratio "$CPU0_keyaudit" "$CPU0_ssh_audit")"

echo
echo "== RSS per concurrent host (peak RSS at 100 ms RTT; slope between -j $JLO and -j $JHI)"
for tool in $TOOLS; do
	k=${tool//-/_}
	eval "lo=\$RSS_${k}_$JLO hi=\$RSS_${k}_$JHI"
	case $tool in
	ssh) echo "ssh        one process per host: $hi KiB each (peak of one ssh)" ;;
	*) printf '%-10s %s KiB at -j %s, %s KiB at -j %s: %s KiB per concurrent host\n' "$tool" \
	    "$lo" "$JLO" "$hi" "$JHI" "$(awk -v a="$lo" -v b="$hi" -v x="$JLO" -v y="$JHI" 'BEGIN { printf "%.0f", (b - a) / (y - x) }')" ;;
	esac
done
eval "KA_LO=\$RSS_keyaudit_$JLO KA_HI=\$RSS_keyaudit_$JHI"
SLOPE=$(awk -v a="$KA_LO" -v b="$KA_HI" -v x="$JLO" -v y="$JHI" 'BEGIN { printf "%.1f", (b - a) / (y - x) }')
BASE=$(awk -v a="$KA_LO" -v s="$SLOPE" -v x="$JLO" 'BEGIN { printf "%.0f", a - s * x }')

RSS512=
if [ "$BIG" -gt 0 ]; then
	echo
	echo "== keyaudit -j $BIG over $BIG hosts at 100 ms RTT"
	hosts 100 "$BIG"
	run keyaudit 100 "$BIG" "$BIG"
	RSS512=$rss
	echo "wall ${wall}s, client CPU $(awk -v c="$cpu" -v n="$BIG" 'BEGIN { printf "%.1f", c * 1000 / n }') ms/host, peak RSS $rss KiB ($((rss / 1024)) MiB), $ok/$BIG scanned, RT/host $rt"
	[ "$ok" = "$BIG" ] || head -n 3 "$D/err"
	W512=$wall
fi

echo
echo "== projection: keyaudit, 10,000 hosts at 100 ms RTT, $(nproc) cores"
awk -v n=10000 -v cores="$(nproc)" -v cpu="$CPU0_keyaudit" -v rt="$RT_keyaudit" \
    -v w1="$(eval echo "\$W_keyaudit_100_$JLO")" -v j1="$JLO" -v n1="$N" \
    -v slope="$SLOPE" -v base="$BASE" -v j=512 -v rss512="$RSS512" 'BEGIN {
	rtt = 0.1
	# per-host latency: measured at -j JLO (hosts/JLO batches each taking w)
	lat = w1 / (n1 / j1)
	t_cpu = n * cpu / cores
	t_lat = n * (rt * rtt) / j
	t_lat_m = n * lat / j
	printf "client CPU per host c = %.1f ms (0 delay), round trips per host R = %s\n", cpu * 1000, rt
	printf "per-host latency L = R x RTT = %.2f s (measured per host at -j %d: %.2f s)\n", rt * rtt, j1, lat
	printf "CPU bound:      T_cpu = N x c / cores  = 10000 x %.4f / %d = %.0f s\n", cpu, cores, t_cpu
	printf "latency bound:  T_lat = N x L / J      = 10000 x %.2f / %d = %.0f s (measured L: %.0f s)\n", rt * rtt, j, t_lat, t_lat_m
	t = (t_cpu > t_lat_m) ? t_cpu : t_lat_m
	verdict = (t < 120) ? "met" : "NOT met"
	bound = (t_cpu > t_lat_m) ? "client CPU" : "round trips x RTT at this concurrency"
	printf "T = max(T_cpu, T_lat measured) = %.0f s (goal < 120 s): %s; bound by %s\n", t, verdict, bound
	jn = (t_cpu > 0) ? n * lat / t_cpu : 0
	printf "J at which latency hides behind CPU: J >= N x L / T_cpu = %.0f\n", jn
	r = base + slope * j
	printf "RSS at -j %d = base + slope x J = %d + %.1f x %d = %.0f KiB (%.0f MiB, goal < 256 MiB)", j, base, slope, j, r, r / 1024
	if (rss512 != "") printf "; measured: %d KiB (%.0f MiB): %s", rss512, rss512 / 1024, (rss512 / 1024 < 256) ? "met" : "NOT met"
	printf "\n"
}'
echo "(the servers ran on this machine too: measured wall times carry their CPU; the projection uses the client's)"
