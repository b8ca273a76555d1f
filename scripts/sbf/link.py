#!/usr/bin/env python3
"""rustc linker for the sBPF route: sbpf-linker in two stages with an IR rewrite between them.

Upstream LLVM 22's BPF backend cannot lower:
  * i128 `mul`/`udiv`/`sdiv`/`urem`/`srem` and variable i128 shifts (their libcalls return
    i128 in two registers: "only small returns supported"), which `fixed`'s I80F48 uses;
  * `llvm.umul.with.overflow.i64` / `llvm.smul.with.overflow.i64` (legalised into a 128-bit
    multiply libcall), which every checked u64/i64 multiply uses;
  * calls with more than five arguments ("stack arguments are not supported");
  * atomics (sBPF has none; a program is single-threaded).

Stage 1 links and optimises the crate graph into one module and dumps its IR. This script
then rewrites each unsupported operation into a call to a u64-limb helper from
`programs/sbf-i128` (compiled to IR by build-sbf.sh, proven against native u128/i128 by
that crate's tests), force-inlines functions that take more than five arguments, lowers
atomics, and links stage 2 into the `.so`.

Environment (set by scripts/build-sbf.sh):
  HEDGE_SBF_LINKER    path of sbpf-linker
  HEDGE_SBF_HELPERS   LLVM IR of the sbf-i128 helpers
  HEDGE_SBF_OPT, HEDGE_SBF_LLVM_LINK   LLVM 22 tools (default opt-22, llvm-link-22)
  HEDGE_SBF_STATS     append one line of rewrite statistics per link to this file
  HEDGE_SBF_KEEP      keep the temporary directory (for debugging)
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

LINKER = os.environ["HEDGE_SBF_LINKER"]
HELPERS = os.environ["HEDGE_SBF_HELPERS"]
OPT = os.environ.get("HEDGE_SBF_OPT", "opt-22")
LLVM_LINK = os.environ.get("HEDGE_SBF_LLVM_LINK", "llvm-link-22")

# compiler-builtins symbols that must not be exported (they cannot be compiled for BPF).
I128_BUILTINS = {"__multi3", "__udivti3", "__umodti3", "__divti3", "__modti3", "__ashlti3",
                 "__lshrti3", "__ashrti3", "__muloti4", "__mulodi4", "__udivmodti4", "__divmodti4"}
# Soft-float and memory builtins from solana-compiler-builtins (rent math uses f64). They are
# kept alive through stage 1 so that stage 2's codegen can call them.
KEEP_BUILTINS = ("__adddf3", "__subdf3", "__negdf2", "__muldf3", "__divdf3", "__floatundidf",
                 "__fixunsdfdi", "__gedf2", "__gtdf2", "memcpy", "memmove", "memset", "memcmp")
# LLVM 22 BPF flags every function with an `sret` parameter ("aggregate returns are not
# supported") although it emits ordinary pointer-argument code for it. Only this is tolerated.
# It also reports every libcall ("A call to built-in function 'X' is not supported") while
# emitting an ordinary call; the kept builtins above are defined in the module, and a call to
# anything undefined still fails the link ("Symbol X is missing").
TOLERATED = ("aggregate returns are not supported",) + tuple(
    f"A call to built-in function '{b}' is not supported" for b in KEEP_BUILTINS)
# sbpf-linker options that take a value.
VALUE_OPTS = {"--export-symbols", "-o", "--output", "--cpu", "--cpu-features", "-O", "-L",
              "--llvm-args", "--target", "--emit", "--log-file", "--log-level", "--dump-module",
              "--dump-cfg-dir", "--export", "--fatal-errors", "--sbpf-optimize", "--arch",
              "--override-cpu-flag", "--flavor", "-flavor", "--deploy"}

# i128 binary operation -> (helper, offset of the result in the helper's output words)
BINOPS = {"mul": ("__sbpf_i128_mul", 0), "udiv": ("__sbpf_i128_udiv", 0),
          "urem": ("__sbpf_i128_urem", 0), "sdiv": ("__sbpf_i128_sdiv", 0),
          "srem": ("__sbpf_i128_srem", 0), "shl": ("__sbpf_i128_shl", 0),
          "lshr": ("__sbpf_i128_lshr", 0), "ashr": ("__sbpf_i128_ashr", 0)}
OVERFLOW_INTRINSICS = {"llvm.umul.with.overflow.i128": "__sbpf_i128_umulo",
                       "llvm.smul.with.overflow.i128": "__sbpf_i128_smulo",
                       "llvm.smul.with.overflow.i64": "__sbpf_i64_smulo"}
# Small helpers are inlined at their call sites; division stays out of line.
INLINE = ("__sbpf_i128_mul", "__sbpf_i128_shl", "__sbpf_i128_lshr", "__sbpf_i128_ashr",
          "__sbpf_i128_umulo", "__sbpf_i64_smulo")

BINOP_RE = re.compile(r"^(\s*)(%[-\w.$]+|%\"[^\"]+\") = (mul|udiv|sdiv|urem|srem|shl|lshr|ashr)"
                      r"((?: (?:nuw|nsw|exact))*) i128 ([^,]+), ([^,]+?)((?:, !\w+ !\d+)*)\s*$")
INT_CONST = re.compile(r"^-?\d+$")

# 64x64 multiply with overflow flag, on 32-bit partial products. The empty asm hides one
# half from instcombine, which would otherwise fold the idiom back into `mul i128`.
UMULO64 = r'''
define internal { i64, i1 } @__hedge_umulo64(i64 %a, i64 %b) alwaysinline nounwind {
  %a0 = and i64 %a, 4294967295
  %a1r = lshr i64 %a, 32
  %a1 = call i64 asm "", "=r,0"(i64 %a1r)
  %b0 = and i64 %b, 4294967295
  %b1 = lshr i64 %b, 32
  %lo = mul i64 %a, %b
  %p00 = mul i64 %a0, %b0
  %p01 = mul i64 %a0, %b1
  %p10 = mul i64 %a1, %b0
  %p11 = mul i64 %a1, %b1
  %p00h = lshr i64 %p00, 32
  %p01l = and i64 %p01, 4294967295
  %p10l = and i64 %p10, 4294967295
  %m1 = add i64 %p00h, %p01l
  %m2 = add i64 %m1, %p10l
  %mh = lshr i64 %m2, 32
  %p01h = lshr i64 %p01, 32
  %p10h = lshr i64 %p10, 32
  %h1 = add i64 %p11, %p01h
  %h2 = add i64 %h1, %p10h
  %hi = add i64 %h2, %mh
  %ov = icmp ne i64 %hi, 0
  %r0 = insertvalue { i64, i1 } poison, i64 %lo, 0
  %r1 = insertvalue { i64, i1 } %r0, i1 %ov, 1
  ret { i64, i1 } %r1
}
'''

SPLIT = """  %p = alloca [3 x i64], align 8
  %alo = trunc i128 %a to i64
  %ah = lshr i128 %a, 64
  %ahi = trunc i128 %ah to i64
  %blo = trunc i128 %b to i64
  %bh = lshr i128 %b, 64
  %bhi = trunc i128 %bh to i64
