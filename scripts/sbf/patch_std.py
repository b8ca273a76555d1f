#!/usr/bin/env python3
"""Teach the Rust 1.96 standard library about target_os = "solana".

Anchor and the Solana crates need `std` (alloc, collections, io::Error) on-chain.
Upstream std has no Solana platform, so the build uses -Zbuild-std on a patched
copy of the library source. Every change routes "solana" to the existing
no-threads / unsupported implementations; nothing on-chain uses the System
allocator (the program's entrypoint installs its own bump allocator).

Usage: patch_std.py <rust-src>/library/std/src   (fails loudly if the source moved)
"""
import sys

ROOT = sys.argv[1]


def edit(path, old, new):
    full = f"{ROOT}/{path}"
    text = open(full).read()
    if old not in text:
        sys.exit(f"patch_std: anchor text not found in {path}:\n{old}")
    open(full, "w").write(text.replace(old, new, 1))


def add_os(path, before):
    """Insert `target_os = "solana",` just before an existing cfg list entry."""
    indent = before[: len(before) - len(before.lstrip())]
    edit(path, before, f'{indent}target_os = "solana",\n{before}')


# Allocation alignment guarantee (8 bytes, like the other 64-bit embedded targets).
edit("sys/alloc/mod.rs", '    target_arch = "xtensa",\n)) {\n    8',
     '    target_arch = "xtensa",\n    target_arch = "bpf",\n)) {\n    8')
# A System allocator that is never used on-chain.
edit("sys/alloc/mod.rs", '    target_os = "zkvm" => {\n        mod zkvm;\n    }\n}',
     '    target_os = "zkvm" => {\n        mod zkvm;\n    }\n    target_os = "solana" => {\n        mod solana;\n    }\n}')
open(f"{ROOT}/sys/alloc/solana.rs", "w").write('''use crate::alloc::{GlobalAlloc, Layout, System};

// Solana programs install their own #[global_allocator]; System is never called.
#[stable(feature = "alloc_system_type", since = "1.28.0")]
unsafe impl GlobalAlloc for System {
    #[inline]
    unsafe fn alloc(&self, _layout: Layout) -> *mut u8 {
        crate::ptr::null_mut()
    }
    #[inline]
    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}
}
''')
# io::Error: the compact "unsupported" representation.
add_os("sys/io/error/mod.rs", '        target_family = "wasm",')
# Thread locals: no threads.
edit("sys/thread_local/mod.rs", '        target_os = "vexos",\n    ) => {\n        mod no_threads;',
     '        target_os = "vexos",\n        target_os = "solana",\n    ) => {\n        mod no_threads;')
edit("sys/thread_local/mod.rs",
     '            target_os = "vexos",\n        ) => {\n            pub(crate) fn enable() {',
     '            target_os = "vexos",\n            target_os = "solana",\n        ) => {\n            pub(crate) fn enable() {')
# Randomness: none (hash maps use fixed keys, below).
edit("sys/random/mod.rs", '        target_os = "vexos",\n    ) => {\n        // FIXME: finally',
     '        target_os = "vexos",\n        target_os = "solana",\n    ) => {\n        // FIXME: finally')
edit("sys/random/mod.rs", '    target_os = "vexos",\n)))]\npub fn hashmap_random_keys',
     '    target_os = "vexos",\n    target_os = "solana",\n)))]\npub fn hashmap_random_keys')
# RandomState: programs have no writable statics and no entropy.
edit("hash/random.rs", "    pub fn new() -> RandomState {\n        // Historically",
     "    pub fn new() -> RandomState {\n        #[cfg(target_os = \"solana\")]\n        {\n"
     "            RandomState { k0: 0, k1: 0 }\n        }\n        #[cfg(not(target_os = \"solana\"))]\n"
     "        {\n        // Historically")
edit("hash/random.rs", "            RandomState { k0, k1 }\n        })\n    }\n}",
     "            RandomState { k0, k1 }\n        })\n        }\n    }\n}")
print("patch_std: std patched for target_os = \"solana\"", file=sys.stderr)
