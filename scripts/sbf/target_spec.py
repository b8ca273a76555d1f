#!/usr/bin/env python3
"""stdin: rustc's bpfel-unknown-none spec; stdout: the same target with os = "solana".

os = "solana" makes the Solana and Anchor crates take their on-chain code paths
(syscalls, entrypoint, allocator). std's Arc/Once need compare-and-swap and byte
atomics; sBPF has none, so the linker wrapper lowers atomics (single-threaded).
"""
import json
import sys

spec = json.load(sys.stdin)
spec.update({"os": "solana", "vendor": "solana", "atomic-cas": True, "min-atomic-width": 8})
spec["metadata"] = {"description": "sBPF via upstream LLVM, os=solana", "host_tools": False, "std": True, "tier": 3}
json.dump(spec, sys.stdout, indent=2)
