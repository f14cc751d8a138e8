//! Weights of `pallet_documents`, measured by `medledger-node benchmark pallet` (`scripts/benchmark-weights`).
//!
//! Generated: do not edit by hand; run the script again on the reference machine.
//! CLI version 64.0.0, 2026-12-02; steps `20`, repeat `10`.
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
// pallet_documents
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
// /work/main/pallets/documents/src/weights.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// Weight functions of `pallet_documents`.
pub trait WeightInfo {
	/// `anchor`.
	fn anchor() -> Weight;
	/// `anchor_batch`, with `n`.
	fn anchor_batch(n: u32, ) -> Weight;
	/// `anchor_rooted_batch`, with `n`.
	fn anchor_rooted_batch(n: u32, ) -> Weight;
	/// `amend`.
	fn amend() -> Weight;
	/// `mark_entered_in_error`.
	fn mark_entered_in_error() -> Weight;
}

/// Weights measured on the reference machine.
pub struct MeasuredWeight<T>(PhantomData<T>);

impl<T: frame_system::Config> WeightInfo for MeasuredWeight<T> {
	/// Storage: `Consortium::Members` (r:2 w:0)
	/// Proof: `Consortium::Members` (`max_values`: None, `max_size`: Some(90), added: 2565, mode: `MaxEncodedLen`)
	/// Storage: `Consortium::Organisations` (r:1 w:0)
	/// Proof: `Consortium::Organisations` (`max_values`: None, `max_size`: Some(405), added: 2880, mode: `MaxEncodedLen`)
	/// Storage: `Documents::ByCommitment` (r:1 w:1)
	/// Proof: `Documents::ByCommitment` (`max_values`: None, `max_size`: Some(68), added: 2543, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Documents::DocumentCount` (r:1 w:1)
	/// Proof: `Documents::DocumentCount` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Trails` (r:1 w:1)
	/// Proof: `Audit::Trails` (`max_values`: None, `max_size`: Some(88), added: 2563, mode: `MaxEncodedLen`)
	/// Storage: `Documents::ByPatient` (r:0 w:1)
	/// Proof: `Documents::ByPatient` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `Documents::ByOrganisation` (r:0 w:1)
	/// Proof: `Documents::ByOrganisation` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// Storage: `Documents::Records` (r:0 w:1)
	/// Proof: `Documents::Records` (`max_values`: None, `max_size`: Some(539), added: 3014, mode: `MaxEncodedLen`)
	fn anchor() -> Weight {
		// Proof size: measured `956`, estimated `6120` bytes.
		// Minimum execution time: 49_644_000 picoseconds.
		Weight::from_parts(54_180_000, 6120)
			.saturating_add(T::DbWeight::get().reads(7_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	/// Storage: `Consortium::Members` (r:401 w:0)
	/// Proof: `Consortium::Members` (`max_values`: None, `max_size`: Some(90), added: 2565, mode: `MaxEncodedLen`)
	/// Storage: `Consortium::Organisations` (r:1 w:0)
	/// Proof: `Consortium::Organisations` (`max_values`: None, `max_size`: Some(405), added: 2880, mode: `MaxEncodedLen`)
	/// Storage: `Documents::ByCommitment` (r:400 w:400)
	/// Proof: `Documents::ByCommitment` (`max_values`: None, `max_size`: Some(68), added: 2543, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Documents::DocumentCount` (r:1 w:1)
	/// Proof: `Documents::DocumentCount` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Trails` (r:400 w:400)
	/// Proof: `Audit::Trails` (`max_values`: None, `max_size`: Some(88), added: 2563, mode: `MaxEncodedLen`)
	/// Storage: `Documents::ByPatient` (r:0 w:400)
	/// Proof: `Documents::ByPatient` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `Documents::ByOrganisation` (r:0 w:400)
	/// Proof: `Documents::ByOrganisation` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// Storage: `Documents::Records` (r:0 w:400)
	/// Proof: `Documents::Records` (`max_values`: None, `max_size`: Some(539), added: 3014, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[1, 400]`.
	fn anchor_batch(n: u32, ) -> Weight {
		// Proof size: measured `876 + n * (85 ±0)`, estimated `3870 + n * (2565 ±0)` bytes.
		// Minimum execution time: 52_819_000 picoseconds.
		Weight::from_parts(53_910_000, 3870)
			// Standard error: 88_903
			.saturating_add(Weight::from_parts(32_528_509, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(T::DbWeight::get().writes((5_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 2565).saturating_mul(n.into()))
	}
	/// Storage: `Consortium::Members` (r:401 w:0)
	/// Proof: `Consortium::Members` (`max_values`: None, `max_size`: Some(90), added: 2565, mode: `MaxEncodedLen`)
	/// Storage: `Consortium::Organisations` (r:1 w:0)
	/// Proof: `Consortium::Organisations` (`max_values`: None, `max_size`: Some(405), added: 2880, mode: `MaxEncodedLen`)
	/// Storage: `Documents::DocumentCount` (r:1 w:1)
	/// Proof: `Documents::DocumentCount` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Documents::BatchCount` (r:1 w:1)
	/// Proof: `Documents::BatchCount` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Documents::ByCommitment` (r:400 w:400)
	/// Proof: `Documents::ByCommitment` (`max_values`: None, `max_size`: Some(68), added: 2543, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Trails` (r:400 w:400)
	/// Proof: `Audit::Trails` (`max_values`: None, `max_size`: Some(88), added: 2563, mode: `MaxEncodedLen`)
	/// Storage: `Documents::Batches` (r:0 w:1)
	/// Proof: `Documents::Batches` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `Documents::InBatch` (r:0 w:400)
	/// Proof: `Documents::InBatch` (`max_values`: None, `max_size`: Some(135), added: 2610, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[1, 400]`.
	fn anchor_rooted_batch(n: u32, ) -> Weight {
		// Proof size: measured `876 + n * (85 ±0)`, estimated `3870 + n * (2565 ±0)` bytes.
		// Minimum execution time: 59_068_000 picoseconds.
		Weight::from_parts(61_772_000, 3870)
			// Standard error: 46_292
			.saturating_add(Weight::from_parts(32_206_176, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(3_u64))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 2565).saturating_mul(n.into()))
	}
	/// Storage: `Consortium::Members` (r:2 w:0)
	/// Proof: `Consortium::Members` (`max_values`: None, `max_size`: Some(90), added: 2565, mode: `MaxEncodedLen`)
	/// Storage: `Consortium::Organisations` (r:1 w:0)
	/// Proof: `Consortium::Organisations` (`max_values`: None, `max_size`: Some(405), added: 2880, mode: `MaxEncodedLen`)
	/// Storage: `Documents::Records` (r:1 w:2)
	/// Proof: `Documents::Records` (`max_values`: None, `max_size`: Some(539), added: 3014, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Consent::Grants` (r:1 w:0)
	/// Proof: `Consent::Grants` (`max_values`: None, `max_size`: Some(189), added: 2664, mode: `MaxEncodedLen`)
	/// Storage: `Consent::Consents` (r:16 w:0)
	/// Proof: `Consent::Consents` (`max_values`: None, `max_size`: Some(4628), added: 7103, mode: `MaxEncodedLen`)
	/// Storage: `Documents::ByCommitment` (r:1 w:1)
	/// Proof: `Documents::ByCommitment` (`max_values`: None, `max_size`: Some(68), added: 2543, mode: `MaxEncodedLen`)
	/// Storage: `Documents::DocumentCount` (r:1 w:1)
	/// Proof: `Documents::DocumentCount` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Trails` (r:1 w:1)
	/// Proof: `Audit::Trails` (`max_values`: None, `max_size`: Some(88), added: 2563, mode: `MaxEncodedLen`)
	/// Storage: `Documents::ByPatient` (r:0 w:1)
	/// Proof: `Documents::ByPatient` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `Documents::ByOrganisation` (r:0 w:1)
	/// Proof: `Documents::ByOrganisation` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	fn amend() -> Weight {
		// Proof size: measured `3187`, estimated `114638` bytes.
		// Minimum execution time: 146_026_000 picoseconds.
		Weight::from_parts(153_258_000, 114638)
			.saturating_add(T::DbWeight::get().reads(25_u64))
			.saturating_add(T::DbWeight::get().writes(7_u64))
	}
	/// Storage: `Consortium::Members` (r:1 w:0)
	/// Proof: `Consortium::Members` (`max_values`: None, `max_size`: Some(90), added: 2565, mode: `MaxEncodedLen`)
	/// Storage: `Consortium::Organisations` (r:1 w:0)
	/// Proof: `Consortium::Organisations` (`max_values`: None, `max_size`: Some(405), added: 2880, mode: `MaxEncodedLen`)
	/// Storage: `Documents::Records` (r:1 w:1)
	/// Proof: `Documents::Records` (`max_values`: None, `max_size`: Some(539), added: 3014, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Trails` (r:1 w:1)
	/// Proof: `Audit::Trails` (`max_values`: None, `max_size`: Some(88), added: 2563, mode: `MaxEncodedLen`)
	fn mark_entered_in_error() -> Weight {
		// Proof size: measured `1601`, estimated `4004` bytes.
		// Minimum execution time: 43_074_000 picoseconds.
		Weight::from_parts(45_988_000, 4004)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
}

/// No weight at all: for unit tests against mock runtimes only.
impl WeightInfo for () {
	fn anchor() -> Weight {
		Weight::zero()
	}
	fn anchor_batch(_n: u32, ) -> Weight {
		Weight::zero()
	}
	fn anchor_rooted_batch(_n: u32, ) -> Weight {
		Weight::zero()
	}
	fn amend() -> Weight {
		Weight::zero()
	}
	fn mark_entered_in_error() -> Weight {
		Weight::zero()
	}
}
