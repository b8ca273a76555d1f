//! Other packages' binaries for process-level tests, and small process helpers.
use std::path::{Path, PathBuf};
use std::process::{Child, Command};

/// The production keeper's binary (another package's, so cargo does not build it for a
/// test of this one): `HEDGE_KEEPER_BIN`, else the one `cargo test --workspace` builds next
/// to the running test's `deps/` folder, else a build of its own in a separate target
/// directory. Never a `cargo build -p hedge-keeper` in the test's own target directory:
/// with its own feature set it would rebuild the programs' unhashed `cdylib + lib` rlibs
/// under a test build that may still be running.
pub fn keeper_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("HEDGE_KEEPER_BIN") {
        return p.into();
    }
    let exe = std::env::current_exe().expect("the test's own path");
    // target/<profile>/deps/<test> -> target/<profile>
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("the test runs from target/<profile>/deps");
    let sibling = profile_dir.join(format!("hedge-keeper{}", std::env::consts::EXE_SUFFIX));
    if sibling.exists() {
        return sibling;
    }
    let target = profile_dir
        .parent()
        .expect("the target directory")
        .join("keeper-bin");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "build",
            "--locked",
            "--quiet",
            "-p",
            "hedge-keeper",
            "--bin",
            "hedge-keeper",
        ])
        .arg("--target-dir")
        .arg(&target)
        .status()
        .expect("cargo build -p hedge-keeper");
    assert!(status.success(), "cargo build -p hedge-keeper failed");
    target
        .join("debug")
        .join(format!("hedge-keeper{}", std::env::consts::EXE_SUFFIX))
}

/// A child process killed (and reaped) when dropped, so a failing test leaves no server
/// behind.
pub struct ChildGuard(pub Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A TCP port free on 127.0.0.1 at the time of the call.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}
