# part-read.sh - keyaudit reads what an account controls as that account,
# never blocks on what a user puts in its way, and keeps --root inside DIR
# (sourced by tests/security/run.sh; accounts kasr*, port 2300).
#
# Hostile users point their key files, known_hosts, private keys, ~/.ssh
# and home at a root-only marker (and at /proc/self/environ, with the marker
# in keyaudit's environment), swap ~/.ssh between a directory and such a
# link while root scans, swap FIFOs in for their files, chain 1000
# symlinks, and make a home under a sticky 1777 directory. Root runs every
# command that prints what it read, here and over SSH with --sudo to a real
# sshd: the marker appears in no output, every scan ends, the healthy
# account is still audited, and no process is left behind.

RD=$T_BASE/read
mkdir -p "$RD"
chmod 755 "$RD"
MARK="KASRMARK$$x$RANDOM"
export KASR_ENV="$MARK"		# keyaudit's own environment holds it too
# the marker, as a shadow line would be: 0600 root in a directory others
# may search, and in root-only directories shaped like ~/.ssh and a home
printf '%s:$6$%s$x:19000:0:99999:7:::\n' "$MARK" "$MARK" >"$RD/marker"
chmod 0600 "$RD/marker"
install -d -m 0700 "$RD/sshdir" "$RD/homedir" "$RD/homedir/.ssh"
for f in authorized_keys authorized_keys2 known_hosts; do
	cp "$RD/marker" "$RD/sshdir/$f"
	cp "$RD/marker" "$RD/homedir/.ssh/$f"
done
# an unencrypted private key root keeps: its passphrase state is a fact
# about a root-only file, which no account may learn through keyaudit
ssh-keygen -q -t ed25519 -N '' -C kasr-root -f "$RD/sshdir/id_ed25519" </dev/null
cp "$RD/sshdir/id_ed25519" "$RD/homedir/.ssh/id_ed25519"
chmod -R go-rwx "$RD/sshdir" "$RD/homedir"
ssh-keygen -q -t ed25519 -N '' -C kasr -f "$RD/k" </dev/null

# as USER CMD...: run CMD with USER's credentials
as() {
	local u=$1
	shift
	setpriv --reuid="$u" --regid="$u" --init-groups -- "$@"
}

for u in kasr0 kasr1 kasr2 kasr3 kasr4 kasr5 kasr6 kasr7 kasr8; do
	# a home a dead run left (userdel cannot remove an account whose
	# processes still run) belongs to whoever got its uid since
	getent passwd $u >/dev/null || rm -rf "/home/$u"
	t_user $u || t_nok "account $u"
	t_keyfile $u "$RD/k.pub"
done
# kasr0 logs in for the scans over SSH and may sudo
echo "file /etc/sudoers.d/keyaudit-kasr" >>"$T_BASE/cleanup.list"
echo 'kasr0 ALL=(root) NOPASSWD: ALL' >/etc/sudoers.d/keyaudit-kasr
chmod 0440 /etc/sudoers.d/keyaudit-kasr

H() { getent passwd "$1" | cut -d: -f6; }
# kasr1: every file of ~/.ssh a link to the marker
for f in authorized_keys authorized_keys2 known_hosts id_rsa id_ed25519; do
	as kasr1 ln -sfn "$RD/marker" "$(H kasr1)/.ssh/$f"
