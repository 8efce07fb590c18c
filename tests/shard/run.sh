#!/bin/bash
# run.sh - scan --shard K/N and keyaudit merge against a loopback fleet of
# real sshd (issue 21). Root: accounts kyscan (the scan's login, with sudo),
# kya and kyb; six sshd s1..s6 on 127.0.0.161-166:2580, each with its own
# AuthorizedKeysFile directory; s2 presents s1's host key (a cloned image),
# kya's key is authorized on s1, s3 and s5 and kyb's on s4 and s6, and
# kya's known_hosts pins another key for s2: fleet findings that span the
# shards (shard K holds the hosts whose name's SHA-256 is K mod 3, here
# s1 s4 | s2 s6 | s3 s5, computed below with Python's hashlib as the
# oracle).
#
#   - the scan in 3 shards, merged, is the unsharded scan: the same hosts in
#     the same order, the same findings (check, host, user, path, severity,
#     and the fleet entry's messages), the same summary and exit status;
#     every format of merge is valid (JUnit and SARIF against their schemas
#     when ../shared has them)
#   - two zones (whole scans of two inventory groups) merged, too
#   - stability: a seventh host in the inventory moves no other host
#   - errors (exit 2, named): a shard missing, a shard given twice, shards
#     of different inventories or shard counts, a host in two reports, a
#     corrupt report, a report that is not keyaudit's, a bad field (its
#     JSON path)
#   - contrib: the GitHub matrix's scan and merge steps and the Kubernetes
#     Jobs' commands run as written (the Jobs checked field by field against
#     batch/v1 first)
#
#   tests/shard/run.sh     ends "shard: N passed, N failed"
set -u
cd "$(dirname "$0")/../.." || exit 3
SUITE=shard
. tests/lib.sh
KA=${KEYAUDIT:-$PWD/keyaudit}
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
t_need_root
for c in jq ssh-keygen; do
	command -v $c >/dev/null || { t_nok "$SUITE needs $c (make test-deps)"; t_finish; }
done
$PY -c 'import yaml' 2>/dev/null || { t_nok "$SUITE needs python3-yaml (make test-deps)"; t_finish; }
$PY -c 'import kubernetes' 2>/dev/null || { t_nok "$SUITE needs python3-kubernetes (make test-deps)"; t_finish; }
[ -x "$KA" ] || { t_nok "$SUITE needs $KA (make)"; t_finish; }
t_setup /srv
D=$T_BASE
chmod 755 "$D"
PORT=2580
HOSTS="s1 s2 s3 s4 s5 s6"
addr() { echo "127.0.0.$((160 + ${1#s}))"; }
check() { if eval "$2"; then t_ok "$1"; else t_nok "$1" "${3:-}"; fi; }

# --- accounts and keys
for u in kyscan kya kyb; do
	t_user "$u" || { t_nok "account $u"; t_finish; }
done
t_cleanup_add file /etc/sudoers.d/keyaudit-ky
echo 'kyscan ALL=(root) NOPASSWD: ALL' > /etc/sudoers.d/keyaudit-ky
chmod 440 /etc/sudoers.d/keyaudit-ky
for k in id_scan k_a k_b other; do
	ssh-keygen -q -t ed25519 -N '' -C "$k" -f "$D/$k" </dev/null
done

# --- six sshd: s2 has s1's host key; keys as the header says
: > "$D/known_hosts"
for h in $HOSTS; do
	d=$D/$h
	mkdir -p "$d/keys"
	chmod 755 "$d" "$d/keys"
	if [ $h = s2 ]; then
		cp "$D/s1/hk" "$D/s1/hk.pub" "$d/"
	else
		ssh-keygen -q -t ed25519 -N '' -C "$h" -f "$d/hk" </dev/null
	fi
	cp "$D/id_scan.pub" "$d/keys/kyscan"
	case $h in s1|s3|s5) cp "$D/k_a.pub" "$d/keys/kya" ;; esac
	case $h in s4|s6) cp "$D/k_b.pub" "$d/keys/kyb" ;; esac
	chmod 644 "$d/keys/"*
	if ! t_sshd "$h" "$(addr $h)" $PORT "AuthorizedKeysFile $d/keys/%u"; then
		t_nok "sshd $h" "$T_SSHD_WHY"
		t_finish
	fi
	echo "[$(addr $h)]:$PORT $(cut -d' ' -f1,2 "$d/hk.pub")" >> "$D/known_hosts"
