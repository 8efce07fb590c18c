#!/bin/sh
# Installs the Debian packages keyaudit needs to build and test, and says
# which. Only what is missing is installed; sudo is used when not root. The
# openssh-server package is installed without starting the system sshd
# (tests start their own on 127.0.0.1).
set -eu

PKGS="gcc make pkg-config libssh-dev libssl-dev libpcre2-dev libxml2-dev
libjansson-dev libcmocka-dev openssh-server openssh-client libxml2-utils
clang libclang-rt-14-dev jq passwd procps sudo bc time ssh-audit zlib1g-dev
rsyslog python3-jsonschema prometheus-node-exporter
groff-base python3-yaml debootstrap"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
# sshd -T (the differential tests) loads the system host keys.
hostkeys() {
	if ! ls /etc/ssh/ssh_host_*_key >/dev/null 2>&1; then
		echo "deps: generating the system's missing sshd host keys (ssh-keygen -A)"
		$SUDO ssh-keygen -A
	fi
}
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	SUDO="sudo"
fi
if [ -z "$missing" ]; then
	echo "deps: all present ($(echo $PKGS | wc -w) packages)"
	hostkeys
	exit 0
fi
echo "deps: installing:$missing"
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