done
# kasr2: ~/.ssh itself a link to a root-only directory
rm -rf "$(H kasr2)/.ssh"
as kasr2 ln -s "$RD/sshdir" "$(H kasr2)/.ssh"
# kasr3: a home under a sticky 1777 directory, which kasr3 makes a link to
# a root-only home; kasr4 leaves a directory of its own beside it (a home
# no account has) whose key file is a link to the marker
ST=$RD/sticky
install -d -m 1777 "$ST"
usermod -d "$ST/kasr3" kasr3
rm -rf /home/kasr3	# else it is a home no account has, to every --all-users
as kasr3 ln -s "$RD/homedir" "$ST/kasr3"
as kasr4 mkdir -p "$ST/gone/.ssh"
as kasr4 ln -s "$RD/marker" "$ST/gone/.ssh/authorized_keys"
# kasr4: key file and known_hosts at /proc/self/environ
as kasr4 ln -sfn /proc/self/environ "$(H kasr4)/.ssh/authorized_keys"
as kasr4 ln -sfn /proc/self/environ "$(H kasr4)/.ssh/known_hosts"
# kasr5: FIFOs, and a loop swapping FIFOs in for a key file and id_rsa
as kasr5 mkfifo "$(H kasr5)/.ssh/known_hosts" "$(H kasr5)/.ssh/fifo"
as kasr5 cp "$RD/k.pub" "$(H kasr5)/.ssh/reg"
as kasr5 ssh-keygen -q -t ed25519 -N '' -f "$(H kasr5)/.ssh/idreg" </dev/null
# kasr6: chains of 1000 symlinks ending at the marker
as kasr6 sh -c 'cd "$1/.ssh" && mkdir c && i=1; while [ $i -lt 1000 ]; do
	ln -s "$((i + 1))" "c/$i"; i=$((i + 1)); done; ln -s "$2" c/1000
	ln -sfn c/1 authorized_keys; ln -sfn c/1 known_hosts; ln -sfn c/1 id_rsa' \
    sh "$(H kasr6)" "$RD/marker"
# kasr7: healthy but for a 0666 key file: it must still be audited
chmod 0666 "$(H kasr7)/.ssh/authorized_keys"
# kasr8: ~/.ssh swapped between its real directory and a link to the
# root-only one while the scans run
as kasr8 mv "$(H kasr8)/.ssh" "$(H kasr8)/.ssh.real"

USERS="kasr1 kasr2 kasr3 kasr4 kasr5 kasr6 kasr7 kasr8"
UARGS=$(for u in $USERS; do printf ' --user %s' $u; done)

# the loops, each as its user; their pids are killed at the end
LOOPS=
loop() {
	local u=$1
	shift
	# setpriv itself in the background: $! is the loop's shell
	setpriv --reuid="$u" --regid="$u" --init-groups -- sh -c "$1" sh "$(H "$u")" "$RD" \
	    </dev/null >/dev/null 2>&1 &
	LOOPS="$LOOPS $!"
	echo "pid $!" >>"$T_BASE/cleanup.list"
}
loop kasr5 'cd "$1/.ssh" || exit; while :; do
	ln -f reg authorized_keys.n; mv -f authorized_keys.n authorized_keys
	ln -f idreg id_rsa.n; mv -f id_rsa.n id_rsa
	ln -f fifo authorized_keys.n; mv -f authorized_keys.n authorized_keys
	ln -f fifo id_rsa.n; mv -f id_rsa.n id_rsa; done'
loop kasr8 'cd "$1" || exit; while :; do
	ln -sfn "$2/sshdir" l && mv -T l .ssh
	rm -f .ssh && mv -T .ssh.real .ssh
	mv -T .ssh .ssh.real; done'

# rd_none WHAT FILE...: the marker is in none of the files
rd_none() {
	local what=$1 hit
	shift
	hit=$(grep -l -F -e "$MARK" "$@" 2>/dev/null)
	if [ -z "$hit" ]; then
		t_ok "$what: the marker appears nowhere"
	else
		t_nok "$what: the marker leaked" "$(grep -h -o -F -e "$MARK" -m 3 $hit | head -3; echo "in: $hit")"
	fi
}
# rd_run NAME CMD...: CMD with a generous hang guard; its output in
# $RD/NAME.out and .err. 1 when it hung.
rd_run() {
	local n=$1
	shift
	timeout -s KILL 300 "$@" >"$RD/$n.out" 2>"$RD/$n.err"
	[ $? -ne 137 ]
}

# --- 1. this machine, as root --------------------------------------------
O=$RD/local
mkdir -p "$O"
hung=
for i in 1 2 3; do
	rd_run l-text$i "$KA" scan $UARGS || hung="$hung text$i"
	cp "$RD/l-text$i.out" "$O/text$i"
