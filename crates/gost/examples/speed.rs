//! Times Podpis on the operations `scripts/bench/openssl-speed.c` times in OpenSSL, printing
//! `podpis <op> <param-set> <ops-per-second>` (MB/s for streebog), for `scripts/bench-vs-openssl`.
//! Run: `cargo run --release -p podpis-gost --example speed [SECONDS]`.

use std::hint::black_box;
use std::time::Instant;

use digest::Digest;
use podpis_gost::hash::Streebog256;
use podpis_gost::{Algorithm, ParamSet, SigningKey};

fn rate(secs: f64, mut op: impl FnMut()) -> f64 {
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed().as_secs_f64() < secs {
        op();
        n += 1;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let secs: f64 = std::env::args()
        .nth(1)
        .map_or(1.0, |s| s.parse().expect("seconds"));
    for params in [
        ParamSet::CryptoProA,
        ParamSet::CryptoProB,
        ParamSet::CryptoProC,
        ParamSet::Tc26_256A,
        ParamSet::Tc26_512A,
        ParamSet::Tc26_512B,
        ParamSet::Tc26_512C,
    ] {
        let algorithm = Algorithm::for_params(params);
        let name = params.name();
        let digest = vec![0x5au8; params.size()];
        let key = SigningKey::generate(algorithm, params).unwrap();
        println!(
            "podpis keygen {name} {:.0}",
            rate(secs, || {
                black_box(SigningKey::generate(algorithm, params).unwrap());
            })
        );
        println!(
            "podpis sign {name} {:.0}",
            rate(secs, || {
                black_box(key.sign_digest_bytes(&digest).unwrap());
            })
        );
        let sig = key.sign_digest_bytes(&digest).unwrap();
        let public = key.verifying_key();
        println!(
            "podpis verify {name} {:.0}",
            rate(secs, || public.verify_digest_bytes(&digest, &sig).unwrap())
        );
        // A copy of a key starts without its tables: every verification here is a key's first.
        println!(
            "podpis verify-once {name} {:.0}",
            rate(secs, || public
                .clone()
                .verify_digest_bytes(&digest, &sig)
                .unwrap())
        );
    }
    let buf = vec![0x5au8; 1 << 20];
    let per_sec = rate(secs, || {
        black_box(Streebog256::digest(&buf));
    });
    println!(
        "podpis streebog256 1MiB {:.1}",
        per_sec * buf.len() as f64 / 1e6
    );
}
