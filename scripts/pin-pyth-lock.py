#!/usr/bin/env python3
"""Re-apply the Cargo.lock pin that lets pyth-sdk-solana 0.10.6 compile.

pyth-sdk-solana 0.10.6 only builds against solana-program 2.x (its borsh-0.10 derives
need a Pubkey with borsh 0.10 impls). The workspace depends on solana-program 2.3.0
directly (as `solana-program-v2`) so that version is in the lock; this script points
pyth-sdk-solana's own dependency at it. Any `cargo update` or new dependency re-unifies
it to 4.x: run this afterwards. CI builds with --locked, so the pin holds there.
"""
import os
import re
import sys

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Cargo.lock")
text = open(path).read()
block = re.search(r'\[\[package\]\]\nname = "pyth-sdk-solana"\n.*?(?=\n\[\[package\]\]|\Z)', text, re.S)
if not block:
    sys.exit("pyth-sdk-solana not in Cargo.lock")
if '"solana-program 2.3.0"' not in text:
    sys.exit("solana-program 2.3.0 is not in Cargo.lock (is solana-program-v2 still a dependency?)")
fixed = re.sub(r'"solana-program( [0-9.]+)?"', '"solana-program 2.3.0"', block.group(0))
if fixed == block.group(0):
    print("already pinned")
else:
    open(path, "w").write(text.replace(block.group(0), fixed))
    print("pinned pyth-sdk-solana -> solana-program 2.3.0")