done
rd_run l-json "$KA" scan $UARGS --format json --junit "$O/junit.xml" --sarif "$O/sarif.json" \
    --write-baseline "$O/baseline.json" --fix-script "$O/fix.sh" || hung="$hung json"
cp "$RD/l-json.out" "$O/scan.json"
rd_run l-base "$KA" scan $UARGS --baseline "$O/baseline.json" --format sarif || hung="$hung baseline"
cp "$RD/l-base.out" "$O/sarif-baselined.json"
rd_run l-junit "$KA" scan $UARGS --format junit || hung="$hung junit"
cp "$RD/l-junit.out" "$O/junit-stdout.xml"
rd_run l-all "$KA" scan --all-users --format json || hung="$hung all-users"
cp "$RD/l-all.out" "$O/all.json"
for f in table csv json; do
	rd_run l-keys-$f "$KA" keys $UARGS --format $f || hung="$hung keys-$f"
	cp "$RD/l-keys-$f.out" "$O/keys.$f"
done
rd_run l-collect "$KA" collect $UARGS -o "$O/collect.json" || hung="$hung collect"
rd_run l-collect-all "$KA" collect --all-users -o "$O/collect-all.json" || hung="$hung collect-all"
for u in kasr1 kasr2 kasr3 kasr4 kasr5 kasr6 kasr8; do
	rd_run l-diag-$u "$KA" diagnose --local --user $u --pubkey "$RD/k.pub" --format json ||
	    hung="$hung diagnose-$u"
	cp "$RD/l-diag-$u.out" "$O/diag-$u.json"
	rd_run l-diagt-$u "$KA" diagnose --local --user $u --pubkey "$RD/k.pub" ||
	    hung="$hung diagnose-text-$u"
	cp "$RD/l-diagt-$u.out" "$O/diag-$u.txt"
done
[ -z "$hung" ] && t_ok "this machine: every scan, keys, collect and diagnose ended" ||
    t_nok "this machine: hung (killed after 300 s):$hung"
rd_none "scan (text, three runs racing ~/.ssh swaps)" "$O"/text*
rd_none "scan --format json" "$O/scan.json"
rd_none "scan --junit and --format junit" "$O/junit.xml" "$O/junit-stdout.xml"
rd_none "scan --sarif, and --format sarif with --baseline" "$O/sarif.json" "$O/sarif-baselined.json"
rd_none "scan --write-baseline file" "$O/baseline.json"
rd_none "scan --fix-script file" "$O/fix.sh"
rd_none "scan --all-users (a home no account has, under the sticky dir)" "$O/all.json"
rd_none "keys (table, csv, json)" "$O"/keys.*
rd_none "collect -o (the snapshot, whole)" "$O/collect.json" "$O/collect-all.json"
rd_none "diagnose --local (json and text)" "$O"/diag-*
rd_none "stderr of all of them" "$RD"/l-*.err
jq -e '[.hosts[0].findings[] | select(.check == "perm.file-mode" and .user == "kasr7")] | length > 0' \
    "$O/scan.json" >/dev/null &&
    t_ok "this machine: the healthy account is still audited (kasr7's 0666 key file)" ||
    t_nok "this machine: kasr7 not audited" "$(jq -c '[.hosts[0].findings[] | {check, user}]' "$O/scan.json" | head -c 600)"
jq -e '[.hosts[].findings[] | select(.check == "keys.private-key-no-passphrase" and
    (.user == "kasr2" or .user == "kasr3" or .user == "kasr8"))] | length == 0' "$O/all.json" >/dev/null &&
    jq -e '[.user_keys[]? | select(.user == "kasr2" or .user == "kasr3" or .user == "kasr8")] | length == 0' \
    "$O/collect-all.json" >/dev/null &&
    t_ok "this machine: a root-only private key behind a linked ~/.ssh or home is never judged" ||
    t_nok "this machine: a root-only key's passphrase state was reported" \
    "$(jq -c '[.user_keys[]? | select(.user | startswith("kasr"))]' "$O/collect-all.json")"
