#!/usr/bin/python3
# extract.py - the keyaudit commands of a contrib/ci example, as written, for
# tests/preflight-ci/run.sh: one line per command, "JOB<TAB>COMMAND", taken
# from GitHub Actions steps (run:, a string of lines) and GitLab jobs
# (script:, a list). Only lines that start with "keyaudit " are printed: the
# steps around them (checkout, build, artifact up- and download) need the CI
# service and are not run by the test.
#
#   extract.py FILE.yml        exit 2 when FILE is not YAML or holds none
import sys

import yaml


def commands(doc):
    """(job, line) for every shell line of every job, in file order."""
    jobs = doc.get("jobs") if isinstance(doc.get("jobs"), dict) else doc
    for job, body in jobs.items():
        if not isinstance(body, dict):
            continue
        for step in body.get("steps") or []:
            if isinstance(step, dict) and isinstance(step.get("run"), str):
                for line in step["run"].splitlines():
                    yield job, line
        script = body.get("script")
        if isinstance(script, str):
            script = [script]
        for line in script or []:
            if isinstance(line, str):
                yield job, line


def main():
    if len(sys.argv) != 2:
        print("usage: extract.py FILE.yml", file=sys.stderr)
        return 2
    try:
        with open(sys.argv[1]) as f:
            doc = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        print("extract.py: %s" % e, file=sys.stderr)
        return 2
    if not isinstance(doc, dict):
        print("extract.py: %s: not a mapping" % sys.argv[1], file=sys.stderr)
        return 2
    n = 0
    for job, line in commands(doc):
        line = line.strip()
        if line.startswith("keyaudit "):
            print("%s\t%s" % (job, line))
            n += 1
    return 0 if n else 2


if __name__ == "__main__":
    sys.exit(main())
