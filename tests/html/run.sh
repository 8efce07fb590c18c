#!/bin/bash
# run.sh - the HTML report in a real browser (root): a scan of a loopback
# fleet (two real sshd on 127.0.0.1:2570 and :2571 sharing a host key, a
# refused port 2572, throwaway kw* accounts, one sshd_config under a path
# holding </script>, "><img ...> and a bidi override) writes --json and
# --html in the same run; headless Chromium renders the page with zero
# console errors (CSP violations included), screenshots it at desktop and
# phone width, prints it (the summary comes first), and its DOM holds every
# host and finding of the JSON report and nothing more, with no injected
# element. Filters from the URL fragment show exactly what they select.
# The HTML of diff, keys, known-hosts and preflight is rendered once each
# and checked against their JSON.
#   tests/html/run.sh        ends "html: N passed, N failed"
set -u
cd "$(dirname "$0")/../.." || exit 3
KA=${KEYAUDIT:-$PWD/keyaudit}
SUITE=html
. tests/lib.sh
ok() { t_ok "$@"; }
nok() { t_nok "$@"; }
finish() { t_finish; }
DOM="python3 $PWD/tests/html/dom.py"

t_need_root
for p in chromium pdftotext jq python3; do
	command -v $p >/dev/null || { nok "needs $p (scripts/deps.sh --test)"; finish; }
done
for p in 2570 2571 2572; do
	t_in_use 127.0.0.1:$p && { nok "127.0.0.1:$p in use"; finish; }
done
t_setup /var/tmp
D=$T_BASE

# --- --previous: input errors are one line, exit 2, before anything is scanned
echo '{"keyaudit":"1","schema":1,"hosts":[{"target":"a","findings":[{"check":"x"}]}]}' > "$D/bad.json"
"$KA" scan --previous "$D/bad.json" --html "$D/never.html" > /dev/null 2> "$D/bad.err"
[ $? = 2 ] && [ "$(wc -l < "$D/bad.err")" = 1 ] && grep -q 'bad.json: hosts\[0\].findings\[0\]: expected' "$D/bad.err" &&
    [ ! -e "$D/never.html" ] && ok "--previous with a bad report: exit 2, its JSON path named ($(cat "$D/bad.err"))" ||
    nok "--previous bad report" "$(cat "$D/bad.err")"
echo '{"keyaudit":"1","schema":1,"hosts":[]}' > "$D/empty.json"
"$KA" scan --previous "$D/empty.json" > /dev/null 2> "$D/bad.err"
[ $? = 2 ] && grep -q 'give --html FILE' "$D/bad.err" && ok "--previous without an HTML report: usage error" ||
    nok "--previous needs --html" "$(cat "$D/bad.err")"

# --- the fleet
for u in kwscan kwa kwb; do t_user "$u" || { nok "account $u"; finish; }; done
t_cleanup_add file /etc/sudoers.d/keyaudit-html
echo 'kwscan ALL=(root) NOPASSWD: ALL' > /etc/sudoers.d/keyaudit-html
chmod 440 /etc/sudoers.d/keyaudit-html
for k in id_scan k_shared k_old k_new ca; do
	ssh-keygen -q -t ed25519 -N '' -C "$k" -f "$D/$k" </dev/null
done
t_keyfile kwscan "$D/id_scan.pub"
t_keyfile kwa "$D/k_shared.pub"
chmod 664 /home/kwa/.ssh/authorized_keys	# perm: blocks kwa's login
printf 'expiry-time="20200101" %s\n' "$(cat "$D/k_old.pub")" > "$D/kwb.keys"
t_keyfile kwb "$D/kwb.keys"
cp "$D/ca.pub" "$D/trusted_ca.pub"
chmod 644 "$D/trusted_ca.pub"
# host b's sshd_config lives under a path a hostile host could give
# (no bidi character there: sshd's process title escapes it, and the
# cleanup finds sshd by its config path; a key file of kwb's carries one)
HOSTILE_DIR="$D/h/x\"><img src=x onerror=alert(1)>/</script><script>alert(2)</script>"
BIDI=$(printf 'k\342\200\256txt.pub')
install -m 0666 -o kwb -g kwb "$D/k_old.pub" "/home/kwb/.ssh/$BIDI"
mkdir -p "$HOSTILE_DIR"
chmod -R 755 "$D/h"
t_sshd a 127.0.0.1 2570 "TrustedUserCAKeys $D/trusted_ca.pub" ||
    { nok "sshd a starts" "$T_SSHD_WHY"; finish; }
