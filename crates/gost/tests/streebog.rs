//! This crate's Streebog against a second implementation, RustCrypto's `streebog`: the same
//! digests, 256 and 512, for every length around the block boundaries, for random messages fed
//! in random pieces, after a reset, and under HMAC.

use digest::{Digest, FixedOutputReset};
use hmac::{KeyInit, Mac, SimpleHmac};
use podpis_gost::hash::{Streebog256, Streebog512};
use proptest::prelude::*;

/// Both digests of `msg` by both implementations, fed in pieces cut at `cuts`.
fn both(msg: &[u8], cuts: &[usize]) -> [(Vec<u8>, Vec<u8>); 2] {
    let mut ours256 = Streebog256::new();
    let mut ours512 = Streebog512::new();
    let mut start = 0;
    for &cut in cuts.iter().chain([&msg.len()]) {
        let end = cut.clamp(start, msg.len());
        ours256.update(&msg[start..end]);
        ours512.update(&msg[start..end]);
        start = end;
    }
    [
        (
            ours256.finalize().to_vec(),
            streebog::Streebog256::digest(msg).to_vec(),
        ),
        (
            ours512.finalize().to_vec(),
            streebog::Streebog512::digest(msg).to_vec(),
        ),
    ]
}

#[test]
fn every_length_up_to_four_blocks_matches() {
    let msg: Vec<u8> = (0..300u32).map(|i| (i * 151 + 7) as u8).collect();
    for len in 0..=msg.len() {
        for (ours, theirs) in both(&msg[..len], &[]) {
            assert_eq!(ours, theirs, "length {len}");
        }
    }
}

#[test]
fn a_reset_hasher_starts_afresh() {
    let mut h = Streebog256::new();
    h.update(b"something else first");
    let _ = h.finalize_fixed_reset();
    h.update(b"message");
    assert_eq!(
        h.finalize().to_vec(),
        streebog::Streebog256::digest(b"message").to_vec()
    );
}

#[test]
fn hmac_streebog_matches() {
    let key = [0x42u8; 77];
    let mut ours = SimpleHmac::<Streebog512>::new_from_slice(&key).unwrap();
    let mut theirs = SimpleHmac::<streebog::Streebog512>::new_from_slice(&key).unwrap();
    ours.update(b"nonce input");
    theirs.update(b"nonce input");
    assert_eq!(
        ours.finalize().into_bytes().to_vec(),
        theirs.finalize().into_bytes().to_vec()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_messages_in_random_pieces_match(
        msg in proptest::collection::vec(any::<u8>(), 0..2000),
        cuts in proptest::collection::vec(0usize..2000, 0..6),
    ) {
        let mut cuts = cuts;
        cuts.sort_unstable();
        for (ours, theirs) in both(&msg, &cuts) {
            prop_assert_eq!(ours, theirs);
        }
    }
}