done
# kya's known_hosts trusts another key for s2 (on line 4): stale across
# the fleet; the lines before it are what the digest leaves out
install -d -m 0755 -o kya -g kya /home/kya/.ssh
{
	echo "# kya's hosts"
	echo "@cert-authority *.example.com $(cut -d' ' -f1,2 "$D/k_b.pub")"
	echo
	echo "[$(addr s2)]:$PORT $(cut -d' ' -f1,2 "$D/other.pub")"
} > /home/kya/.ssh/known_hosts
chown kya:kya /home/kya/.ssh/known_hosts
chmod 644 /home/kya/.ssh/known_hosts
t_ok "six sshd on 127.0.0.161-166:$PORT"

# inventory NAME [HOST...]: an Ansible inventory of those hosts (default
# all six), in two groups (za: s1-s3, zb: the rest), each audited against
# its own sshd_config; s7 (127.0.0.167:2589) has no sshd.
inventory() {
	local f=$1 h
	shift
	{
		echo "[za]"
		for h in ${*:-$HOSTS}; do
			case $h in s1|s2|s3) echo "$h ansible_host=$(addr $h) keyaudit_sshd_config=$D/$h/sshd_config" ;; esac
		done
		echo "[zb]"
		for h in ${*:-$HOSTS}; do
			case $h in s1|s2|s3) ;;
			s7) echo "s7 ansible_host=127.0.0.167 ansible_port=2589" ;;
			*) echo "$h ansible_host=$(addr $h) keyaudit_sshd_config=$D/$h/sshd_config" ;;
			esac
		done
		echo "[all:vars]"
		echo "ansible_port=$PORT"
		echo "ansible_user=kyscan"
	} > "$f"
}
inventory "$D/inv"
{
	echo "Host *"
	echo "  IdentityFile $D/id_scan"
	echo "  UserKnownHostsFile $D/known_hosts"
	echo "  GlobalKnownHostsFile /dev/null"
	echo "  StrictHostKeyChecking yes"
	echo "  BatchMode yes"
} > "$D/ssh_config"
scan() { "$KA" scan -F "$D/ssh_config" --sudo --user kya --user kyb -j 8 --timeout 10 --quiet "$@"; }

