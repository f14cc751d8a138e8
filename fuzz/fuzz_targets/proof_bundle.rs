//! A proof bundle as a patient's verifier receives it, from anyone: any bytes are parsed or
//! refused, and a parsed bundle verifies or fails with a reason — never a panic, never a
//! hang. Verified against the `local` chain's genesis authorities, with a file to compare.
#![no_main]

use libfuzzer_sys::fuzz_target;
use medledger_verifier::{verify, ProofBundle, TrustedSet};
use std::sync::LazyLock;

static TRUSTED: LazyLock<TrustedSet> = LazyLock::new(|| {
	TrustedSet::from_json(include_str!("../../chain-spec/local-raw.json")).expect("a raw spec")
});

fuzz_target!(|data: &[u8]| {
	let Ok(text) = std::str::from_utf8(data) else { return };
	if let Ok(bundle) = ProofBundle::from_json(text) {
		let _ = verify(&bundle, &TRUSTED, Some(data));
	}
});
