//! Weights of `pallet_consortium`, measured by `medledger-node benchmark pallet` (`scripts/benchmark-weights`).
//!
//! Generated: do not edit by hand; run the script again on the reference machine.
//! CLI version 64.0.0, 2026-11-30; steps `20`, repeat `10`.
//! Host `vm`, CPU `AMD EPYC`; Wasm execution `Compiled`,
//! chain `Some("dev")`, DB cache `1024`.
//! Database reads and writes are charged at the runtime's `DbWeight`, itself measured with
//! `benchmark storage`.

// Executed command:
// /root/.cache/medledger/bench-target/release/medledger-node
// benchmark
// pallet
// --chain
// dev
// --pallet
// pallet_consortium
// --extrinsic
// *
// --steps
// 20
// --repeat
// 10
// --wasm-execution
// compiled
// --template
// /work/main/scripts/weight-template.hbs
// --output
// /work/main/pallets/consortium/src/weights.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// Weight functions of `pallet_consortium`.
pub trait WeightInfo {
	/// `admit_organisation`.
	fn admit_organisation() -> Weight;
	/// `set_organisation_status`.
	fn set_organisation_status() -> Weight;
	/// `set_validator`.
	fn set_validator() -> Weight;
	/// `set_nodes`.
	fn set_nodes() -> Weight;
	/// `register_member`.
	fn register_member() -> Weight;
	/// `remove_member`.
	fn remove_member() -> Weight;
	/// `set_encryption_key`.
	fn set_encryption_key() -> Weight;
	/// `authorize_upgrade`.
	fn authorize_upgrade() -> Weight;
	/// `check_membership`.
	fn check_membership() -> Weight;
}

/// Weights measured on the reference machine.
pub struct MeasuredWeight<T>(PhantomData<T>);