# what a report says, for comparing (the fleet entry's messages in full)
hosts_of() { jq -r '[.hosts[] | select(.fleet != true) | .target] | join(" ")' "$1"; }
findings_of() { jq -r '.hosts[] | .target as $t | .findings[] |
    [$t, .check, .host, (.user // ""), (.path // ""), .severity] | join("|")' "$1" | sort; }
fleet_of() { jq -r '.hosts[] | select(.fleet == true) | .findings[] | [.check, .severity, .message] | join("|")' "$1"; }
# the whole report but what differs between two runs of one scan
norm() { jq -S 'del(.hosts[].duration) | del(.shard)' "$1"; }

# --- the whole scan, and the oracle's shards
scan -f "$D/inv" --format json --junit "$D/full.xml" --sarif "$D/full.sarif" > "$D/full.json" 2> "$D/full.err"
full_rc=$?
check "the unsharded scan: every host scanned, exit 1 (findings)" \
    '[ $full_rc = 1 ] && [ "$(jq "[.hosts[] | select(.fleet != true and .status == \"scanned\")] | length" "$D/full.json")" = 6 ]' \
    "rc=$full_rc $(cat "$D/full.err") $(jq -c '[.hosts[] | {target, status, error}]' "$D/full.json" 2>&1)"
fleet_checks=$(jq -r '[.hosts[] | select(.fleet == true) | .findings[].check] | unique | join(" ")' "$D/full.json")
check "fleet findings span the shards: keys.shared, hostkey.shared, hostkey.changed" \
    'for c in keys.shared hostkey.shared hostkey.changed; do case " $fleet_checks " in *" $c "*) ;; *) false ;; esac; done' \
    "$fleet_checks"
check "hostkey.changed names line 4 of kya's known_hosts (the digest keeps line numbers)" \
    'jq -e "[.hosts[] | select(.fleet == true) | .findings[] | select(.check == \"hostkey.changed\") | .line] | unique == [4]" "$D/full.json" >/dev/null' \
    "$(jq -c '[.hosts[] | select(.fleet == true) | .findings[] | select(.check == "hostkey.changed") | {path, line}]' "$D/full.json")"
check "the digest carries kya's known_hosts without its comment and @cert-authority lines" \
    'jq -e "[.hosts[] | select(.fleet != true) | .digest.known_hosts[]? | select(.path == \"/home/kya/.ssh/known_hosts\") | .text | test(\"^\\n\\n\\n\\\\[\")] | (length > 0 and all)" "$D/full.json" >/dev/null' \
    "$(jq -c '[.hosts[] | select(.fleet != true) | .digest.known_hosts[]?] | .[0]' "$D/full.json")"
check "each scanned host carries its digest and inventory index" \
    'jq -e "[.hosts[] | select(.fleet != true) | (.digest.hostkey_fps | length > 0) and (.index | type == \"number\")] | all" "$D/full.json" >/dev/null' \
    "$(jq -c '.hosts[0] | {index, digest}' "$D/full.json" | head -c 600)"
oracle() {	# oracle N NAME...: "NAME:SHARD" by SHA-256, as the documentation says
	$PY -c 'import hashlib, sys
n = int(sys.argv[1])
print(" ".join("%s:%d" % (h, int.from_bytes(hashlib.sha256(h.encode()).digest()[:8], "big") % n) for h in sys.argv[2:]))' "$@"
}
want=$(oracle 3 $HOSTS)

# --- three shards, merged
for k in 0 1 2; do
	scan -f "$D/inv" --shard $k/3 --json "$D/shard-$k.json" --format text > "$D/shard-$k.txt" 2>&1
	echo $? > "$D/shard-$k.rc"
done
got=""
for k in 0 1 2; do
	for h in $(hosts_of "$D/shard-$k.json"); do got="$got $h:$k"; done
done
got=$(echo $got | tr ' ' '\n' | sort -t: -k1,1 | tr '\n' ' ')
check "each shard holds the hosts whose name hashes to it (SHA-256 mod 3)" \
    '[ "${got% }" = "$(echo $want | tr " " "\n" | sort -t: -k1,1 | tr "\n" " " | sed "s/ $//")" ]' "got: $got want: $want"
check "every shard is non-empty and says which shard of which inventory" \
    '(for k in 0 1 2; do jq -e --argjson k $k ".shard.k == \$k and .shard.n == 3 and .shard.inventory_hosts == 6 and (.hosts | map(select(.fleet != true)) | length) >= 1" "$D/shard-$k.json" >/dev/null || exit 1; done)' \
    "$(jq -c .shard "$D"/shard-*.json)"
"$KA" merge "$D/shard-2.json" "$D/shard-0.json" "$D/shard-1.json" --format json \
    --junit "$D/m.xml" --sarif "$D/m.sarif" --prom "$D/m.prom" --fix-script "$D/m.fix" --html "$D/m.html" \
    > "$D/merged.json" 2> "$D/merge.err"
merge_rc=$?
check "merge exits as the unsharded scan did ($full_rc)" '[ $merge_rc = $full_rc ]' "rc=$merge_rc $(cat "$D/merge.err")"
check "merged: the same hosts in the same order" '[ "$(hosts_of "$D/merged.json")" = "$(hosts_of "$D/full.json")" ]' \
    "merged: $(hosts_of "$D/merged.json") full: $(hosts_of "$D/full.json")"
check "merged: the same findings (check, host, user, path, severity)" \
    '[ "$(findings_of "$D/merged.json")" = "$(findings_of "$D/full.json")" ]' \
    "$(diff <(findings_of "$D/full.json") <(findings_of "$D/merged.json"))"
check "merged: the same fleet findings, word for word" \
    '[ -n "$(fleet_of "$D/full.json")" ] && [ "$(fleet_of "$D/merged.json")" = "$(fleet_of "$D/full.json")" ]' \
    "$(diff <(fleet_of "$D/full.json") <(fleet_of "$D/merged.json"))"
check "merged: the whole JSON report is the unsharded one (but durations)" \
    '[ "$(norm "$D/merged.json")" = "$(norm "$D/full.json")" ]' \
    "$(diff <(norm "$D/full.json") <(norm "$D/merged.json") | head -n 20)"
check "the shards' own fleet entries are dropped (each shard saw one cloned host key at most)" \
    '! jq -e "[.hosts[] | select(.fleet == true) | .findings[] | select(.check == \"hostkey.shared\")] | length > 0" "$D/shard-0.json" "$D/shard-1.json" >/dev/null' ""

# --- every format of merge
jq -e . "$D/merged.json" >/dev/null && t_ok "merge --format json is JSON" || t_nok "merge --format json is JSON"
t_valid_junit "merge --junit validates against the JUnit schema" "$D/m.xml"
t_valid_sarif "merge --sarif validates against the SARIF 2.1.0 schema" "$D/m.sarif"
tc() { grep -o '<testcase ' "$1" | wc -l; }
fl() { grep -o '<failure ' "$1" | wc -l; }
check "merge --junit: the unsharded scan's test cases and failures" \
    '[ "$(tc "$D/m.xml") $(fl "$D/m.xml")" = "$(tc "$D/full.xml") $(fl "$D/full.xml")" ] && [ "$(tc "$D/m.xml")" -gt 6 ]' \
    "merged $(tc "$D/m.xml") $(fl "$D/m.xml"), full $(tc "$D/full.xml") $(fl "$D/full.xml")"
check "merge --sarif: the unsharded scan's results" \
    '[ "$(jq "[.runs[].results[]] | length" "$D/m.sarif")" = "$(jq "[.runs[].results[]] | length" "$D/full.sarif")" ]' ""
check "merge --prom: textfile metrics for every host" \
    '(for h in $HOSTS; do grep -q "host=\"$h\"" "$D/m.prom" || exit 1; done) && ! grep -vE "^(#.*|[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? -?[0-9.e+-]+|)$" "$D/m.prom" | grep -q .' \
    "$(head -n 5 "$D/m.prom")"
check "merge --html: one HTML file naming every host (tests/html renders the format)" \
    'grep -qi "<html" "$D/m.html" && (for h in $HOSTS; do grep -q ">$h<\|\"$h\"" "$D/m.html" || exit 1; done)' \
    "$(head -c 300 "$D/m.html")"
check "merge --fix-script: a shell script sh accepts" 'sh -n "$D/m.fix" && grep -q "s1" "$D/m.fix"' "$(head -n 5 "$D/m.fix")"
"$KA" merge "$D"/shard-*.json --no-color > "$D/merged.txt" 2>&1
check "merge --format text: every host and the fleet" \
    '(for h in $HOSTS fleet; do grep -q "$h" "$D/merged.txt" || exit 1; done)' "$(head -n 20 "$D/merged.txt")"
"$KA" merge "$D/merged.json" --format json > "$D/remerged.json" 2>/dev/null
check "a merged report merges again to itself" '[ "$(norm "$D/remerged.json")" = "$(norm "$D/merged.json")" ]' \
    "$(diff <(norm "$D/merged.json") <(norm "$D/remerged.json") | head)"

# --- two zones: whole scans of the inventory's groups, merged
scan -f "$D/inv" --limit za --json "$D/za.json" --format text >/dev/null 2>&1
scan -f "$D/inv" --limit zb --json "$D/zb.json" --format text >/dev/null 2>&1
"$KA" merge "$D/za.json" "$D/zb.json" --format json > "$D/zones.json" 2> "$D/zones.err"
rc=$?
check "two zones merged: the whole scan's hosts, findings and fleet findings" \
    '[ $rc = $full_rc ] && [ "$(hosts_of "$D/zones.json")" = "$(hosts_of "$D/full.json")" ] &&
    [ "$(findings_of "$D/zones.json")" = "$(findings_of "$D/full.json")" ] &&
    [ "$(fleet_of "$D/zones.json")" = "$(fleet_of "$D/full.json")" ]' \
    "rc=$rc $(cat "$D/zones.err"); $(diff <(findings_of "$D/full.json") <(findings_of "$D/zones.json") | head)"

# --- stability: a seventh host moves no other
inventory "$D/inv7" $HOSTS s7
for k in 0 1 2; do
	scan -f "$D/inv7" --shard $k/3 --json "$D/s7-$k.json" --timeout 3 --format text >/dev/null 2>&1
done
moved=""
for k in 0 1 2; do
	for h in $(hosts_of "$D/s7-$k.json"); do
		[ $h = s7 ] && continue
		case " $(hosts_of "$D/shard-$k.json") " in *" $h "*) ;; *) moved="$moved $h" ;; esac
	done
done
s7at=$(for k in 0 1 2; do case " $(hosts_of "$D/s7-$k.json") " in *" s7 "*) echo $k ;; esac; done)
check "a host added to the inventory moves no other host" \
    '[ -z "$moved" ] && [ "s7:$s7at" = "$(oracle 3 s7)" ]' "moved:$moved s7 in shard $s7at, oracle $(oracle 3 s7)"