"""
LOAD_RESULT = """  %r.lo = load i64, ptr %p, align 8
  %r.p1 = getelementptr inbounds i64, ptr %p, i64 1
  %r.hi = load i64, ptr %r.p1, align 8
  %r.lz = zext i64 %r.lo to i128
  %r.hz = zext i64 %r.hi to i128
  %r.hs = shl i128 %r.hz, 64
  %r = or i128 %r.lz, %r.hs
"""


def adapters(used):
    """IR for the i128-typed adapters that call the 5-argument u64-limb helpers."""
    out = []
    for op in sorted(used):
        if op in BINOPS:
            helper, _ = BINOPS[op]
            out.append(f"""define internal i128 @__hedge_i128_{op}(i128 %a, i128 %b) alwaysinline nounwind {{
{SPLIT}  call void @{helper}(ptr %p, i64 %alo, i64 %ahi, i64 %blo, i64 %bhi)
{LOAD_RESULT}  ret i128 %r
}}""")
            out.append(f"declare void @{helper}(ptr, i64, i64, i64, i64)")
        elif op in ("__sbpf_i128_umulo", "__sbpf_i128_smulo"):
            out.append(f"""define internal {{ i128, i1 }} @__hedge_{op[7:]}(i128 %a, i128 %b) alwaysinline nounwind {{
{SPLIT}  call void @{op}(ptr %p, i64 %alo, i64 %ahi, i64 %blo, i64 %bhi)
{LOAD_RESULT}  %o.p = getelementptr inbounds i64, ptr %p, i64 2
  %o64 = load i64, ptr %o.p, align 8
  %o = trunc i64 %o64 to i1
  %s0 = insertvalue {{ i128, i1 }} poison, i128 %r, 0
  %s1 = insertvalue {{ i128, i1 }} %s0, i1 %o, 1
  ret {{ i128, i1 }} %s1
}}""")
            out.append(f"declare void @{op}(ptr, i64, i64, i64, i64)")
        elif op == "__sbpf_i64_smulo":
            out.append("""define internal { i64, i1 } @__hedge_i64_smulo(i64 %a, i64 %b) alwaysinline nounwind {
  %p = alloca [2 x i64], align 8
  call void @__sbpf_i64_smulo(ptr %p, i64 %a, i64 %b, i64 0, i64 0)
  %lo = load i64, ptr %p, align 8
  %o.p = getelementptr inbounds i64, ptr %p, i64 1
  %o64 = load i64, ptr %o.p, align 8
  %o = trunc i64 %o64 to i1
  %s0 = insertvalue { i64, i1 } poison, i64 %lo, 0
  %s1 = insertvalue { i64, i1 } %s0, i1 %o, 1
  ret { i64, i1 } %s1
}""")
            out.append("declare void @__sbpf_i64_smulo(ptr, i64, i64, i64, i64)")
    return "\n" + "\n\n".join(out) + "\n"


ALIGN_OVER_8 = re.compile(r"\balign (16|32|64)\b")


def rewrite(lines, many_args):
    """Rewrites the module's lines in place; returns (ops used, statistics)."""
    used, stats = set(), {}
    # LLVM 22's BPF backend crashes ("Post-RA pseudo instruction expansion", segfault) when
    # it expands an inline memcpy whose alignment exceeds 8, as i128/I80F48 structs produce.
    # Reproducer: `call void @llvm.memcpy.p0.p0.i64(ptr null, ptr align 16 %0, i64 1568, i1 false)`
    # through `llc -march=bpfel`. sBPF has no access wider than 8 bytes and no alignment
    # faults, so every alignment above 8 is lowered to 8 (a weaker, always-true promise).
    for k, line in enumerate(lines):
        if "align " in line and not line.startswith("target datalayout"):
            new = ALIGN_OVER_8.sub("align 8", line)
            if new != line:
                lines[k] = new
                stats["align>8"] = stats.get("align>8", 0) + 1

    def count(k):
        stats[k] = stats.get(k, 0) + 1

    # Attribute groups: a forced function gets a copy of its group without `noinline`.
    groups = {}
    for line in lines:
        m = re.match(r"^attributes #(\d+) = \{ (.*) \}$", line)
        if m:
            groups[int(m.group(1))] = m.group(2)
    next_group = max(groups, default=0) + 1
    inline_group = {}

    for k, line in enumerate(lines):
        if line.startswith("define"):
            m = re.search(r"@([^\s(]+)\(", line)
            if m and m.group(1) in many_args:
                g = re.search(r" #(\d+) \{\s*$", line)
                if g:
                    old = int(g.group(1))
                    if old not in inline_group:
                        attrs = [a for a in groups.get(old, "").split(" ") if a not in ("noinline", "optnone", "")]
                        inline_group[old] = (next_group, " ".join(attrs + ["alwaysinline"]))
                        next_group += 1
                    lines[k] = line[: g.start()] + f" #{inline_group[old][0]} {{"
                else:
                    lines[k] = re.sub(r"\s*\{\s*$", " alwaysinline {", line)
                count("force-inline")
            continue
        if line.startswith("declare"):
            continue
        if many_args and "call " in line:
            m = re.search(r"call [^@]*@([^\s(]+)\(", line)
            if m and m.group(1) in many_args:
                # rustc marks some of these call sites `noinline`: drop call-site attributes
                line = lines[k] = re.sub(r"\) #\d+(, !|$)", r")\1", line)
        if "@llvm.umul.with.overflow.i64(" in line:
            line = lines[k] = line.replace("@llvm.umul.with.overflow.i64(", "@__hedge_umulo64(")
            count("umulo64")
        if " i128 " in line:
            m = BINOP_RE.match(line)
            if m:
                indent, res, op, _flags, a, b, md = m.groups()
                if op in ("shl", "lshr", "ashr") and INT_CONST.match(b.strip()):
                    continue  # constant shifts lower natively
                lines[k] = f"{indent}{res} = call i128 @__hedge_i128_{op}(i128 {a}, i128 {b.strip()}){md}"
                used.add(op)
                count(op)
                continue
        if "with.overflow" in line:
            for intrinsic, helper in OVERFLOW_INTRINSICS.items():
                if "@" + intrinsic + "(" in line:
                    lines[k] = line.replace("@" + intrinsic + "(", f"@__hedge_{helper[7:]}(")
                    used.add(helper)
                    count(intrinsic)
    lines.extend(f"attributes #{n} = {{ {attrs} }}" for n, attrs in inline_group.values())
    return used, stats