# the same host key as a: a cloned image (a fleet finding)
T_SSHD_CONFIG="$HOSTILE_DIR/sshd_config" t_sshd b 127.0.0.1 2571 "HostKey $D/a/hk" \
    "PasswordAuthentication yes" "AuthorizedKeysFile .ssh/authorized_keys .ssh/$BIDI" || { nok "sshd b starts" "$T_SSHD_WHY"; finish; }
ok "two sshd on 127.0.0.1:2570 and :2571 (one host key), kw accounts"
{
	t_known_hosts a 127.0.0.1 2570
	t_known_hosts a 127.0.0.1 2571
} > "$D/kh"
{
	echo "[web]"
	echo "b ansible_host=127.0.0.1 ansible_port=2571 keyaudit_sshd_config='$HOSTILE_DIR/sshd_config'"
	echo "a ansible_host=127.0.0.1 ansible_port=2570 keyaudit_sshd_config=$D/a/sshd_config"
	echo "down ansible_host=127.0.0.1 ansible_port=2572"
	echo "[web:vars]"
	echo "ansible_user=kwscan"
} > "$D/inv.ini"

# render URL OUT: the DOM after the script ran (OUT), Chromium's log
# (OUT.log); prints the console lines: errors, CSP violations, anything
# the page wrote to its console.
CHROME=(chromium --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars
    --user-data-dir="$D/chrome" --enable-logging=stderr --v=0)
render() {
	"${CHROME[@]}" --virtual-time-budget=2000 --dump-dom "$1" > "$2" 2> "$2.log"
	grep -E ':CONSOLE[(:]|Uncaught|Refused to' "$2.log"
}
# rendered NAME FILE: FILE rendered with no console line at all
rendered() {
	local c
	c=$(render "file://$2" "$2.dom")
	[ -s "$2.dom" ] && [ -z "$c" ] && ok "$1: Chromium renders it, no console error" ||
	    nok "$1: renders with no console error" "$c$(tail -n 3 "$2.log")"
}
scan() {
	"$KA" scan -f "$D/inv.ini" -i "$D/id_scan" --known-hosts "$D/kh" --sudo \
	    --user kwa --user kwb --timeout 10 --quiet "$@"
}

# --- the scan: JSON and HTML from one run
start=$(date +%s)
scan --format text --json "$D/scan.json" --html "$D/scan.html" > "$D/scan.txt" 2> "$D/scan.err"
rc=$?
[ $rc = 1 ] && [ -s "$D/scan.json" ] && [ -s "$D/scan.html" ] &&
    ok "scan --json --html: both written, exit 1" || nok "scan exit 1 with both reports (got $rc)" "$(cat "$D/scan.err")"
sevs=$(jq -r '[.hosts[].findings[].severity] | unique | join(",")' "$D/scan.json")
fleet=$(jq -r '[.hosts[] | select(.target == "fleet") | .findings[].check] | join(",")' "$D/scan.json")
failed=$(jq -r '.summary.hosts_failed' "$D/scan.json")
[ "$(echo "$sevs" | tr ',' '\n' | wc -l)" -ge 3 ] && [ -n "$fleet" ] && [ "$failed" = 1 ] &&
    ok "the report has severities $sevs, fleet findings $fleet, one failed host" ||
    nok "findings of several severities, a fleet finding, a failed host" "sevs=$sevs fleet=$fleet failed=$failed"
jq -e '[.hosts[].findings[].path // empty] | any(contains("</script><script>alert(2)</script>")) and
    any(contains("\\u202e"))' "$D/scan.json" >/dev/null && ok "a finding's path holds </script><script>, \"><img onerror> and a bidi override" ||
    nok "the hostile path reaches the findings" "$(jq -c '[.hosts[].findings[].path]' "$D/scan.json")"

rendered "scan report" "$D/scan.html"
out=$($DOM scan "$D/scan.json" "$D/scan.html.dom") && ok "DOM = JSON: $out" || nok "DOM holds every host and finding of the JSON report, nothing more" "$out"
# the CA trust map: host a trusts the CA (TrustedUserCAKeys), by ssh-keygen's fingerprint
cafp=$(ssh-keygen -lf "$D/ca.pub" | cut -d' ' -f2)
python3 - "$D/scan.html.dom" "$cafp" > "$D/camap.out" <<'EOF'
import sys
sys.path.insert(0, "tests/html")
import dom
d = dom.Dom(open(sys.argv[1]).read())
rows = [d.text(r) for r in d.find("ca", "tr")]
print(rows)
sys.exit(0 if len(rows) == 1 and sys.argv[2] in rows[0] and "a (all users)" in rows[0]
         and "b (" not in rows[0] else 1)
