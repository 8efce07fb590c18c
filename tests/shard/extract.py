#!/usr/bin/python3
# extract.py - the commands of the contrib examples, as written, for
# tests/shard/run.sh to run; and the Kubernetes Jobs validated against
# batch/v1 Job's schema as the Kubernetes Python client (python3-kubernetes,
# its models generated from the API's OpenAPI spec) holds it: every field
# known at its place and of its type, every required one present. (No
# cluster here: kubectl's --dry-run needs the API server's discovery even
# with --validate=false.)
#
#   extract.py gh WORKFLOW JOB STEP_ID OUTDIR   the step's run: script,
#       once per matrix value (OUTDIR/JOB-VALUE.sh, or OUTDIR/JOB.sh), with
#       ${{ matrix.X }} and ${{ strategy.job-total }} substituted as Actions
#       would; the workflow's env: as OUTDIR/env.sh (sourced first)
#   extract.py k8s MANIFEST ROOT OUTDIR   validate the Job; write its
#       container's command (OUTDIR/cmd.sh, mount paths under ROOT), its
#       env values (OUTDIR/env.sh) and its completions (OUTDIR/completions)
#   extract.py mutants MANIFEST OUTDIR   the Job broken four ways the
#       validation must refuse (OUTDIR/NAME.yaml): a misspelt field, a
#       string for an integer, a required field left out, a field in the
#       wrong object
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


def schema_walk(value, typ, path):
    """value (parsed YAML) against an OpenAPI type of the client's models:
    "V1JobSpec", "list[V1Container]", "dict(str, str)", "int", "str"..."""
    import kubernetes.client as kc
    m = re.fullmatch(r"list\[(.+)\]", typ)
    if m:
        check(isinstance(value, list), "%s: expected a list" % path)
        for i, v in enumerate(value):
            schema_walk(v, m.group(1), "%s[%d]" % (path, i))
        return
    m = re.fullmatch(r"dict\(([^,]+), (.+)\)", typ)
    if m:
        check(isinstance(value, dict), "%s: expected a map" % path)
        for k, v in value.items():
            schema_walk(v, m.group(2), "%s.%s" % (path, k))
        return
    scalar = {"str": str, "int": int, "bool": bool, "float": (int, float),
              "datetime": str, "date": str}
    if typ in scalar:
        check(isinstance(value, scalar[typ]) and (typ == "bool" or not isinstance(value, bool)),
              "%s: expected %s, not %r" % (path, typ, value))
        return
    if typ == "object":
        return
    cls = getattr(kc.models, typ)
    check(isinstance(value, dict), "%s: expected a %s object" % (path, typ))
    attr = {v: k for k, v in cls.attribute_map.items()}
    for k, v in value.items():
        check(k in attr, "%s.%s: not a field of %s" % (path, k, typ))
        schema_walk(v, cls.openapi_types[attr[k]], "%s.%s" % (path, k))


def schema_check(doc):
    import kubernetes.client as kc
    schema_walk(doc, "V1Job", "$")
    # the models refuse a required field left out (client-side validation)
    try:
        kc.ApiClient()._ApiClient__deserialize(doc, "V1Job")
    except ValueError as e:
        die("not a valid batch/v1 Job: %s" % e)


def check(cond, what):
    if not cond:
        die("not a valid batch/v1 Job: " + what)


def k8s(path, root, out):
    doc = yaml.safe_load(open(path))
    check(doc.get("apiVersion") == "batch/v1", "apiVersion must be batch/v1")
    check(doc.get("kind") == "Job", "kind must be Job")
    check(re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", doc["metadata"]["name"]),
          "metadata.name must be a DNS label")
    schema_check(doc)
    spec = doc["spec"]
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
    check(pod.get("restartPolicy") in ("Never", "OnFailure"),
          "a Job's restartPolicy is Never or OnFailure")
    check(len(pod["containers"]) == 1, "one container")
    c = pod["containers"][0]
    check(isinstance(c.get("command"), list) and all(isinstance(w, str) for w in c["command"]),
          "command must be a list of strings")
    vols = {}
    for v in pod.get("volumes", []):
        check(len(set(v) - {"name"}) == 1, "volume %s: one source" % v.get("name"))
        vols[v["name"]] = v
    env = {}
    for e in c.get("env", []):
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


def mutants(path, out):
    import copy
    doc = yaml.safe_load(open(path))

    def write(name, d):
        yaml.safe_dump(d, open(os.path.join(out, name + ".yaml"), "w"))
    d = copy.deepcopy(doc)
    d["spec"]["completion"] = d["spec"].pop("completions")
    write("misspelt", d)
    d = copy.deepcopy(doc)
    d["spec"]["parallelism"] = str(d["spec"]["parallelism"])
    write("type", d)
    d = copy.deepcopy(doc)
    del d["spec"]["template"]["spec"]["containers"][0]["name"]
    write("required", d)
    d = copy.deepcopy(doc)
    d["spec"]["template"]["spec"]["containers"][0]["restartPolicy"] = "Never"
    write("misplaced", d)


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "gh":
        gh(*sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == "k8s":
        k8s(*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "mutants":
        mutants(*sys.argv[2:])
    else:
        die("usage: extract.py gh WORKFLOW JOB STEP_ID OUTDIR | k8s MANIFEST ROOT OUTDIR | mutants MANIFEST OUTDIR")