def helpers_ir(work):
    """The helper IR with the small helpers marked alwaysinline."""
    out = []
    for line in open(HELPERS).read().split("\n"):
        if line.startswith("define ") and any("@" + h + "(" in line for h in INLINE):
            line = re.sub(r"\)( unnamed_addr)? #(\d+) \{$", r")\1 alwaysinline #\2 {", line)
        out.append(line)
    path = os.path.join(work, "helpers.ll")
    open(path, "w").write("\n".join(out))
    return path


def too_many_args(diag):
    found = set(re.findall(r"in function (\S+) [^\n]*: stack arguments are not supported", diag))
    return found | set(re.findall(r"GlobalAddress<ptr @([^>\s]+)> 0 too many arguments", diag))


def link_stage2(work, flags, out, lines, forced):
    """Rewrite, link the helpers, lower atomics, link the .so. Returns (ok, fatal errors, log)."""
    used, stats = rewrite(lines, forced)
    module = os.path.join(work, "rewritten.ll")
    open(module, "w").write("\n".join(lines) + UMULO64 + (adapters(used) if used else ""))
    if used:
        linked = os.path.join(work, "linked.bc")
        r = run([LLVM_LINK, module, helpers_ir(work), "-o", linked])
        if r.returncode != 0:
            sys.exit("link.py: llvm-link failed:\n" + r.stderr)
        module = linked
    bc = os.path.join(work, "final.bc")
    r = run([OPT, "-passes=function(lower-atomic),always-inline,globaldce", module, "-o", bc])
    if r.returncode != 0:
        sys.exit("link.py: opt failed:\n" + r.stderr)
    r2 = run([LINKER] + flags + ["--disable-math-builtins", "--fatal-errors", "false", "-o", out, bc])
    diag = r2.stdout + r2.stderr
    errors = [line for line in diag.split("\n") if "ERROR" in line]
    fatal = [line for line in errors if not any(t in line for t in TOLERATED)]
    ok = r2.returncode == 0 and not fatal
    if ok and os.environ.get("HEDGE_SBF_STATS"):
        with open(os.environ["HEDGE_SBF_STATS"], "a") as f:
            f.write(f"{os.path.basename(out)}: {dict(sorted(stats.items()))}\n")
    return ok, fatal, diag


