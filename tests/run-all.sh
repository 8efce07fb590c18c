#!/bin/sh
# The whole suite, as `make check` and CI run it: unit tests (cmocka), the
# command-line tests, a short run of every fuzz target over its seed corpus,
# and the integration tests against a real sshd (root only). Each suite
# prints "<suite>: N passed, N failed[, N skipped]" (tests/lib.sh's
# t_finish); this adds them up into the last line.
set -u
cd "$(dirname "$0")/.." || exit 3
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# A suite that ends without its summary line (it could not start, it
# crashed) is a failure, not a suite that did not count.
run_suite() {
	name=$1; shift
	echo "=== $name"
	before=$(grep -c '^[a-z-]*: [0-9]* passed, [0-9]* failed' "$log")
	"$@" 2>&1 | tee -a "$log"
	if [ "$(grep -c '^[a-z-]*: [0-9]* passed, [0-9]* failed' "$log")" -eq "$before" ]; then
		echo "$name: 0 passed, 1 failed (the suite ended without its summary line)" |
		    tee -a "$log"
	fi
}

# sshd -T, the unit tests' oracle, refuses to run without its privilege
# separation directory (a fresh machine has no sshd started yet).
[ "$(id -u)" -eq 0 ] && mkdir -p /run/sshd
run_suite unit tests/run-unit.sh "$@"
# the objects the tests were built with (build, or build-asan under make asan)
build=build
[ $# -gt 0 ] && build=$(dirname "$(dirname "$1")")
run_suite layers tests/layers.sh "$build"
run_suite cli tests/cli/run.sh
run_suite gates tests/cli/gates.sh
collect_bin=""; cc_bin=""; kh_bin=""
for t in "$@"; do
	case $t in
	*/test_collect_stream) collect_bin=$t ;;
	*/test_clientconf) cc_bin=$t ;;
	*/test_knownhosts) kh_bin=$t ;;
	esac
done
run_suite collector tests/cli/collector.sh ./keyaudit "$collect_bin"
run_suite clientconf-diff tests/cli/clientconf-diff.sh "$cc_bin"
run_suite certparse tests/certparse/run.sh "$build/tests/certtool"
run_suite fuzz tests/fuzz/smoke.sh
if [ "$(id -u)" -eq 0 ]; then
	run_suite sshdconf-diff tests/sshdconf-diff.sh
	run_suite knownhosts-diff tests/cli/knownhosts-diff.sh "$kh_bin"
	run_suite integration tests/integration/run.sh
	run_suite fleet tests/fleet/run.sh
	run_suite shard tests/shard/run.sh
	run_suite known-hosts tests/knownhosts/run.sh
	run_suite hostcert tests/hostcert/run.sh
	run_suite keys tests/keys/run.sh
	run_suite certca tests/certca/run.sh
	run_suite diagnose tests/diagnose/run.sh
	run_suite certclient tests/certclient/run.sh
	run_suite hostile tests/hostile/run.sh
	run_suite security tests/security/run.sh
	run_suite fixes tests/fixes/run.sh
	run_suite stock tests/stock/run.sh
	run_suite releases-kw tests/releases-kw/run.sh
	run_suite releases tests/releases/run.sh
	run_suite targetsshd tests/targetsshd/run.sh
	run_suite certsrv tests/certsrv/run.sh
	run_suite preflight tests/preflight/run.sh
	run_suite preflight-ci tests/preflight-ci/run.sh
	run_suite akc tests/akc/run.sh
	run_suite pam tests/pam/run.sh
	run_suite html tests/html/run.sh
	run_suite distro tests/distro/run.sh
	run_suite latency tests/latency/run.sh
else
	echo "sshdconf-diff, knownhosts-diff, integration, fleet, known-hosts, hostcert, keys, certca, diagnose, certclient, hostile, security, fixes, stock, releases-kw, releases, certsrv, preflight, preflight-ci, targetsshd, akc, pam, html, distro, shard, latency: skipped (need root: sshd -T reads host keys; accounts and an sshd are created)"
fi

passed=0; failed=0; skipped=0
for n in $(sed -n 's/^[a-z-]*: \([0-9]*\) passed, \([0-9]*\) failed\(, \([0-9]*\) skipped\)\{0,1\}.*$/\1:\2:\4/p' "$log"); do
	p=${n%%:*}; f=${n#*:}; s=${f#*:}; f=${f%%:*}
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + ${s:-0}))
done
suites=$(grep -c '^[a-z-]*: [0-9]* passed, [0-9]* failed' "$log")
if [ "$suites" -lt 4 ]; then
	echo "a suite ended without its summary line"
	failed=$((failed + 1))
fi
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
