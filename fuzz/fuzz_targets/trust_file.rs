//! A trust file (or a raw chain spec) as the verifier reads it: parsed or refused, never a
//! panic; what parses writes back and reads again to the same set.
#![no_main]

use libfuzzer_sys::fuzz_target;
use medledger_verifier::TrustedSet;

fuzz_target!(|data: &[u8]| {
	let Ok(text) = std::str::from_utf8(data) else { return };
	if let Ok(set) = TrustedSet::from_json(text) {
		if set.format == medledger_verifier::TRUST_FORMAT {
			let again = serde_json::to_string(&set).expect("a set serialises");
			assert_eq!(TrustedSet::from_json(&again).expect("its own output reads"), set);
		}
	}
});