def run(cmd):
    if os.environ.get("HEDGE_SBF_KEEP"):
        with open(os.path.join(tempfile.gettempdir(), "hedge-sbf-commands.txt"), "a") as f:
            f.write(" ".join(cmd) + "\n")
    return subprocess.run(cmd, capture_output=True, text=True)


def main(work):
    args = sys.argv[1:]
    flags, inputs, out = [], [], None
    i = 0
    while i < len(args):
        a = args[i]
        if a in VALUE_OPTS:
            if a in ("-o", "--output"):
                out = args[i + 1]
            else:
                flags += [a, args[i + 1]]
            i += 2
        elif a.startswith("-"):
            flags.append(a)
            i += 1
        else:
            inputs.append(a)
            i += 1
    if out is None:
        sys.exit("link.py: no -o given")
    if "--export-symbols" in flags:
        k = flags.index("--export-symbols") + 1
        syms = [s for s in open(flags[k]).read().split("\n") if s.strip() and s.strip() not in I128_BUILTINS]
        filtered = os.path.join(work, "symbols")
        open(filtered, "w").write("\n".join(syms) + "\n")
        flags[k] = filtered

    for sym in KEEP_BUILTINS:
        flags += ["--export", sym]
    # sbpf-linker copies every artifact it links into ./target/deploy unless told not to;
    # build-sbf.sh decides what lands there.
    flags += ["--deploy", "false"]
    dump = os.path.join(work, "dump")
    r1 = run([LINKER] + flags + ["--disable-math-builtins", "--dump-module", dump,
                                 "-o", os.path.join(work, "stage1.o")] + inputs)
    merged = os.path.join(dump, "post-opt.ll")
    if not os.path.exists(merged):
        sys.stderr.write(r1.stdout + r1.stderr)
        sys.exit(f"link.py: stage 1 (sbpf-linker) failed with status {r1.returncode}")
    source = open(merged).read().split("\n")
    # Functions taking more than five arguments are inlined into their callers. Codegen
    # reports them one layer at a time (and stage 1 may stop early), so iterate.
    forced = too_many_args(r1.stdout + r1.stderr)
    for attempt in range(1, 9):
        ok, fatal, diag = link_stage2(work, flags, out, list(source), forced)
        if ok:
            break
        more = too_many_args(diag) - forced
        if not more:
            sys.stderr.write("\n".join(fatal[:50]) + "\n" + diag[-3000:])
            sys.exit(f"link.py: stage 2 (sbpf-linker) failed: {len(fatal)} error(s)")
        forced |= more
    else:
        sys.exit("link.py: still finding functions with more than five arguments after 8 rounds")
    # The rewrite must leave nothing that needs a 128-bit libcall.
    r = run(["llvm-nm-22", out]) if shutil.which("llvm-nm-22") else None
    if r is not None and r.returncode == 0:
        missing = [s for s in I128_BUILTINS if re.search(rf"\bU {s}\b", r.stdout)]
        if missing:
            sys.exit(f"link.py: {out} still references {missing}")


if __name__ == "__main__":
    tmp = tempfile.mkdtemp(prefix="hedge-sbf-link-")
    try:
        main(tmp)
    finally:
        if os.environ.get("HEDGE_SBF_KEEP"):
            sys.stderr.write(f"link.py: kept {tmp}\n")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
