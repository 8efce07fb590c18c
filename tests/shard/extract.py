#!/usr/bin/python3
# extract.py - the commands of the contrib examples, as written, for
# tests/shard/run.sh to run; and the Kubernetes Jobs checked against the
# fields of batch/v1 Job that they use (no cluster here: kubectl's
# --dry-run needs the API server's discovery even with --validate=false).
#
#   extract.py gh WORKFLOW JOB STEP_ID OUTDIR   the step's run: script,
#       once per matrix value (OUTDIR/JOB-VALUE.sh, or OUTDIR/JOB.sh), with
#       ${{ matrix.X }} and ${{ strategy.job-total }} substituted as Actions
#       would; the workflow's env: as OUTDIR/env.sh (sourced first)
#   extract.py k8s MANIFEST ROOT OUTDIR   validate the Job; write its
#       container's command (OUTDIR/cmd.sh, mount paths under ROOT), its
#       env values (OUTDIR/env.sh) and its completions (OUTDIR/completions)
import json
import os
import re
import shlex
import sys

import yaml


def die(msg):
    print("extract.py: " + msg, file=sys.stderr)
    sys.exit(1)


def gh(path, job, step_id, out):
    doc = yaml.safe_load(open(path))
    j = doc["jobs"][job]
    steps = [s for s in j["steps"] if s.get("id") == step_id]
    if len(steps) != 1:
        die("%s: job %s has no step with id %s" % (path, job, step_id))
    script = steps[0]["run"]
    env = dict(doc.get("env") or {})
    env.update(j.get("env") or {})
    env.update(steps[0].get("env") or {})
    with open(os.path.join(out, "env.sh"), "w") as f:
        for k, v in env.items():
            f.write("export %s=%s\n" % (k, shlex.quote(str(v))))
    matrix = (j.get("strategy") or {}).get("matrix") or {}
    if not matrix:
        open(os.path.join(out, job + ".sh"), "w").write(script)
        return
    if len(matrix) != 1:
        die("one matrix dimension expected")
    (name, values), = matrix.items()
    for v in values:
        s = re.sub(r"\$\{\{\s*matrix\.%s\s*\}\}" % name, str(v), script)
        s = re.sub(r"\$\{\{\s*strategy\.job-total\s*\}\}", str(len(values)), s)
        if "${{" in s:
            die("unsubstituted expression in %s: %s" % (job, s))
        open(os.path.join(out, "%s-%s.sh" % (job, v)), "w").write(s)


# The fields of batch/v1 Job, PodTemplateSpec, PodSpec, Container and the
# volume kinds these manifests use (Kubernetes API reference, v1.20 to 1.31).
JOB_SPEC = {"activeDeadlineSeconds", "backoffLimit", "backoffLimitPerIndex",
            "completionMode", "completions", "manualSelector", "maxFailedIndexes",
            "parallelism", "podFailurePolicy", "podReplacementPolicy", "selector",
            "successPolicy", "suspend", "template", "ttlSecondsAfterFinished",
            "managedBy"}
POD_SPEC = {"containers", "initContainers", "restartPolicy", "volumes",
            "serviceAccountName", "securityContext", "nodeSelector", "affinity",
            "tolerations", "imagePullSecrets", "automountServiceAccountToken",
            "priorityClassName", "hostNetwork", "dnsPolicy"}
CONTAINER = {"name", "image", "command", "args", "env", "envFrom", "volumeMounts",
             "resources", "securityContext", "imagePullPolicy", "workingDir"}
VOLUME_KINDS = {"configMap", "secret", "persistentVolumeClaim", "emptyDir"}


def check(cond, what):
    if not cond:
        die("not a valid batch/v1 Job: " + what)


def k8s(path, root, out):
    doc = yaml.safe_load(open(path))
    check(doc.get("apiVersion") == "batch/v1", "apiVersion must be batch/v1")
    check(doc.get("kind") == "Job", "kind must be Job")
    check(re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", doc["metadata"]["name"]),
          "metadata.name must be a DNS label")
    spec = doc["spec"]
    check(set(spec) <= JOB_SPEC, "unknown spec fields %s" % (set(spec) - JOB_SPEC))
    for k in ("completions", "parallelism", "backoffLimit"):
        check(k not in spec or (isinstance(spec[k], int) and spec[k] >= 0),
              "spec.%s must be an integer" % k)
    completions = spec.get("completions", 1)
    if spec.get("completionMode") is not None:
        check(spec["completionMode"] in ("Indexed", "NonIndexed"), "completionMode")
    if spec.get("completionMode") == "Indexed":
        check(isinstance(spec.get("completions"), int) and spec["completions"] >= 1,
              "an Indexed Job needs completions")
    pod = spec["template"]["spec"]
    check(set(pod) <= POD_SPEC, "unknown pod fields %s" % (set(pod) - POD_SPEC))
    check(pod.get("restartPolicy") in ("Never", "OnFailure"),
          "a Job's restartPolicy is Never or OnFailure")
    check(len(pod["containers"]) == 1, "one container")
    c = pod["containers"][0]
    check(set(c) <= CONTAINER, "unknown container fields %s" % (set(c) - CONTAINER))
    check(isinstance(c.get("command"), list) and all(isinstance(w, str) for w in c["command"]),
          "command must be a list of strings")
    vols = {}
    for v in pod.get("volumes", []):
        kinds = set(v) - {"name"}
        check(len(kinds) == 1 and kinds <= VOLUME_KINDS, "volume %s" % v.get("name"))
        vols[v["name"]] = v
    env = {}
    for e in c.get("env", []):
        check(set(e) in ({"name", "value"}, {"name", "valueFrom"}), "env %s" % e)
        check(isinstance(e.get("value", ""), str), "env %s: value must be a string" % e["name"])
        if "value" in e:
            env[e["name"]] = e["value"]
        else:
            fp = e["valueFrom"]["fieldRef"]["fieldPath"]
            # the index annotation is what Kubernetes puts in JOB_COMPLETION_INDEX
            check(e["name"] != "JOB_COMPLETION_INDEX" or
                  fp == "metadata.annotations['batch.kubernetes.io/job-completion-index']",
                  "JOB_COMPLETION_INDEX must come from the completion-index annotation")
    script = " ".join(c["command"])
    if spec.get("completionMode") == "Indexed":
        check("JOB_COMPLETION_INDEX" in script, "the command must use JOB_COMPLETION_INDEX")
    # mount paths to local directories, longest first
    mounts = sorted(c.get("volumeMounts", []), key=lambda m: -len(m["mountPath"]))
    for m in mounts:
        check(m["name"] in vols, "volumeMount %s names no volume" % m["name"])
    cmd = c["command"]
    check(cmd[:2] == ["/bin/sh", "-c"] and len(cmd) == 3, "command: /bin/sh -c SCRIPT")
    s = cmd[2]
    for m in mounts:
        s = s.replace(m["mountPath"], os.path.join(root, m["name"]))
    open(os.path.join(out, "cmd.sh"), "w").write(s)
    with open(os.path.join(out, "env.sh"), "w") as f:
        for k, v in env.items():
            f.write("export %s=%s\n" % (k, shlex.quote(v)))
    open(os.path.join(out, "completions"), "w").write("%d\n" % completions)
    json.dump({m["name"]: m["mountPath"] for m in mounts},
              open(os.path.join(out, "mounts.json"), "w"))


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "gh":
        gh(*sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == "k8s":
        k8s(*sys.argv[2:])
    else:
        die("usage: extract.py gh WORKFLOW JOB STEP_ID OUTDIR | k8s MANIFEST ROOT OUTDIR")
