#!/bin/bash
# run.sh - the hostile-host matrix (root): hosts that lie to the scanner, in
# one scan with a healthy host. A real sshd on 127.0.0.1:2296 whose
# ForceCommand per account replaces the collector's answer with 1 GB of
# zeros, garbage, a truncated stream, random bytes, or escape sequences and
# XML-invalid bytes; an account whose authorized_keys is a symlink to
# /dev/zero and another whose is a FIFO; and endpoints (tests/fleet/hostile.c)
# that send a binary banner, a 4 MB banner, a banner dripped forever.
# Every case must cost bounded time and memory, end as a per-host error or
# finding, leave the healthy host scanned, and leave every report valid
# (xmllint, JSON, the SARIF schema) and every terminal free of raw escapes.
#   tests/hostile/run.sh        ends "hostile: N passed, N failed"
set -u
cd "$(dirname "$0")/../.." || exit 3
KA=${KEYAUDIT:-$PWD/keyaudit}
SUITE=hostile
. tests/lib.sh
ok() { t_ok "$@"; }
nok() { t_nok "$@"; }
finish() { t_finish; }

t_need_root
t_in_use 127.0.0.1:2296 && { nok "127.0.0.1:2296 in use"; finish; }
[ -n "${KA_HOSTILE_KEEP:-}" ] && KA_TEST_KEEP=1
t_setup /var/tmp
D=$T_BASE
USERS="kahz0 kahz1 kahz2 kahz3 kahz4 kahz5 kahz6 kahz7 kahz8"

ssh-keygen -q -t ed25519 -N '' -C scan -f "$D/k" </dev/null
ssh-keygen -q -t ed25519 -N '' -f "$D/hk" </dev/null
for u in $USERS; do
	t_user "$u"
	install -d -m 0700 -o "$u" -g "$u" "/home/$u/.ssh"
	install -m 0600 -o "$u" -g "$u" "$D/k.pub" "/home/$u/.ssh/authorized_keys"
done
# a second AuthorizedKeysFile sshd never reaches (the key is found in the
# first), which the collector must still look at without hanging
ln -s /dev/zero /home/kahz6/.ssh/authorized_keys2
mkfifo -m 0600 /home/kahz7/.ssh/authorized_keys2 && chown kahz7: /home/kahz7/.ssh/authorized_keys2
# a key file whose name holds an escape sequence (sshd takes it as written)
ESCNAME=$(printf '.ssh/k\033]0;x\007name')
printf 'not a key\n' > "/home/kahz8/$ESCNAME" && chown kahz8: "/home/kahz8/$ESCNAME" && chmod 600 "/home/kahz8/$ESCNAME"
esc=$(printf 'printf "KACOLLECT 1\\\\nfatal 21\\\\n\\\\033]0;pwned\\\\007\\\\033[31m\\\\001\\\\002\\\\377\\\\376 x\\\\n"')
cat > "$D/sshd.lines" <<EOC
HostKey $D/hk
PidFile $D/sshd.pid
AuthorizedKeysFile .ssh/authorized_keys .ssh/authorized_keys2
Match User kahz1
	ForceCommand head -c 1073741824 /dev/zero
Match User kahz2
	ForceCommand printf 'KACOLLECT 1\\nhost 99999999999\\nx'
Match User kahz3
	ForceCommand printf 'KACOLLECT 1\\nhost 4\\nweb1\\nuser 5\\nali'
Match User kahz4
	ForceCommand head -c 200000 /dev/urandom
Match User kahz5
	ForceCommand $esc
Match User kahz8
	AuthorizedKeysFile .ssh/authorized_keys "$ESCNAME"
EOC
# the sshd_config the scan reads too: these lines, then tests/lib.sh's
# (the address, its defaults less KbdInteractiveAuthentication and
# LogLevel), the Match blocks last
T_SSHD_DEFAULTS='UsePAM no
PasswordAuthentication no'
mapfile -t SSHD_LINES < "$D/sshd.lines"
T_SSHD_CONFIG=$D/sshd_config T_SSHD_LOG=$D/sshd.log t_sshd sshd 127.0.0.1 2296 "${SSHD_LINES[@]}" ||
    { nok "sshd -t accepts the test config, sshd starts" "$T_SSHD_WHY"; finish; }
cc -O2 -Wall -Wextra -Werror -o "$D/hostile" tests/fleet/hostile.c || { nok "hostile.c builds"; finish; }
for h in binary:241 huge:242 endless:243; do
	"$D/hostile" "${h%%:*}" "127.0.0.${h##*:}" 2296 > "$D/h.${h%%:*}" 2>&1 &
	t_cleanup_add pid $!
done
for _ in $(seq 1 100); do
	n=0
	for h in binary huge endless; do grep -q ready "$D/h.$h" 2>/dev/null && n=$((n + 1)); done
	grep -q 'Server listening' "$D/sshd.log" 2>/dev/null && [ $n = 3 ] && break
	sleep 0.05
done
echo "[127.0.0.1]:2296 $(cut -d' ' -f1,2 "$D/hk.pub")" > "$D/kh"
for a in 241 242 243; do echo "[127.0.0.$a]:2296 $(cut -d' ' -f1,2 "$D/hk.pub")" >> "$D/kh"; done
{
	for u in $USERS; do echo "$u@127.0.0.1:2296"; done
	echo "127.0.0.241:2296"
	echo "127.0.0.242:2296"
	echo "127.0.0.243:2296"
} > "$D/inventory"

