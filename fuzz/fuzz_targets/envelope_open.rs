//! An envelope as a gateway or a patient's CLI reads it from IPFS, where anyone may have
//! put anything under a CID: its header is listed or refused, and it opens only with the
//! right key — fuzzed bytes never open with a fixed key, and never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use medledger_envelope::{open, recipients, unwrap, unwrap_own, DataKey, StaticSecret};
use std::sync::LazyLock;

static SECRET: LazyLock<StaticSecret> = LazyLock::new(|| StaticSecret::from([7; 32]));
static KEY: LazyLock<DataKey> = LazyLock::new(DataKey::generate);

fuzz_target!(|data: &[u8]| {
	let _ = recipients(data);
	let _ = unwrap(data, &SECRET);
	if let Ok(key) = unwrap_own(data, &SECRET) {
		let _ = open(data, &key);
	}
	assert!(open(data, &KEY).is_err(), "fuzzed bytes opened with a key of our own");
});