# --- keys and known-hosts take --shard too: the shards' rows are the whole's
keys() { "$KA" keys -F "$D/ssh_config" --sudo --user kya --user kyb -j 8 --timeout 10 -f "$D/inv" --format csv "$@" 2>>"$D/keys.err" | sed 1d | sort; }
keys > "$D/keys.all"
for k in 0 1 2; do keys --shard $k/3; done | sort > "$D/keys.shards"
check "keys --shard: the three shards' rows are the unsharded rows" \
    '[ -s "$D/keys.all" ] && cmp -s "$D/keys.all" "$D/keys.shards"' \
    "$(wc -l < "$D/keys.all") rows unsharded, $(wc -l < "$D/keys.shards") in shards: $(diff "$D/keys.all" "$D/keys.shards" | head -n 4; head -c 1500 "$D/keys.err")"
khosts() { "$KA" known-hosts -F "$D/ssh_config" -f "$D/inv" --format json "$@" 2>/dev/null |
    jq -r '.hosts[] | select(.target != "fleet" and .target != "known_hosts") | .target'; }
all=$(khosts | sort | tr '\n' ' ')
sh=$(for k in 0 1 2; do khosts --shard $k/3; done | sort | tr '\n' ' ')
check "known-hosts --shard: each host in exactly one shard" '[ "$all" = "$sh" ] && [ "$all" = "$(echo $HOSTS | tr " " "\n" | sort | tr "\n" " ")" ]' \
    "all: $all shards: $sh"

