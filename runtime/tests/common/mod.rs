//! The real runtime, started from a genesis preset, for runtime-level tests.
// Each test binary uses a different part of these helpers.
#![allow(dead_code)]

use medledger_runtime::{
	genesis, immortal_extension, AccountId, Runtime, RuntimeCall, RuntimeGenesisConfig,
	SignedPayload, UncheckedExtrinsic,
};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{BuildStorage, MultiAddress};

/// Overlays a JSON patch on a JSON value, as chain specs apply preset patches.
fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(serde_json::Value::Null), value);
			}
		}
		(base, patch) => *base = patch,
	}
}

/// Externalities holding the genesis state of preset `name`, at block 1.
pub fn chain(preset: &str) -> sp_io::TestExternalities {
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
	let patch = genesis::get_preset(&preset.into()).expect("preset exists");
	merge(&mut config, serde_json::from_slice(&patch).unwrap());
	let config: RuntimeGenesisConfig = serde_json::from_value(config).unwrap();
	let mut ext: sp_io::TestExternalities = config.build_storage().unwrap().into();
	ext.execute_with(|| frame_system::Pallet::<Runtime>::set_block_number(1));
	ext
}

/// An account of the development keyring.
pub fn account(who: Sr25519Keyring) -> AccountId {
	who.to_account_id()
}

/// `Two` registered by Bob, H2's administrator, as a clinician of H2, with the key
/// statement that proves the key is registered for them.
pub fn register_h2_clinician() {
	use medledger_runtime::{Consortium, RuntimeOrigin};
	use sp_keyring::Sr25519Keyring::{Bob, Two};
	let statement = pallet_consortium::KeyStatement {
		account: &account(Two),
		encryption_key: &[2; 32],
		registrar: Some(2),
		genesis: Consortium::genesis_hash(),
	};
	let proof = Two.sign(&statement.message()).into();
	let bob = RuntimeOrigin::signed(account(Bob));
	let clinician = pallet_consortium::Role::Clinician(2);
	Consortium::register_member(bob, account(Two), clinician, [2; 32], proof).unwrap();
}

/// A signed, immortal extrinsic with the runtime's full transaction extension pipeline.
/// Must run inside the chain's externalities (the genesis hash is read from state).
pub fn signed(who: Sr25519Keyring, nonce: u32, call: RuntimeCall) -> UncheckedExtrinsic {
	let extension = immortal_extension(nonce);
	let payload = SignedPayload::new(call.clone(), extension.clone()).unwrap();
	let signature = payload.using_encoded(|bytes| who.sign(bytes));
	UncheckedExtrinsic::new_signed(
		call,
		MultiAddress::Id(who.to_account_id()),
		signature.into(),
		extension,
	)
}

use codec::Encode as _;
