//! Key generation, signing and verification on the curves that matter in practice
//! (CryptoPro-A, TC26 256-A, TC26 512-A, and the rest for completeness), and Streebog
//! throughput. `scripts/bench-vs-openssl` puts the same operations next to OpenSSL's gost engine.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use digest::Digest;
use podpis_gost::hash::{Streebog256, Streebog512};
use podpis_gost::{Algorithm, ParamSet, SigningKey};

const SETS: [ParamSet; 5] = [
    ParamSet::CryptoProA,
    ParamSet::Tc26_256A,
    ParamSet::Tc26_512A,
    ParamSet::Tc26_512C,
    ParamSet::CryptoProB,
];

fn signatures(c: &mut Criterion) {
    for params in SETS {
        let algorithm = Algorithm::for_params(params);
        let key = SigningKey::generate(algorithm, params).unwrap();
        let digest = podpis_gost::hash::digest(algorithm, b"benchmark message");
        let sig = key.sign_digest_bytes(&digest).unwrap();
        let public = key.verifying_key().clone();
        let name = params.name();
        c.bench_function(&format!("keygen/{name}"), |b| {
            b.iter(|| SigningKey::generate(algorithm, params).unwrap())
        });
        c.bench_function(&format!("sign/{name}"), |b| {
            b.iter(|| key.sign_digest_bytes(&digest).unwrap())
        });
        c.bench_function(&format!("verify/{name}"), |b| {
            b.iter(|| public.verify_digest_bytes(&digest, &sig).unwrap())
        });
        // A fresh copy has no tables of its own multiples: a key's first verification.
        c.bench_function(&format!("verify-once/{name}"), |b| {
            b.iter(|| public.clone().verify_digest_bytes(&digest, &sig).unwrap())
        });
    }
}

fn streebog(c: &mut Criterion) {
    let data = vec![0x5au8; 1 << 20];
    let mut group = c.benchmark_group("streebog");
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_with_input(BenchmarkId::new("256", "1MiB"), &data, |b, d| {
        b.iter(|| Streebog256::digest(d))
    });
    group.bench_with_input(BenchmarkId::new("512", "1MiB"), &data, |b, d| {
        b.iter(|| Streebog512::digest(d))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(2));
    targets = signatures, streebog
}
criterion_main!(benches);
