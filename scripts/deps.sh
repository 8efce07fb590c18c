#!/bin/sh
# Installs the Debian packages keyaudit needs, and says which:
#
#   scripts/deps.sh          (make deps)       what building needs: the
#                            compiler, the -dev libraries, cmocka for the
#                            unit tests, clang for the fuzz targets
#   scripts/deps.sh --test   (make test-deps)  that, and what the test
#                            suites run: a real OpenSSH, the schema
#                            validators, jq, node_exporter, ...
#
# Only what is missing is installed; sudo is used when not root. Package
# scripts are kept from starting services (openssh-server, rsyslog and
# prometheus-node-exporter would start theirs; the tests start their own
# sshd on 127.0.0.1 and node_exporter on a test port).
set -eu

BUILD_PKGS="gcc make pkg-config libssh-dev libssl-dev libpcre2-dev libxml2-dev
libjansson-dev zlib1g-dev libcmocka-dev clang libclang-rt-14-dev"
# openssh-*: the oracles and the sshd the suites start; libxml2-utils,
# python3-jsonschema: JUnit and SARIF against their schemas; iproute2: ss
# (ports in use); passwd, sudo, procps: throwaway accounts, --sudo, pkill;
# bc, time, ssh-audit: the fleet test and benchmark; rsyslog: the keys
# test's syslog; prometheus-node-exporter: reads --prom; groff-base: the man
# page; python3-yaml: the CI examples; python3-kubernetes: the Kubernetes
# Jobs against batch/v1 Job's schema (its generated models); debootstrap: the stock Debian roots
# of the stock test; busybox: the collector under BusyBox sh and applets;
# chromium, poppler-utils: the HTML report rendered, screenshot, printed.
TEST_PKGS="openssh-server openssh-client libxml2-utils python3-jsonschema jq
iproute2 passwd sudo procps bc time ssh-audit rsyslog prometheus-node-exporter
groff-base python3-yaml python3-kubernetes debootstrap busybox chromium poppler-utils"

test=
case ${1:-} in
--test) test=1 ;;
"") ;;
*) echo "usage: scripts/deps.sh [--test]" >&2; exit 2 ;;
esac
PKGS=$BUILD_PKGS
[ -n "$test" ] && PKGS="$BUILD_PKGS $TEST_PKGS"
what=build
[ -n "$test" ] && what="build and test"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	SUDO="sudo"
fi
# sshd -T (the differential tests) loads the system host keys.
hostkeys() {
	[ -n "$test" ] || return 0
	if ! ls /etc/ssh/ssh_host_*_key >/dev/null 2>&1; then
		echo "deps: generating the system's missing sshd host keys (ssh-keygen -A)"
		$SUDO ssh-keygen -A
	fi
}
if [ -z "$missing" ]; then
	echo "deps: $what: all present ($(echo $PKGS | wc -w) packages)"
	hostkeys
	exit 0
fi
echo "deps: $what: installing:$missing"
# Keep the package scripts from starting services (sshd on port 22).
policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
	$SUDO chmod 755 /usr/sbin/policy-rc.d
	policy=1
fi
trap '[ -n "$policy" ] && $SUDO rm -f /usr/sbin/policy-rc.d' EXIT
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
hostkeys
echo "deps: done"
