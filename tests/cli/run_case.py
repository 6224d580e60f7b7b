#!/usr/bin/env python3
"""Runs one command-line case file against the tarjim executable.

A case file has header lines, then sections:

    # what the case checks
    args: translate -f json {input}        (split like a shell would; {input} is the
                                            case's input written to a temporary file,
                                            {shared} is ../shared, {src} the source tree,
                                            {tmp} a fresh temporary directory)
    exit: 65
    requires: shared | freedict            (optional: skip (77) when it is absent)
    env: NAME=VALUE                        (optional, repeatable)
    stdout-to: /dev/full                   (optional: standard output goes to this file,
                                            e.g. a full disk, instead of being captured)
    --- input                              (bytes given as {input}; \\xNN escapes allowed)
    --- input-repeat N                     (the body repeated N times, as {input})
    --- input-file NAME                    (bytes written to {tmp}/NAME, folders made)
    --- stdin                              (bytes on standard input)
    --- stdout                             (exact expected standard output)
    --- stdout-has                         (each line must occur in standard output)
    --- stdout-lacks                       (no line may occur in standard output)
    --- stdout-lines                       (a number: count of non-empty output lines)
    --- target-has                         (stdout is a JSON document; each line must occur
                                            in the "target" of one of its segments)
    --- stderr-has                         (each line must occur in standard error)
    --- stderr-lacks                       (no line may occur in standard error)
    --- file NAME                          (each line must occur in {tmp}/NAME)
    --- absent                             (each line names a path under {tmp} that the
                                            command must not have created)
"""
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile


def unescape(text):
    return re.sub(rb"\\x([0-9a-fA-F]{2})", lambda m: bytes([int(m.group(1), 16)]),
                  text.encode("utf-8"))


def parse(path):
    header, sections, current = {}, [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("--- "):
                current = [line[4:].strip(), []]
                sections.append(current)
            elif current is not None:
                current[1].append(line)
            elif line.strip() and not line.startswith("#"):
                key, _, value = line.partition(":")
                header.setdefault(key.strip(), []).append(value.strip())
    return header, [(name, "".join(body)) for name, body in sections]


def main():
    tarjim, case, src, shared = sys.argv[1:5]
    header, sections = parse(case)
    for req in header.get("requires", []):
        if req == "shared" and not os.path.isdir(shared):
            print(f"skip: {shared} is absent")
            return 77
        if req == "freedict" and not os.path.exists(
                "/usr/share/dictd/freedict-ara-eng.index"):
            print("skip: dict-freedict-ara-eng is not installed")
            return 77
    with tempfile.TemporaryDirectory() as tmp:
        stdin = b""
        input_path = os.path.join(tmp, "input.ar.txt")
        for name, body in sections:
            if name == "input":
                with open(input_path, "wb") as f:
                    f.write(unescape(body))
            elif name.startswith("input-repeat "):
                with open(input_path, "wb") as f:
                    f.write(unescape(body.rstrip("\n")) * int(name.split()[1]) + b"\n")
            elif name.startswith("input-file "):
                path = os.path.join(tmp, name[len("input-file "):].strip())
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "wb") as f:
                    f.write(unescape(body))
            elif name == "stdin":
                stdin = unescape(body)
        subst = {"{input}": input_path, "{shared}": shared, "{src}": src, "{tmp}": tmp}
        args = []
        for word in shlex.split(header["args"][0]):
            for k, v in subst.items():
                word = word.replace(k, v)
            args.append(word)
        env = dict(os.environ)
        for item in header.get("env", []):
            k, _, v = item.partition("=")
            env[k] = v
        if "stdout-to" in header:
            with open(header["stdout-to"][0].replace("{tmp}", tmp), "wb") as sink:
                proc = subprocess.run([tarjim] + args, input=stdin, stdout=sink,
                                      stderr=subprocess.PIPE, env=env, timeout=120)
            out = ""
        else:
            proc = subprocess.run([tarjim] + args, input=stdin, capture_output=True, env=env,
                                  timeout=120)
            out = proc.stdout.decode("utf-8", "replace")
        err = proc.stderr.decode("utf-8", "replace")
        failures = []
        want_exit = int(header.get("exit", ["0"])[0])
        if proc.returncode != want_exit:
            failures.append(f"exit status {proc.returncode}, expected {want_exit}")
        for name, body in sections:
            lines = [l for l in body.splitlines() if l.strip()]
            if name == "stdout" and out != body:
                failures.append(f"stdout differs:\n--- expected\n{body}--- got\n{out}")
            elif name == "stdout-has":
                failures += [f"stdout lacks: {l}" for l in lines if l not in out]
            elif name == "stdout-lacks":
                failures += [f"stdout has: {l}" for l in lines if l in out]
            elif name == "stdout-lines":
                got = len([l for l in out.splitlines() if l.strip()])
                if got != int(body.strip()):
                    failures.append(f"{got} non-empty output lines, expected {body.strip()}")
            elif name == "target-has":
                try:
                    targets = [seg["target"] for block in json.loads(out)["blocks"]
                               for seg in block["segments"]]
                except (ValueError, KeyError, TypeError) as e:
                    failures.append(f"stdout is not a JSON document with segments: {e!r}")
                    continue
                failures += [f"no segment's target has: {l}" for l in lines
                             if not any(l in t for t in targets)]
            elif name == "stderr-has":
                failures += [f"stderr lacks: {l}" for l in lines if l not in err]
            elif name == "stderr-lacks":
                failures += [f"stderr has: {l}" for l in lines if l in err]
            elif name == "absent":
                failures += [f"{l} was created" for l in lines
                             if os.path.lexists(os.path.join(tmp, l.strip()))]
            elif name.startswith("file "):
                path = os.path.join(tmp, name[5:].strip())
                if not os.path.exists(path):
                    failures.append(f"missing output file {name[5:]}")
                    continue
                text = open(path, encoding="utf-8").read()
                failures += [f"{name[5:]} lacks: {l}" for l in lines if l not in text]
        if failures:
            print(f"FAIL {os.path.basename(case)}: {' '.join(args)}")
            for f in failures:
                print("  " + f)
            if err:
                print("  stderr: " + err[:2000])
            return 1
        print(f"ok {os.path.basename(case)}")
        return 0


if __name__ == "__main__":
    sys.exit(main())