EOF
[ $? = 0 ] && ok "CA trust map: $cafp trusted by a (all users), not b" || nok "CA trust map" "$(cat "$D/camap.out")"
out=$($DOM safe "$D/scan.html.dom") && ok "no injected element: $out" || nok "no injected element" "$out"
grep -q '<img\|<svg\|<script>alert' "$D/scan.html" && nok "the file itself has no raw <img, <svg or <script>alert" ||
    ok "the file itself has no raw <img, <svg or <script>alert (escaped: $(grep -o '&lt;img src=x onerror=alert(1)&gt;' "$D/scan.html" | head -n 1))"
grep -q '\\u202e' "$D/scan.html.dom" && ! grep -q "$(printf '\342\200\256')" "$D/scan.html" &&
    ok "the bidi override is shown as \\u202e, never raw" || nok "bidi override escaped"
grep -qE 'https?:|//[a-z]' <(grep -o 'src=[^ >]*\|href=[^ >]*\|url([^)]*)\|@import' "$D/scan.html") &&
    nok "no external reference" || ok "no src, href, url() or @import: nothing loads from outside"

# the console check can fail: the same page whose script throws (its
# hash updated, so CSP admits it) must give a console error
python3 - "$D/scan.html" "$D/broken.html" <<'EOF'
import base64, hashlib, re, sys
s = open(sys.argv[1]).read()
m = re.search(r"<script>(.*?)</script>", s, re.S)
body = m.group(1).replace("bar.hidden=false;", "bar.hidden=false;null.x;", 1)
h = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
s = s[:m.start(1)] + body + s[m.end(1):]
s = re.sub(r"script-src &#39;sha256-[^&]*&#39;", "script-src &#39;sha256-%s&#39;" % h, s)
open(sys.argv[2], "w").write(s)
EOF
c=$(render "file://$D/broken.html" "$D/broken.dom")
echo "$c" | grep -q 'Uncaught TypeError' && ok "a page whose script throws is caught: $(echo "$c" | head -n 1 | grep -o '"Uncaught[^"]*"')" ||
    nok "the console check sees a throwing script" "$c"
sed 's|<main id="hosts"|<img src="x"><main id="hosts"|' "$D/scan.html" > "$D/injected.html"
c=$(render "file://$D/injected.html" "$D/injected.dom")
echo "$c" | grep -q "img-src 'none'" && ok "CSP blocks an image slipped in, and the check sees it" ||
    nok "a CSP violation shows on the console" "$c"

# scripting off the DOM is the file as written (Chromium's --dump-dom needs
# scripting, so the file is read as a browser without it would): every
# finding shown, the filter bar (which needs the script) hidden
python3 - "$D/scan.html" > "$D/noscript.out" <<'EOF'
import sys
sys.path.insert(0, "tests/html")
import dom
d = dom.Dom(open(sys.argv[1]).read())
items = d.find("f")
bar = d.by_id("filters")
print("%d findings, %d shown, filter bar hidden: %s" % (len(items), sum(d.shown(e) for e in items),
      bar is not None and "hidden" in bar["a"]))
sys.exit(0 if items and all(d.shown(e) for e in items) and bar and "hidden" in bar["a"] else 1)
EOF
[ $? = 0 ] && ok "scripting off: $(cat "$D/noscript.out")" || nok "scripting off" "$(cat "$D/noscript.out")"

# --- screenshots: desktop and phone
"${CHROME[@]}" --window-size=1280,1600 --screenshot="$D/scan.png" "file://$D/scan.html" > /dev/null 2>&1
out=$($DOM png "$D/scan.png" 1280 30000) && ok "desktop screenshot: $out" || nok "desktop screenshot" "$out"
"${CHROME[@]}" --window-size=375,1400 --screenshot="$D/phone.png" "file://$D/scan.html" > /dev/null 2>&1
out=$($DOM png "$D/phone.png" 375 15000 4) && ok "phone screenshot (375 px), nothing past its right edge: $out" ||
    nok "phone screenshot, no horizontal overflow" "$out"
# the overflow check can fail: the same page made 600 px wide
python3 - "$D/scan.html" "$D/wide.html" <<'EOF'
import base64, hashlib, re, sys
s = open(sys.argv[1]).read()
m = re.search(r"<style>(.*?)</style>", s, re.S)
body = m.group(1).replace(".page>*{min-width:0}", ".page>*{min-width:600px}", 1)
h = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
s = s[:m.start(1)] + body + s[m.end(1):]
s = re.sub(r"style-src &#39;sha256-[^&]*&#39;", "style-src &#39;sha256-%s&#39;" % h, s)
open(sys.argv[2], "w").write(s)
EOF
"${CHROME[@]}" --window-size=375,1400 --screenshot="$D/wide.png" "file://$D/wide.html" > /dev/null 2>&1
$DOM png "$D/wide.png" 375 15000 4 > /dev/null && nok "the overflow check sees a 600 px page cut at 375 px" ||
    ok "the overflow check sees a 600 px page cut at 375 px"

# --- printed: the summary first, findings expanded, no filter bar
"${CHROME[@]}" --no-pdf-header-footer --print-to-pdf="$D/scan.pdf" "file://$D/scan.html" > /dev/null 2>&1
pdftotext -layout "$D/scan.pdf" "$D/scan.pdf.txt" 2>/dev/null
s=$(grep -n '^ *Summary' "$D/scan.pdf.txt" | head -n 1 | cut -d: -f1)
h=$(grep -n 'kwa' "$D/scan.pdf.txt" | head -n 1 | cut -d: -f1)
[ -n "$s" ] && [ -n "$h" ] && [ "$s" -lt "$h" ] && ! grep -q 'severity at least' "$D/scan.pdf.txt" &&
    ok "printed: Summary on line $s, before the first host's findings (line $h); no filter bar" ||
    nok "printed: the summary first, no filter bar" "summary line ${s:-none}, kwa line ${h:-none}"

# --- filters from the fragment
check=$(jq -r '[.hosts[].findings[].check] | group_by(.) | max_by(length)[0]' "$D/scan.json")
for f in "high||" "|$check|" "medium||b" "||fleet"; do
	IFS='|' read -r fs fc fh <<< "$f"
	frag=
	[ -n "$fs" ] && frag="sev=$fs"
	[ -n "$fc" ] && frag="${frag:+$frag&}check=$fc"
	[ -n "$fh" ] && frag="${frag:+$frag&}host=$fh"
	c=$(render "file://$D/scan.html#$frag" "$D/filter.dom")
	out=$($DOM scan "$D/scan.json" "$D/filter.dom" "$fs" "$fc" "$fh")
	frc=$?
	[ -z "$c" ] && [ $frc = 0 ] && ok "#$frag shows exactly its findings: $out" || nok "#$frag" "$c$out"
done
# (the inventory names b before a: sorting by host changes the order)
c=$(render "file://$D/scan.html#sort=host" "$D/sort.dom")
order=$(python3 -c '
import sys; sys.path.insert(0, "tests/html"); import dom
d = dom.Dom(open(sys.argv[1]).read())
print(" ".join(g["a"]["data-host"] for g in d.find("grp", "section") if "fleet" not in g["cls"]))' "$D/sort.dom")
[ -z "$c" ] && [ "$order" = "a b down" ] && [ "$(jq -r '[.hosts[].target] | join(" ")' "$D/scan.json")" = "b a down fleet" ] &&
    ok "#sort=host orders the hosts by name ($order; scanned as b a down)" || nok "#sort=host" "$c $order"
c=$(render "file://$D/scan.html#sort=worst" "$D/sort.dom")
order=$(python3 -c '
import sys; sys.path.insert(0, "tests/html"); import dom
d = dom.Dom(open(sys.argv[1]).read())
print(" ".join(g["a"]["data-worst"] for g in d.find("grp", "section") if "fleet" not in g["cls"]))' "$D/sort.dom")
[ -z "$c" ] && [ "$order" = "$(echo "$order" | tr ' ' '\n' | sort -rn | tr '\n' ' ' | sed 's/ $//')" ] &&
    ok "#sort=worst orders the hosts worst first ($order)" || nok "#sort=worst" "$c $order"

# --- a second scan against the first: the trend, and diff
chmod 600 /home/kwa/.ssh/authorized_keys
cat "$D/k_new.pub" >> /home/kwb/.ssh/authorized_keys
scan --format json --previous "$D/scan.json" --html "$D/scan2.html" > "$D/scan2.json" 2> "$D/scan2.err"
"$KA" diff "$D/scan.json" "$D/scan2.json" --format json --html "$D/diff.html" > "$D/diff.json"
rendered "scan --previous" "$D/scan2.html"
python3 - "$D/diff.json" "$D/scan2.html.dom" "$D/scan.json" "$D/scan2.json" > "$D/trend.out" <<'EOF'
import json, sys
sys.path.insert(0, "tests/html")
import dom
d = dom.Dom(open(sys.argv[2]).read())
r = json.load(open(sys.argv[1]))
s1, s2 = (json.load(open(f))["summary"] for f in sys.argv[3:5])
got = {c: dom.card(d, "t-" + c) for c in ("new", "resolved", "unchanged")}
total = sum(len(h["findings"]) for h in json.load(open(sys.argv[4]))["hosts"])
want = {"new": str(len(r["new_findings"])), "resolved": str(len(r["resolved_findings"])),
        "unchanged": str(total - len(r["new_findings"]))}
deltas = {dom.SEV[int(e["a"]["data-sev"])]: d.text(e) for e in d.find("d", "td")}
wantd = {k: "%+d" % (s2["by_severity"][k] - s1["by_severity"][k]) for k in dom.SEV}
print("trend %s deltas %s; diff %s deltas %s" % (got, deltas, want, wantd))
sys.exit(0 if got == want and deltas == wantd and want["resolved"] != "0" else 1)
EOF
[ $? = 0 ] && ok "the trend agrees with keyaudit diff: $(cat "$D/trend.out")" || nok "trend = diff" "$(cat "$D/trend.out")"
rendered "diff" "$D/diff.html"
out=$($DOM diff "$D/diff.json" "$D/diff.html.dom") && ok "diff DOM = JSON: $out" || nok "diff DOM = JSON" "$out"

# --- keys, known-hosts, preflight
"$KA" keys -f "$D/inv.ini" -i "$D/id_scan" --known-hosts "$D/kh" --sudo --user kwa --user kwb \
    --timeout 10 --quiet --format json --html "$D/keys.html" > "$D/keys.json" 2> "$D/keys.err"
rendered "keys" "$D/keys.html"
out=$($DOM keys "$D/keys.json" "$D/keys.html.dom") && ok "keys DOM = JSON: $out" || nok "keys DOM = JSON" "$out"
c=$(render "file://$D/keys.html#check=ca" "$D/keysf.dom")
shown=$(python3 -c '
import sys; sys.path.insert(0, "tests/html"); import dom
d = dom.Dom(open(sys.argv[1]).read())
print(" ".join(sorted(e["a"]["data-check"] for e in d.find("key") if d.shown(e))))' "$D/keysf.dom")
want=$(jq -r '[.keys[] | select(.kind == "ca") | .kind] | join(" ")' "$D/keys.json")
[ -z "$c" ] && [ -n "$want" ] && [ "$shown" = "$want" ] && ok "keys #check=ca shows the CA rows only ($shown)" ||
    nok "keys #check=ca" "$c shown=$shown want=$want"
"$KA" known-hosts -f "$D/inv.ini" --known-hosts "$D/kh" --timeout 10 --quiet --format json \
    --html "$D/kh.html" > "$D/kh.json" 2> "$D/kh.err"
rendered "known-hosts" "$D/kh.html"
out=$($DOM scan "$D/kh.json" "$D/kh.html.dom") && ok "known-hosts DOM = JSON: $out" || nok "known-hosts DOM = JSON" "$out"
{ cat "$D/a/sshd_config"; echo "DenyUsers kwa"; } > "$D/proposed.conf"
"$KA" preflight --sshd-config "$D/a/sshd_config" --proposed-sshd-config "$D/proposed.conf" \
    --user kwa --user kwb --json "$D/pf.json" --html "$D/pf.html" > /dev/null 2> "$D/pf.err"
rendered "preflight" "$D/pf.html"
out=$($DOM preflight "$D/pf.json" "$D/pf.html.dom") && ok "preflight DOM = JSON: $out" || nok "preflight DOM = JSON" "$out"
for f in diff keys kh pf; do
	$DOM safe "$D/$f.html.dom" > /dev/null || nok "$f: no injected element" "$($DOM safe "$D/$f.html.dom")"
done

# --format html: the same page on standard output (read as written)
scan --format html --json "$D/scan3.json" > "$D/stdout.html" 2> /dev/null
out=$($DOM scan "$D/scan3.json" "$D/stdout.html") && ok "--format html on standard output: $out" ||
    nok "--format html on standard output" "$out"
echo "# html suite: $(($(date +%s) - start))s after the fleet was up"
finish