jq -e '[.files[] | select(.path == "'"$RD"'/marker") |
    select(.content == null and ([.unreadable_by[]?.user] | index("kasr1")))] | length == 1' \
    "$O/collect.json" >/dev/null &&
    t_ok "collect: the marker file is recorded as unreadable by kasr1, without content" ||
    t_nok "collect: the marker's entry" "$(jq -c '[.files[] | select(.path == "'"$RD"'/marker")]' "$O/collect.json")"

# --root DIR: an image whose home is an absolute link to this machine's
# root-only home, and whose auth.log is a link to this machine's marker
IMG=$RD/image
mkdir -p "$IMG/etc/ssh" "$IMG/home" "$IMG/var/log"
printf 'root:x:0:0:root:/root:/bin/sh\nimg:x:1000:1000::/home/img:/bin/sh\n' >"$IMG/etc/passwd"
printf 'root:x:0:\nimg:x:1000:\n' >"$IMG/etc/group"
printf 'AuthorizedKeysFile .ssh/authorized_keys .ssh/known_hosts\n' >"$IMG/etc/ssh/sshd_config"
ln -s "$RD/homedir" "$IMG/home/img"
ln -s "$RD/marker" "$IMG/var/log/auth.log"
rd_run r-scan "$KA" scan --root "$IMG" --all-users --unused-days 0 --format json
rd_run r-collect "$KA" collect --root "$IMG" --all-users --unused-days 0 -o "$RD/r-collect.json"
rd_run r-keys "$KA" keys --root "$IMG" --all-users --unused-days 0 --format json
rd_none "--root DIR: an image's links out of DIR (scan, collect, keys)" "$RD"/r-*
jq -e '(.user_keys // []) | length == 0' "$RD/r-collect.json" >/dev/null &&
    t_ok "--root DIR: the host's private key behind the image's home link is not judged" ||
    t_nok "--root DIR: user_keys from outside the image" "$(jq -c .user_keys "$RD/r-collect.json")"

