//! Weights of `pallet_audit`, measured by `medledger-node benchmark pallet` (`scripts/benchmark-weights`).
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
// pallet_audit
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
// /work/main/pallets/audit/src/weights.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// Weight functions of `pallet_audit`.
pub trait WeightInfo {
	/// `record_access`, with `n`.
	fn record_access(n: u32, ) -> Weight;
	/// `record_access_repeats`, with `n`.
	fn record_access_repeats(n: u32, ) -> Weight;
	/// `record_refusals`, with `n`.
	fn record_refusals(n: u32, ) -> Weight;
}

/// Weights measured on the reference machine.
pub struct MeasuredWeight<T>(PhantomData<T>);

impl<T: frame_system::Config> WeightInfo for MeasuredWeight<T> {
	/// Storage: `Consortium::Members` (r:1001 w:0)
	/// Proof: `Consortium::Members` (`max_values`: None, `max_size`: Some(90), added: 2565, mode: `MaxEncodedLen`)
	/// Storage: `Consortium::Organisations` (r:1 w:0)
	/// Proof: `Consortium::Organisations` (`max_values`: None, `max_size`: Some(405), added: 2880, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Documents::Records` (r:1000 w:0)
	/// Proof: `Documents::Records` (`max_values`: None, `max_size`: Some(539), added: 3014, mode: `MaxEncodedLen`)
	/// Storage: `Documents::InBatch` (r:1000 w:0)
	/// Proof: `Documents::InBatch` (`max_values`: None, `max_size`: Some(135), added: 2610, mode: `MaxEncodedLen`)
	/// Storage: `Consent::Consents` (r:1000 w:0)
	/// Proof: `Consent::Consents` (`max_values`: None, `max_size`: Some(4628), added: 7103, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Trails` (r:1000 w:1000)
	/// Proof: `Audit::Trails` (`max_values`: None, `max_size`: Some(88), added: 2563, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[1, 1000]`.
	fn record_access(n: u32, ) -> Weight {
		// Proof size: measured `7129 + n * (658 ±0)`, estimated `3870 + n * (7103 ±0)` bytes.
		// Minimum execution time: 69_392_000 picoseconds.
		Weight::from_parts(70_645_000, 3870)
			// Standard error: 262_780
			.saturating_add(Weight::from_parts(51_835_804, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().reads((5_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 7103).saturating_mul(n.into()))
	}
	/// Storage: `Consortium::Members` (r:2 w:0)
	/// Proof: `Consortium::Members` (`max_values`: None, `max_size`: Some(90), added: 2565, mode: `MaxEncodedLen`)
	/// Storage: `Consortium::Organisations` (r:1 w:0)
	/// Proof: `Consortium::Organisations` (`max_values`: None, `max_size`: Some(405), added: 2880, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Documents::Records` (r:1 w:0)
	/// Proof: `Documents::Records` (`max_values`: None, `max_size`: Some(539), added: 3014, mode: `MaxEncodedLen`)
	/// Storage: `Documents::InBatch` (r:1 w:0)
	/// Proof: `Documents::InBatch` (`max_values`: None, `max_size`: Some(135), added: 2610, mode: `MaxEncodedLen`)
	/// Storage: `Consent::Consents` (r:1 w:0)
	/// Proof: `Consent::Consents` (`max_values`: None, `max_size`: Some(4628), added: 7103, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Trails` (r:1 w:1)
	/// Proof: `Audit::Trails` (`max_values`: None, `max_size`: Some(88), added: 2563, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[0, 999]`.
	fn record_access_repeats(n: u32, ) -> Weight {
		// Proof size: measured `2028`, estimated `8093` bytes.
		// Minimum execution time: 67_510_000 picoseconds.
		Weight::from_parts(68_765_988, 8093)
			// Standard error: 23_468
			.saturating_add(Weight::from_parts(21_995_545, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Consortium::Members` (r:1002 w:0)
	/// Proof: `Consortium::Members` (`max_values`: None, `max_size`: Some(90), added: 2565, mode: `MaxEncodedLen`)
	/// Storage: `Consortium::Organisations` (r:1 w:0)
	/// Proof: `Consortium::Organisations` (`max_values`: None, `max_size`: Some(405), added: 2880, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Documents::Records` (r:1000 w:0)
	/// Proof: `Documents::Records` (`max_values`: None, `max_size`: Some(539), added: 3014, mode: `MaxEncodedLen`)
	/// Storage: `Documents::InBatch` (r:1000 w:0)
	/// Proof: `Documents::InBatch` (`max_values`: None, `max_size`: Some(135), added: 2610, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Trails` (r:1000 w:1000)
	/// Proof: `Audit::Trails` (`max_values`: None, `max_size`: Some(88), added: 2563, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[1, 1000]`.
	fn record_refusals(n: u32, ) -> Weight {
		// Proof size: measured `1315 + n * (315 ±0)`, estimated `6120 + n * (3014 ±0)` bytes.
		// Minimum execution time: 50_685_000 picoseconds.
		Weight::from_parts(51_917_000, 6120)
			// Standard error: 127_042
			.saturating_add(Weight::from_parts(28_056_100, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().reads((4_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 3014).saturating_mul(n.into()))
	}
}

/// No weight at all: for unit tests against mock runtimes only.
impl WeightInfo for () {
	fn record_access(_n: u32, ) -> Weight {
		Weight::zero()
	}
	fn record_access_repeats(_n: u32, ) -> Weight {
		Weight::zero()
	}
	fn record_refusals(_n: u32, ) -> Weight {
		Weight::zero()
	}
}
