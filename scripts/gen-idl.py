#!/usr/bin/env python3
"""Generate the Anchor IDL of every program from its own source, without anchor-cli.

Runs the `__anchor_private_print_idl*` tests that Anchor's `idl-build` feature
generates and assembles their output exactly as anchor-cli (anchor-lang-idl's
`build.rs`) does. Writes idl/<program>.json.

    python3 scripts/gen-idl.py            # regenerate
    python3 scripts/gen-idl.py --check    # fail if the committed IDL is stale (CI)
"""
import json
import re
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAMS = {"hedge-vault": "hedge_vault", "perp-venue": "perp_venue"}


def build(package):
    env = dict(os.environ, ANCHOR_IDL_BUILD_NO_DOCS="FALSE", ANCHOR_IDL_BUILD_RESOLUTION="TRUE",
               ANCHOR_IDL_BUILD_SKIP_LINT="TRUE",
               ANCHOR_IDL_BUILD_PROGRAM_PATH=os.path.join(ROOT, "programs", package))
    out = subprocess.run(
        ["cargo", "test", "--locked", "-p", package, "--lib", "--features", "idl-build",
         "__anchor_private_print_idl", "--", "--show-output", "--quiet", "--test-threads=1"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, check=True, text=True).stdout
    address, constants, events, errors, types, idl = "", [], [], None, {}, None
    state, buf = "pass", []
    for line in out.splitlines():
        if state == "pass":
            marks = {"--- IDL begin address ---": "address", "--- IDL begin const ---": "const",
                     "--- IDL begin event ---": "event", "--- IDL begin errors ---": "errors",
                     "--- IDL begin program ---": "program"}
            if line in marks:
                state, buf = marks[line], []
            continue
        if state == "address":
            address = "".join(c for c in line if c.isalnum())
            state = "pass"
            continue
        if line == f"--- IDL end {state} ---":
            doc = json.loads("\n".join(buf))
            if state == "const":
                constants.append(doc)
            elif state == "event":
                events.append(doc["event"])
                for t in doc["types"]:
                    types[t["name"]] = t
            elif state == "errors":
                errors = doc
            elif state == "program":
                idl = doc
            state = "pass"
            continue
        buf.append(line)
    if idl is None:
        sys.exit(f"{package}: no IDL printed (is the idl-build feature wired?)")
    idl["address"] = address
    idl["constants"] = constants
    idl["events"] = events
    idl["errors"] = errors or []
    for t in idl.get("types", []):
        types[t["name"]] = t
    idl["types"] = [types[k] for k in sorted(types)]
    idl = convert_module_paths(idl)
    for k in ("accounts", "constants", "events", "instructions", "types"):
        idl[k] = sorted(idl.get(k, []), key=lambda x: x["name"])
    # Drop empty optional fields the way anchor-cli's serializer does.
    for k in ("accounts", "constants", "events", "errors", "types"):
        if not idl[k]:
            del idl[k]
    return idl


def convert_module_paths(idl):
    """anchor-lang-idl's convert_module_paths: `a::b::Name` -> `Name` unless ambiguous."""
    text = json.dumps(idl)
    for m in set(re.finditer(r'"((?:\w+::)+)(\w+)"', text)):
        path, name = m.group(0), m.group(2)
        replaced = text.replace(path, f'"{name}"')
        if not re.search(r'"(\w+::)+' + re.escape(name) + '"', replaced):
            text = replaced
    return json.loads(text)


def main():
    check = "--check" in sys.argv
    stale = []
    for package, name in PROGRAMS.items():
        print(f"building IDL of {package} ...", file=sys.stderr)
        text = json.dumps(build(package), indent=2) + "\n"
        path = os.path.join(ROOT, "idl", f"{name}.json")
        old = open(path).read() if os.path.exists(path) else None
        if check:
            if old != text:
                stale.append(path)
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            open(path, "w").write(text)
            print(f"wrote {os.path.relpath(path, ROOT)}", file=sys.stderr)
    if stale:
        sys.exit("stale IDL (run python3 scripts/gen-idl.py and commit): " + ", ".join(stale))


if __name__ == "__main__":
    main()