# --- errors: exit 2 and a message naming what is wrong
# err WHAT WANT ARGS...: merge ARGS exits 2 with one line holding WANT
err() {
	local what=$1 want=$2 out rc
	shift 2
	out=$("$KA" merge "$@" --format json 2>&1 >/dev/null)
	rc=$?
	if [ $rc = 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && printf '%s' "$out" | grep -qF -- "$want"; then
		t_ok "$what: exit 2, '$want'"
	else
		t_nok "$what: exit 2, '$want'" "rc=$rc: $out"
	fi
}
err "a shard missing" "shard 1 of 3 missing" "$D/shard-0.json" "$D/shard-2.json"
cp "$D/shard-1.json" "$D/again-1.json"
err "a shard given twice" "shard 1 of 3 given twice: $D/shard-1.json and $D/again-1.json" \
    "$D/shard-0.json" "$D/shard-1.json" "$D/shard-2.json" "$D/again-1.json"
err "shards of different inventories" "$D/shard-0.json and $D/s7-1.json are shards of different inventories" \
    "$D/shard-0.json" "$D/s7-1.json" "$D/s7-2.json"
scan -f "$D/inv" --shard 0/2 --json "$D/half-0.json" --format text >/dev/null 2>&1
err "shards of different counts" "$D/shard-0.json is a shard of 3, $D/half-0.json of 2" \
    "$D/shard-0.json" "$D/half-0.json"
err "a shard with a whole report" "is not a shard" "$D/shard-0.json" "$D/full.json"
err "a host in two reports" "host s1 is in $D/full.json and in $D/za.json" "$D/full.json" "$D/za.json"
head -c 300 "$D/shard-0.json" > "$D/cut.json"
err "a corrupt (cut) report" "$D/cut.json: line 2: expected a keyaudit JSON report: premature end of input" "$D/cut.json"
echo '{"hosts": []}' > "$D/other.json"
err "a report that is not keyaudit's" "$D/other.json: \$: expected a keyaudit JSON report" "$D/other.json"
jq -c '.hosts[0].findings[0].severity = "dire"' "$D/full.json" > "$D/bad.json"
err "a bad field: its JSON path" "$D/bad.json: \$.hosts[0].findings[0]: \"severity\"" "$D/bad.json"
jq -c '.hosts[1].digest.keys = [7]' "$D/full.json" > "$D/bad2.json"
err "a bad digest: its JSON path" "$D/bad2.json: \$.hosts[1].digest: \"keys\"[0]: expected a string" "$D/bad2.json"
out=$("$KA" scan -f "$D/inv" --shard 3/3 2>&1 >/dev/null); rc=$?
check "scan --shard 3/3: exit 2, K must be 0..2" '[ $rc = 2 ] && printf "%s" "$out" | grep -q "K must be 0..2"' "rc=$rc $out"
out=$("$KA" merge 2>&1 >/dev/null); rc=$?
check "merge with no report: exit 2" '[ $rc = 2 ]' "rc=$rc $out"

# --- contrib: the GitHub Actions matrix, as written
W=$D/gh
mkdir -p "$W/home/.ssh" "$W/bin" "$W/scripts" "$W/run/shards"
ln -s "$KA" "$W/bin/keyaudit"
cp "$D/id_scan" "$W/home/.ssh/keyaudit"
chmod 700 "$W/home/.ssh"
chmod 600 "$W/home/.ssh/keyaudit"
# what the repository holds; ssh_config is the runner's ~/.ssh/config
cp "$D/inv" "$W/run/inventory"
cp "$D/known_hosts" "$W/run/known_hosts"
printf 'Host *\n  BatchMode yes\n' > "$W/home/.ssh/config"
if $PY tests/shard/extract.py gh contrib/ci/github-shards.yml scan scan "$W/scripts" 2> "$W/x.err" &&
    $PY tests/shard/extract.py gh contrib/ci/github-shards.yml merge merge "$W/scripts" 2>> "$W/x.err"; then
	gh_ok=1
	for s in "$W"/scripts/scan-*.sh; do
		k=${s##*scan-}; k=${k%.sh}
		mkdir -p "$W/run/job-$k"
		cp "$W/run/inventory" "$W/run/known_hosts" "$W/run/job-$k/"
		(cd "$W/run/job-$k" && HOME=$W/home PATH=$W/bin:$PATH bash -e -c ". $W/scripts/env.sh; $(cat "$s")") \
		    > "$W/scan-$k.log" 2>&1 || { gh_ok=0; echo "# shard $k: $(cat "$W/scan-$k.log")"; }
		# upload-artifact, then download-artifact into shards/
		cp "$W/run/job-$k/keyaudit-shard-$k.json" "$W/run/shards/" 2>/dev/null || gh_ok=0
	done
	(cd "$W/run" && HOME=$W/home PATH=$W/bin:$PATH bash -e -c ". $W/scripts/env.sh; $(cat "$W/scripts/merge.sh")") \
	    > "$W/merge.log" 2>&1
	rc=$?
	# the oracle: the same scan unsharded (the workflow audits the login
	# account, kyscan, whose key is on every host)
	(cd "$W/run" && HOME=$W/home "$KA" scan -f inventory -i "$W/home/.ssh/keyaudit" \
	    --known-hosts known_hosts --sudo --quiet --json ref.json >/dev/null 2>&1)
	ref_rc=$?
	check "GitHub matrix: $(ls "$W"/scripts/scan-*.sh | wc -l) scan steps and the merge step run as written; the merge is the unsharded scan" \
	    '[ $gh_ok = 1 ] && [ $rc = $ref_rc ] && [ -n "$(fleet_of "$W/run/ref.json")" ] &&
	    [ "$(norm "$W/run/keyaudit.json")" = "$(norm "$W/run/ref.json")" ]' \
	    "scans ok=$gh_ok merge rc=$rc ref rc=$ref_rc $(cat "$W/merge.log") $(diff <(norm "$W/run/ref.json") <(norm "$W/run/keyaudit.json") 2>&1 | head)"
	t_valid_junit "GitHub matrix: the merge job's JUnit validates" "$W/run/keyaudit.xml"
	t_valid_sarif "GitHub matrix: the merge job's SARIF validates" "$W/run/keyaudit.sarif"
else
	t_nok "the GitHub workflow's steps extracted" "$(cat "$W/x.err")"
fi

# --- contrib: the Kubernetes Jobs, validated, their commands run per index
K=$D/k8s
mkdir -p "$K/scan" "$K/merge" "$K/vol/config" "$K/vol/key" "$K/vol/reports" "$K/bin"
ln -s "$KA" "$K/bin/keyaudit"
# the ConfigMap, the Secret and the claim, as volumes
cp "$D/inv" "$K/vol/config/inventory"
cp "$D/known_hosts" "$K/vol/config/known_hosts"
cp "$D/id_scan" "$K/vol/key/id"
chmod 400 "$K/vol/key/id"
if $PY tests/shard/extract.py k8s contrib/kubernetes/keyaudit-scan-job.yaml "$K/vol" "$K/scan" 2> "$K/x.err" &&
    $PY tests/shard/extract.py k8s contrib/kubernetes/keyaudit-merge-job.yaml "$K/vol" "$K/merge" 2>> "$K/x.err"; then
	t_ok "the Kubernetes Jobs validate against batch/v1 Job's schema (python3-kubernetes' models: fields, types, required) and are Indexed, restartPolicy Never, JOB_COMPLETION_INDEX from the index annotation"
	mkdir -p "$K/mutants"
	$PY tests/shard/extract.py mutants contrib/kubernetes/keyaudit-scan-job.yaml "$K/mutants"
	refused=""
	for m in "$K"/mutants/*.yaml; do
		$PY tests/shard/extract.py k8s "$m" "$K/vol" "$K/mutants" 2>> "$K/mutants.err" || refused="$refused $(basename "$m" .yaml)"
	done
	check "the schema check refuses the Job broken four ways (misspelt, type, required, misplaced)" \
	    '[ "$refused" = " misplaced misspelt required type" ]' "refused:$refused $(cat "$K/mutants.err")"
	n=$(cat "$K/scan/completions")
	k8s_ok=1
	for k in $(seq 0 $((n - 1))); do
		# ssh_config: the image's own (here the scan's, given by HOME)
		(HOME=$W/home PATH=$K/bin:$PATH JOB_COMPLETION_INDEX=$k sh -e -c ". $K/scan/env.sh; $(cat "$K/scan/cmd.sh")") \
		    > "$K/scan-$k.log" 2>&1 || { k8s_ok=0; echo "# index $k: $(cat "$K/scan-$k.log")"; }
	done
	(PATH=$K/bin:$PATH sh -e -c ". $K/merge/env.sh; $(cat "$K/merge/cmd.sh")") > "$K/merge.log" 2>&1
	rc=$?
	HOME=$W/home "$KA" scan -f "$K/vol/config/inventory" -i "$K/vol/key/id" \
	    --known-hosts "$K/vol/config/known_hosts" --sudo --quiet --json "$K/ref.json" >/dev/null 2>&1
	ref_rc=$?
	check "Kubernetes: the Indexed Job's command for indexes 0..$((n - 1)), then the merge Job's: the unsharded scan" \
	    '[ $k8s_ok = 1 ] && [ $rc = $ref_rc ] && [ "$(ls "$K"/vol/reports/shard-*.json | wc -l)" = $n ] &&
	    [ "$(norm "$K/vol/reports/keyaudit.json")" = "$(norm "$K/ref.json")" ] && [ -s "$K/vol/reports/keyaudit.prom" ]' \
	    "scans ok=$k8s_ok merge rc=$rc ref rc=$ref_rc $(cat "$K/merge.log") $(diff <(norm "$K/ref.json") <(norm "$K/vol/reports/keyaudit.json") 2>&1 | head)"
	t_valid_junit "Kubernetes: the merge Job's JUnit validates" "$K/vol/reports/keyaudit.xml"
else
	t_nok "the Kubernetes Jobs are valid batch/v1 Jobs" "$(cat "$K/x.err")"
fi


# --- a host whose login fails still shows its host key to the fleet pass:
# s8 (127.0.0.168) presents s3's host key and refuses kyscan's key; the
# unsharded scan reports the clone, and so must the shards merged
mkdir -p "$D/s8/keys"
chmod 755 "$D/s8" "$D/s8/keys"
cp "$D/s3/hk" "$D/s3/hk.pub" "$D/s8/"
if t_sshd s8 127.0.0.168 $PORT "AuthorizedKeysFile $D/s8/keys/%u"; then
	echo "[127.0.0.168]:$PORT $(cut -d' ' -f1,2 "$D/s8/hk.pub")" >> "$D/known_hosts"
	printf 's3 ansible_host=%s keyaudit_sshd_config=%s\ns8 ansible_host=127.0.0.168\n[all:vars]\nansible_port=%s\nansible_user=kyscan\n' \
	    "$(addr s3)" "$D/s3/sshd_config" $PORT > "$D/inv8"
	scan -f "$D/inv8" --format json > "$D/f8.json" 2>/dev/null
	for k in 0 1; do scan -f "$D/inv8" --shard $k/2 --json "$D/f8-$k.json" --format text >/dev/null 2>&1; done
	"$KA" merge "$D/f8-0.json" "$D/f8-1.json" --format json > "$D/m8.json" 2> "$D/m8.err"
	clone() { jq -r '[.hosts[] | select(.fleet == true) | .findings[] | select(.check == "hostkey.shared") | .message] | join("\n")' "$1"; }
	check "a host refusing the login: its host key clone is a fleet finding, unsharded and merged alike" \
	    '[ "$(jq -r ".hosts[] | select(.target == \"s8\") | .status" "$D/f8.json")" != scanned ] &&
	    [ -n "$(clone "$D/f8.json")" ] && [ "$(clone "$D/m8.json")" = "$(clone "$D/f8.json")" ] &&
	    [ "$(fleet_of "$D/m8.json")" = "$(fleet_of "$D/f8.json")" ]' \
	    "status: $(jq -c "[.hosts[] | {target, status}]" "$D/f8.json") full: $(fleet_of "$D/f8.json") merged: $(fleet_of "$D/m8.json") $(cat "$D/m8.err")"
else
	t_nok "sshd s8" "$T_SSHD_WHY"
fi

t_finish
