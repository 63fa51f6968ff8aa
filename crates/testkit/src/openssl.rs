//! Running OpenSSL with the gost engine, for the interoperability tests.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Writes an OpenSSL configuration that loads the gost engine into `dir` and returns its path,
/// for commands without `-engine` (`openssl ocsp`, `openssl crl`): pass it as `OPENSSL_CONF`.
pub fn gost_openssl_conf(dir: &Path) -> PathBuf {
    let conf = dir.join("gost.cnf");
    std::fs::write(
        &conf,
        "openssl_conf = d\n[d]\nengines = e\n[e]\ngost = g\n[g]\nengine_id = gost\n\
         default_algorithms = ALL\n",
    )
    .expect("write the OpenSSL configuration");
    conf
}

/// Runs `openssl ARGS` in `dir` with the gost engine loaded; whether it succeeded, and its
/// stdout and stderr together.
pub fn openssl_gost(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("openssl")
        .args(args)
        .env("OPENSSL_CONF", gost_openssl_conf(dir))
        .current_dir(dir)
        .output()
        .expect("openssl with the gost engine is needed (scripts/test installs it)");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}