# --- 2. over SSH with --sudo, a real sshd on loopback ----------------------
if t_sshd read 127.0.0.1 2300 "SetEnv KASR_ENV=$MARK" "AuthorizedKeysFile .ssh/authorized_keys .ssh/authorized_keys2"; then
	t_known_hosts read 127.0.0.1 2300 >"$RD/kh"
	R=$RD/ssh
	mkdir -p "$R"
	TGT=kasr0@127.0.0.1:2300
	C="-i $RD/k --known-hosts $RD/kh --sudo --timeout 60"
	hung=
	for i in 1 2 3; do
		rd_run s-text$i "$KA" scan "$TGT" $C $UARGS || hung="$hung text$i"
		cp "$RD/s-text$i.out" "$R/text$i"
	done
	rd_run s-json "$KA" scan "$TGT" $C $UARGS --format json --junit "$R/junit.xml" \
	    --sarif "$R/sarif.json" --write-baseline "$R/baseline.json" --fix-script "$R/fix.sh" ||
	    hung="$hung json"
	cp "$RD/s-json.out" "$R/scan.json"
	rd_run s-base "$KA" scan "$TGT" $C $UARGS --baseline "$R/baseline.json" --format sarif ||
	    hung="$hung baseline"
	cp "$RD/s-base.out" "$R/sarif-baselined.json"
	rd_run s-all "$KA" scan "$TGT" $C --all-users --format json || hung="$hung all-users"
	cp "$RD/s-all.out" "$R/all.json"
	for f in table csv json; do
		rd_run s-keys-$f "$KA" keys "$TGT" $C $UARGS --format $f || hung="$hung keys-$f"
		cp "$RD/s-keys-$f.out" "$R/keys.$f"
	done
	rd_run s-collect "$KA" collect "$TGT" $C $UARGS -o "$R/collect.json" || hung="$hung collect"
	rd_run s-collect-all "$KA" collect "$TGT" $C --all-users -o "$R/collect-all.json" ||
	    hung="$hung collect-all"
	rd_run s-diag "$KA" diagnose kasr1@127.0.0.1:2300 -i "$RD/k" --known-hosts "$RD/kh" \
	    --via "$TGT" --via-identity "$RD/k" --sudo --format json || hung="$hung diagnose"
	cp "$RD/s-diag.out" "$R/diag.json"
	[ -z "$hung" ] && t_ok "over SSH: every scan, keys, collect and diagnose ended" ||
	    t_nok "over SSH: hung (killed after 300 s):$hung"
	# keyaudit's own deadline (--timeout 60) ends a scan whose collector
	# blocks; none may need it
	# (SARIF lists every rule's help, that of net.collect-failed too)
	cut=$(grep -l -e 'did not finish' -e 'did not run to its end' "$RD"/s-text*.out \
	    "$RD"/s-json.out "$RD"/s-all.out "$RD"/s-keys-*.out "$RD"/s-*.err 2>/dev/null)
	[ -z "$cut" ] && t_ok "over SSH: every collection ran to its end (none waited for the deadline)" ||
	    t_nok "over SSH: collections cut by the deadline" "$cut"
	jq -e '.hosts[0].status == "scanned" and
	    ([.hosts[0].findings[] | select(.check | startswith("net."))] | length == 0)' "$R/scan.json" >/dev/null &&
	    t_ok "over SSH: the host was collected whole (no net.* finding)" ||
	    t_nok "over SSH: the host was not collected" "$(jq -c '[.hosts[0].findings[] | select(.check | startswith("net.")) | .message]' "$R/scan.json")"
	rd_none "over SSH: scan (text, three runs racing swaps)" "$R"/text*
	rd_none "over SSH: scan --format json" "$R/scan.json"
	rd_none "over SSH: scan --junit" "$R/junit.xml"
	rd_none "over SSH: scan --sarif, and with --baseline" "$R/sarif.json" "$R/sarif-baselined.json"
	rd_none "over SSH: --write-baseline file" "$R/baseline.json"
	rd_none "over SSH: --fix-script file" "$R/fix.sh"
	rd_none "over SSH: scan --all-users" "$R/all.json"
	rd_none "over SSH: keys (table, csv, json)" "$R"/keys.*
	rd_none "over SSH: collect -o" "$R/collect.json" "$R/collect-all.json"
	rd_none "over SSH: diagnose --via --sudo" "$R/diag.json"
	rd_none "over SSH: stderr of all of them" "$RD"/s-*.err
	jq -e '[.hosts[0].findings[] | select(.check == "perm.file-mode" and .user == "kasr7")] | length > 0' \
	    "$R/scan.json" >/dev/null &&
	    t_ok "over SSH: the healthy account is still audited (kasr7)" ||
	    t_nok "over SSH: kasr7 not audited" "$(jq -c '[.hosts[0].findings[] | {check, user}]' "$R/scan.json" | head -c 600)"
	jq -e '[.user_keys[]? | select(.user == "kasr2" or .user == "kasr3" or .user == "kasr8")] | length == 0' \
	    "$R/collect-all.json" >/dev/null &&
	    t_ok "over SSH: a root-only private key behind a linked ~/.ssh or home is never judged" ||
	    t_nok "over SSH: a root-only key was judged" "$(jq -c '[.user_keys[]? | select(.user | startswith("kasr"))]' "$R/collect-all.json")"
else
	t_nok "sshd on 127.0.0.1:2300 starts"
fi

# --- 3. nothing left behind --------------------------------------------------
for p in $LOOPS; do
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
done
t_sshd_stop read
sleep 1
left=$(ps -eo pid=,user=,args= | grep -E 'keyaudit-(collector|reader)|/home/kasr|'"$RD" | grep -v grep
    ps -eo pid=,user=,stat=,args= | awk '$2 ~ /^kasr[0-9]$/ && $3 !~ /^Z/')
[ -z "$left" ] && t_ok "no process is left behind (collector, readers, blocked reads)" ||
    t_nok "processes left behind" "$left"
# kasr3's home back where userdel -r expects one
rm -f "$ST/kasr3"
usermod -d /home/kasr3 kasr3