TIMEOUT=8
start=$(date +%s.%N)
/usr/bin/time -f '%M' -o "$D/rss" "$KA" scan -f "$D/inventory" -i "$D/k" --known-hosts "$D/kh" --sshd-config "$D/sshd_config" \
    --timeout $TIMEOUT -j 16 --format json --junit "$D/out.xml" --sarif "$D/out.sarif" \
    --prom "$D/out.prom" > "$D/out.json" 2> "$D/err"
rc=$?
wall=$(echo "$(date +%s.%N) - $start" | bc)
rss=$(tail -n 1 "$D/rss")
[ $rc = 1 ] && ok "the scan ends, exit 1" || nok "exit 1 (got $rc)" "$(cat "$D/err")"
# reported, not asserted (no timed assertions; each host's verdict is below)
echo "# the whole scan took ${wall}s (hosts side by side, --timeout $TIMEOUT)"
# AddressSanitizer's shadow memory and quarantine (make asan) multiply RSS
lim=262144
nm -a "$KA" 2>/dev/null | grep -q __asan_init && lim=1048576
[ "${rss:-999999}" -lt $lim ] && ok "peak RSS ${rss} KiB (< $((lim / 1024)) MiB; one host sent 1 GB)" ||
    nok "bounded memory: ${rss} KiB (limit $lim)"
st() { jq -r --arg t "$1" '.hosts[] | select(.target == $t) | .status' "$D/out.json"; }
fs() { jq -r --arg t "$1" '[.hosts[] | select(.target == $t) | .findings[].check] | join(",")' "$D/out.json"; }
err() { jq -r --arg t "$1" '.hosts[] | select(.target == $t) | .error // ""' "$D/out.json"; }
[ "$(st kahz0@127.0.0.1:2296)" = scanned ] && ok "the healthy host is scanned beside them" ||
    nok "healthy host" "$(st kahz0@127.0.0.1:2296) $(err kahz0@127.0.0.1:2296)"
for u in kahz1 kahz2 kahz3 kahz4 kahz5; do
	t=$u@127.0.0.1:2296
	case $(fs "$t") in
	*net.collect-failed*) ok "$u (a lying collector): net.collect-failed: $(err "$t" | head -c 100)" ;;
	*) nok "$u: net.collect-failed" "$(st "$t") $(fs "$t") $(err "$t")" ;;
	esac
done
for u in kahz6 kahz7; do
	t=$u@127.0.0.1:2296
	[ "$(st "$t")" = scanned ] && case $(fs "$t") in *akeys.*|*perm.*) true ;; *) false ;; esac &&
	    ok "$u: authorized_keys2 is $( [ $u = kahz6 ] && echo 'a symlink to /dev/zero' || echo 'a FIFO'): scanned, reported ($(fs "$t"))" ||
	    nok "$u: special authorized_keys" "$(st "$t") $(fs "$t") $(err "$t")"
done
t=kahz8@127.0.0.1:2296
[ "$(st "$t")" = scanned ] && jq -e --arg t "$t" '[.hosts[] | select(.target == $t) | .findings[] |
    select(.path != null and (.path | contains("\\x1b]0;x\\x07name")))] | length >= 1' "$D/out.json" >/dev/null &&
    ok "kahz8: a key file named with an escape sequence is reported, the name escaped" ||
    nok "kahz8: escape in a file name" "$(st "$t") $(jq -c --arg t "$t" '[.hosts[] | select(.target == $t) | .findings[] | [.check, .path]]' "$D/out.json")"
for a in 241:binary 242:huge 243:endless; do
	t=127.0.0.${a%%:*}:2296
	case $(st "$t") in
	unreachable) ok "${a##*:} banner: unreachable, $(fs "$t")" ;;
	*) nok "${a##*:} banner" "$(st "$t") $(fs "$t") $(err "$t")" ;;
	esac
done
jq -e '.hosts | length == 13' "$D/out.json" >/dev/null && ok "the JSON report parses: every host and the fleet entry" || nok "JSON report"
t_valid_junit "the JUnit report validates" "$D/out.xml"
t_valid_sarif "the SARIF report validates" "$D/out.sarif"
if grep -q "$(printf '\033')" "$D/out.json" "$D/out.xml" "$D/out.sarif" "$D/out.prom" "$D/err"; then
	nok "no raw ESC in any report or on stderr"
else
	ok "no raw ESC in any report or on stderr"
fi
"$KA" scan -f "$D/inventory" -i "$D/k" --known-hosts "$D/kh" --sshd-config "$D/sshd_config" --timeout $TIMEOUT -j 16 > "$D/out.txt" 2>&1
grep -q "$(printf '\033')" "$D/out.txt" && nok "text report: no raw ESC" || ok "text report: no raw ESC (the escapes kahz5 sent are shown escaped)"
grep -q 'pwned' "$D/out.txt" && grep -q '\\x1b' "$D/out.txt" && ok "text report: kahz5's escape sequence is there, as \\x1b" ||
    nok "text report shows kahz5's text escaped" "$(grep -n kahz5 "$D/out.txt" | head -3)"
# nothing written on the hosts: every account's home as it was made
for u in $USERS; do
	n=$(find "/home/$u" -newer "$D/inventory" 2>/dev/null | wc -l)
	[ "$n" = 0 ] || nok "$u: $n files changed on the host"
done
ok "no file changed under any scanned account's home"
finish