impl<T: frame_system::Config> WeightInfo for MeasuredWeight<T> {
	/// Storage: `System::BlockHash` (r:1 w:0)
	/// Proof: `System::BlockHash` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// Storage: `Consortium::Organisations` (r:33 w:1)
	/// Proof: `Consortium::Organisations` (`max_values`: None, `max_size`: Some(405), added: 2880, mode: `MaxEncodedLen`)
	/// Storage: `Consortium::OrganisationCount` (r:1 w:1)
	/// Proof: `Consortium::OrganisationCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Consortium::ValidatorOf` (r:2 w:1)
	/// Proof: `Consortium::ValidatorOf` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `Consortium::Members` (r:2 w:1)
	/// Proof: `Consortium::Members` (`max_values`: None, `max_size`: Some(90), added: 2565, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:2 w:2)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Council::Proposals` (r:1 w:0)
	/// Proof: `Council::Proposals` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	/// Storage: `Council::Members` (r:0 w:1)
	/// Proof: `Council::Members` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	/// Storage: `Council::Prime` (r:0 w:1)
	/// Proof: `Council::Prime` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	fn admit_organisation() -> Weight {
		// Proof size: measured `12962`, estimated `96030` bytes.
		// Minimum execution time: 347_076_000 picoseconds.
		Weight::from_parts(362_119_000, 96030)
			.saturating_add(T::DbWeight::get().reads(42_u64))
			.saturating_add(T::DbWeight::get().writes(8_u64))
	}
	/// Storage: `Consortium::Organisations` (r:32 w:1)
	/// Proof: `Consortium::Organisations` (`max_values`: None, `max_size`: Some(405), added: 2880, mode: `MaxEncodedLen`)
	/// Storage: `Council::Proposals` (r:1 w:0)
	/// Proof: `Council::Proposals` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	/// Storage: `Council::Members` (r:0 w:1)
	/// Proof: `Council::Members` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	/// Storage: `Council::Prime` (r:0 w:1)
	/// Proof: `Council::Prime` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	fn set_organisation_status() -> Weight {
		// Proof size: measured `12368`, estimated `93150` bytes.
		// Minimum execution time: 245_665_000 picoseconds.
		Weight::from_parts(253_717_000, 93150)
			.saturating_add(T::DbWeight::get().reads(33_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Consortium::Organisations` (r:1 w:1)
	/// Proof: `Consortium::Organisations` (`max_values`: None, `max_size`: Some(405), added: 2880, mode: `MaxEncodedLen`)
	/// Storage: `Consortium::ValidatorOf` (r:1 w:2)
	/// Proof: `Consortium::ValidatorOf` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `Consortium::Members` (r:1 w:0)
	/// Proof: `Consortium::Members` (`max_values`: None, `max_size`: Some(90), added: 2565, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	fn set_validator() -> Weight {
		// Proof size: measured `2177`, estimated `3870` bytes.
		// Minimum execution time: 42_343_000 picoseconds.
		Weight::from_parts(45_958_000, 3870)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Consortium::Organisations` (r:1 w:1)
	/// Proof: `Consortium::Organisations` (`max_values`: None, `max_size`: Some(405), added: 2880, mode: `MaxEncodedLen`)
	fn set_nodes() -> Weight {
		// Proof size: measured `1137`, estimated `3870` bytes.
		// Minimum execution time: 19_679_000 picoseconds.
		Weight::from_parts(22_303_000, 3870)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Consortium::Members` (r:2 w:1)
	/// Proof: `Consortium::Members` (`max_values`: None, `max_size`: Some(90), added: 2565, mode: `MaxEncodedLen`)
	/// Storage: `Consortium::Organisations` (r:1 w:0)
	/// Proof: `Consortium::Organisations` (`max_values`: None, `max_size`: Some(405), added: 2880, mode: `MaxEncodedLen`)
	/// Storage: `System::BlockHash` (r:1 w:0)
	/// Proof: `System::BlockHash` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// Storage: `Consortium::Registrations` (r:1 w:1)
	/// Proof: `Consortium::Registrations` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	/// Storage: `Consortium::ValidatorOf` (r:1 w:0)
	/// Proof: `Consortium::ValidatorOf` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	fn register_member() -> Weight {
		// Proof size: measured `2275`, estimated `6120` bytes.
		// Minimum execution time: 101_561_000 picoseconds.
		Weight::from_parts(108_041_000, 6120)
			.saturating_add(T::DbWeight::get().reads(7_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Consortium::Members` (r:2 w:1)
	/// Proof: `Consortium::Members` (`max_values`: None, `max_size`: Some(90), added: 2565, mode: `MaxEncodedLen`)
	/// Storage: `Consortium::Organisations` (r:1 w:0)
	/// Proof: `Consortium::Organisations` (`max_values`: None, `max_size`: Some(405), added: 2880, mode: `MaxEncodedLen`)
	fn remove_member() -> Weight {
		// Proof size: measured `1828`, estimated `6120` bytes.
		// Minimum execution time: 30_896_000 picoseconds.
		Weight::from_parts(34_441_000, 6120)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Consortium::Members` (r:1 w:1)
	/// Proof: `Consortium::Members` (`max_values`: None, `max_size`: Some(90), added: 2565, mode: `MaxEncodedLen`)
	fn set_encryption_key() -> Weight {
		// Proof size: measured `759`, estimated `3555` bytes.
		// Minimum execution time: 19_829_000 picoseconds.
		Weight::from_parts(22_163_000, 3555)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `System::AuthorizedUpgrade` (r:0 w:1)
	/// Proof: `System::AuthorizedUpgrade` (`max_values`: Some(1), `max_size`: Some(33), added: 528, mode: `MaxEncodedLen`)
	fn authorize_upgrade() -> Weight {
		// Proof size: measured `0`, estimated `0` bytes.
		// Minimum execution time: 6_209_000 picoseconds.
		Weight::from_parts(6_961_000, 0)
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Consortium::Members` (r:1 w:0)
	/// Proof: `Consortium::Members` (`max_values`: None, `max_size`: Some(90), added: 2565, mode: `MaxEncodedLen`)
	/// Storage: `Consortium::Organisations` (r:1 w:0)
	/// Proof: `Consortium::Organisations` (`max_values`: None, `max_size`: Some(405), added: 2880, mode: `MaxEncodedLen`)
	/// Storage: `Consortium::BlockShares` (r:2 w:2)
	/// Proof: `Consortium::BlockShares` (`max_values`: None, `max_size`: Some(37), added: 2512, mode: `MaxEncodedLen`)
	fn check_membership() -> Weight {
		// Proof size: measured `1660`, estimated `6014` bytes.
		// Minimum execution time: 30_516_000 picoseconds.
		Weight::from_parts(34_001_000, 6014)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
}

/// No weight at all: for unit tests against mock runtimes only.
impl WeightInfo for () {
	fn admit_organisation() -> Weight {
		Weight::zero()
	}
	fn set_organisation_status() -> Weight {
		Weight::zero()
	}
	fn set_validator() -> Weight {
		Weight::zero()
	}
	fn set_nodes() -> Weight {
		Weight::zero()
	}
	fn register_member() -> Weight {
		Weight::zero()
	}
	fn remove_member() -> Weight {
		Weight::zero()
	}
	fn set_encryption_key() -> Weight {
		Weight::zero()
	}
	fn authorize_upgrade() -> Weight {
		Weight::zero()
	}
	fn check_membership() -> Weight {
		Weight::zero()
	}
}
