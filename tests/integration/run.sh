#!/bin/bash
# run.sh - integration tests of keyaudit against a real sshd on 127.0.0.1.
# Each scenario builds throwaway accounts, keys and an sshd_config, tries a
# real key login, runs `keyaudit scan` on the same user and config, and
# requires both verdicts (and the scenario's check ids) to agree.
#
#   tests/integration/run.sh [NAME-SUBSTRING...]
#
# Environment: KEYAUDIT (binary, default ./keyaudit), KA_IT_SSHD_ONLY=1 (only
# check the scenarios' expectations against sshd), KA_IT_VERBOSE=1 (print
# sshd's reason and keyaudit's findings for passing scenarios too),
# KA_IT_KEEP=1 (keep the temp dir; accounts are always removed),
# KA_IT_TMPDIR (parent of the temp dir, default /var/lib).
# Needs root; counts one skip otherwise (tests/lib.sh's t_need_root).

set -u
IT_DIR=$(cd "$(dirname "$0")" && pwd)
IT_ROOT=$(cd "$IT_DIR/../.." && pwd)
cd "$IT_ROOT" || exit 2

SUITE=integration
# shellcheck source=tests/lib.sh
. tests/lib.sh
# shellcheck source=tests/integration/lib.sh
. "$IT_DIR/lib.sh"
for f in "$IT_DIR"/scenarios/*.sh; do
	# shellcheck source=/dev/null
	. "$f"
done
it_main "$@"
