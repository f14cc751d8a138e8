//! Weights of `pallet_consent`, measured by `medledger-node benchmark pallet` (`scripts/benchmark-weights`).
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
// pallet_consent
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
// /work/main/pallets/consent/src/weights.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// Weight functions of `pallet_consent`.
pub trait WeightInfo {
	/// `request`.
	fn request() -> Weight;
	/// `grant`, with `n`.
	fn grant(n: u32, ) -> Weight;
	/// `deny`.
	fn deny() -> Weight;
	/// `revoke`, with `n`.
	fn revoke(n: u32, ) -> Weight;
	/// `add_wraps`, with `n`.
	fn add_wraps(n: u32, ) -> Weight;
	/// `expire`, with `n`.
	fn expire(n: u32, ) -> Weight;
	/// `break_glass`.
	fn break_glass() -> Weight;
	/// `wrap_for_patient`, with `n`.
	fn wrap_for_patient(n: u32, ) -> Weight;
	/// `lift_break_glass_hold`.
	fn lift_break_glass_hold() -> Weight;
}

/// Weights measured on the reference machine.
pub struct MeasuredWeight<T>(PhantomData<T>);

impl<T: frame_system::Config> WeightInfo for MeasuredWeight<T> {
	/// Storage: `Consortium::Members` (r:2 w:0)
	/// Proof: `Consortium::Members` (`max_values`: None, `max_size`: Some(90), added: 2565, mode: `MaxEncodedLen`)
	/// Storage: `Consortium::Organisations` (r:1 w:0)
	/// Proof: `Consortium::Organisations` (`max_values`: None, `max_size`: Some(405), added: 2880, mode: `MaxEncodedLen`)
	/// Storage: `Documents::Records` (r:64 w:0)
	/// Proof: `Documents::Records` (`max_values`: None, `max_size`: Some(539), added: 3014, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Consent::Pending` (r:1 w:1)
	/// Proof: `Consent::Pending` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `Consent::ConsentCount` (r:1 w:1)
	/// Proof: `Consent::ConsentCount` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Consent::NextDeadline` (r:1 w:1)
	/// Proof: `Consent::NextDeadline` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Trails` (r:1 w:1)
	/// Proof: `Audit::Trails` (`max_values`: None, `max_size`: Some(88), added: 2563, mode: `MaxEncodedLen`)
	/// Storage: `Audit::ByActor` (r:0 w:1)
	/// Proof: `Audit::ByActor` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `Audit::ByOrganisation` (r:0 w:1)
	/// Proof: `Audit::ByOrganisation` (`max_values`: None, `max_size`: Some(68), added: 2543, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Entries` (r:0 w:1)
	/// Proof: `Audit::Entries` (`max_values`: None, `max_size`: Some(205), added: 2680, mode: `MaxEncodedLen`)
	/// Storage: `Consent::ByPatient` (r:0 w:1)
	/// Proof: `Consent::ByPatient` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `Consent::Deadlines` (r:0 w:1)
	/// Proof: `Consent::Deadlines` (`max_values`: None, `max_size`: Some(32), added: 2507, mode: `MaxEncodedLen`)
	/// Storage: `Consent::Consents` (r:0 w:1)
	/// Proof: `Consent::Consents` (`max_values`: None, `max_size`: Some(4628), added: 7103, mode: `MaxEncodedLen`)
	/// Storage: `Consent::ByOrganisation` (r:0 w:1)
	/// Proof: `Consent::ByOrganisation` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// Storage: `Consent::ByPatientOrganisation` (r:0 w:1)
	/// Proof: `Consent::ByPatientOrganisation` (`max_values`: None, `max_size`: Some(76), added: 2551, mode: `MaxEncodedLen`)
	fn request() -> Weight {
		// Proof size: measured `33467`, estimated `193886` bytes.
		// Minimum execution time: 374_406_000 picoseconds.
		Weight::from_parts(436_629_000, 193886)
			.saturating_add(T::DbWeight::get().reads(72_u64))
			.saturating_add(T::DbWeight::get().writes(12_u64))
	}
	/// Storage: `Consent::Consents` (r:16 w:1)
	/// Proof: `Consent::Consents` (`max_values`: None, `max_size`: Some(4628), added: 7103, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Consent::Grants` (r:1 w:1)
	/// Proof: `Consent::Grants` (`max_values`: None, `max_size`: Some(189), added: 2664, mode: `MaxEncodedLen`)
	/// Storage: `Consent::Pending` (r:1 w:1)
	/// Proof: `Consent::Pending` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `Consent::NextDeadline` (r:1 w:1)
	/// Proof: `Consent::NextDeadline` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Documents::DocumentCount` (r:1 w:0)
	/// Proof: `Documents::DocumentCount` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Trails` (r:1 w:1)
	/// Proof: `Audit::Trails` (`max_values`: None, `max_size`: Some(88), added: 2563, mode: `MaxEncodedLen`)
	/// Storage: `Documents::Records` (r:500 w:0)
	/// Proof: `Documents::Records` (`max_values`: None, `max_size`: Some(539), added: 3014, mode: `MaxEncodedLen`)
	/// Storage: `Consent::WrapsOf` (r:500 w:500)
	/// Proof: `Consent::WrapsOf` (`max_values`: None, `max_size`: Some(32), added: 2507, mode: `MaxEncodedLen`)
	/// Storage: `Audit::ByActor` (r:0 w:501)
	/// Proof: `Audit::ByActor` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Entries` (r:0 w:501)
	/// Proof: `Audit::Entries` (`max_values`: None, `max_size`: Some(205), added: 2680, mode: `MaxEncodedLen`)
	/// Storage: `Consent::Deadlines` (r:0 w:2)
	/// Proof: `Consent::Deadlines` (`max_values`: None, `max_size`: Some(32), added: 2507, mode: `MaxEncodedLen`)
	/// Storage: `Consent::KeyWraps` (r:0 w:500)
	/// Proof: `Consent::KeyWraps` (`max_values`: None, `max_size`: Some(166), added: 2641, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[0, 500]`.
	fn grant(n: u32, ) -> Weight {
		// Proof size: measured `1852 + n * (501 ±0)`, estimated `114638 + n * (3014 ±0)` bytes.
		// Minimum execution time: 112_888_000 picoseconds.
		Weight::from_parts(119_698_000, 114638)
			// Standard error: 83_559
			.saturating_add(Weight::from_parts(30_061_108, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(22_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(9_u64))
			.saturating_add(T::DbWeight::get().writes((4_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 3014).saturating_mul(n.into()))
	}
	/// Storage: `Consent::Consents` (r:1 w:1)
	/// Proof: `Consent::Consents` (`max_values`: None, `max_size`: Some(4628), added: 7103, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Consent::Pending` (r:1 w:1)
	/// Proof: `Consent::Pending` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Trails` (r:1 w:1)
	/// Proof: `Audit::Trails` (`max_values`: None, `max_size`: Some(88), added: 2563, mode: `MaxEncodedLen`)
	/// Storage: `Audit::ByActor` (r:0 w:1)
	/// Proof: `Audit::ByActor` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Entries` (r:0 w:1)
	/// Proof: `Audit::Entries` (`max_values`: None, `max_size`: Some(205), added: 2680, mode: `MaxEncodedLen`)
	/// Storage: `Consent::Deadlines` (r:0 w:1)
	/// Proof: `Consent::Deadlines` (`max_values`: None, `max_size`: Some(32), added: 2507, mode: `MaxEncodedLen`)
	fn deny() -> Weight {
		// Proof size: measured `597`, estimated `8093` bytes.
		// Minimum execution time: 39_629_000 picoseconds.
		Weight::from_parts(42_424_000, 8093)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	/// Storage: `Consent::Consents` (r:1 w:1)
	/// Proof: `Consent::Consents` (`max_values`: None, `max_size`: Some(4628), added: 7103, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Consent::Grants` (r:1 w:1)
	/// Proof: `Consent::Grants` (`max_values`: None, `max_size`: Some(189), added: 2664, mode: `MaxEncodedLen`)
	/// Storage: `Consent::WrapsOf` (r:501 w:500)
	/// Proof: `Consent::WrapsOf` (`max_values`: None, `max_size`: Some(32), added: 2507, mode: `MaxEncodedLen`)
	/// Storage: `Consent::KeyWraps` (r:500 w:500)
	/// Proof: `Consent::KeyWraps` (`max_values`: None, `max_size`: Some(166), added: 2641, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Trails` (r:1 w:1)
	/// Proof: `Audit::Trails` (`max_values`: None, `max_size`: Some(88), added: 2563, mode: `MaxEncodedLen`)
	/// Storage: `Audit::ByActor` (r:0 w:1)
	/// Proof: `Audit::ByActor` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Entries` (r:0 w:1)
	/// Proof: `Audit::Entries` (`max_values`: None, `max_size`: Some(205), added: 2680, mode: `MaxEncodedLen`)
	/// Storage: `Consent::Deadlines` (r:0 w:1)
	/// Proof: `Consent::Deadlines` (`max_values`: None, `max_size`: Some(32), added: 2507, mode: `MaxEncodedLen`)
	/// Storage: `Consent::BreakGlassHolds` (r:0 w:1)
	/// Proof: `Consent::BreakGlassHolds` (`max_values`: None, `max_size`: Some(68), added: 2543, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[0, 500]`.
	fn revoke(n: u32, ) -> Weight {
		// Proof size: measured `1508 + n * (84 ±0)`, estimated `8093 + n * (2641 ±0)` bytes.
		// Minimum execution time: 61_161_000 picoseconds.
		Weight::from_parts(65_257_000, 8093)
			// Standard error: 65_637
			.saturating_add(Weight::from_parts(12_082_824, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(7_u64))
			.saturating_add(T::DbWeight::get().writes((2_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 2641).saturating_mul(n.into()))
	}
	/// Storage: `Consent::Consents` (r:1 w:1)
	/// Proof: `Consent::Consents` (`max_values`: None, `max_size`: Some(4628), added: 7103, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Consortium::Members` (r:1 w:0)
	/// Proof: `Consortium::Members` (`max_values`: None, `max_size`: Some(90), added: 2565, mode: `MaxEncodedLen`)
	/// Storage: `Consortium::Organisations` (r:1 w:0)
	/// Proof: `Consortium::Organisations` (`max_values`: None, `max_size`: Some(405), added: 2880, mode: `MaxEncodedLen`)
	/// Storage: `Documents::Records` (r:500 w:0)
	/// Proof: `Documents::Records` (`max_values`: None, `max_size`: Some(539), added: 3014, mode: `MaxEncodedLen`)
	/// Storage: `Consent::WrapsOf` (r:500 w:500)
	/// Proof: `Consent::WrapsOf` (`max_values`: None, `max_size`: Some(32), added: 2507, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Trails` (r:1 w:1)
	/// Proof: `Audit::Trails` (`max_values`: None, `max_size`: Some(88), added: 2563, mode: `MaxEncodedLen`)
	/// Storage: `Audit::ByActor` (r:0 w:500)
	/// Proof: `Audit::ByActor` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `Audit::ByOrganisation` (r:0 w:500)
	/// Proof: `Audit::ByOrganisation` (`max_values`: None, `max_size`: Some(68), added: 2543, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Entries` (r:0 w:500)
	/// Proof: `Audit::Entries` (`max_values`: None, `max_size`: Some(205), added: 2680, mode: `MaxEncodedLen`)
	/// Storage: `Consent::KeyWraps` (r:0 w:500)
	/// Proof: `Consent::KeyWraps` (`max_values`: None, `max_size`: Some(166), added: 2641, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[1, 500]`.
	fn add_wraps(n: u32, ) -> Weight {
		// Proof size: measured `1569 + n * (501 ±0)`, estimated `8093 + n * (3014 ±0)` bytes.
		// Minimum execution time: 68_222_000 picoseconds.
		Weight::from_parts(70_455_000, 8093)
			// Standard error: 65_377
			.saturating_add(Weight::from_parts(32_021_000, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(2_u64))
			.saturating_add(T::DbWeight::get().writes((5_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 3014).saturating_mul(n.into()))
	}
	/// Storage: `Consent::Consents` (r:1 w:1)
	/// Proof: `Consent::Consents` (`max_values`: None, `max_size`: Some(4628), added: 7103, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Consent::Grants` (r:1 w:1)
	/// Proof: `Consent::Grants` (`max_values`: None, `max_size`: Some(189), added: 2664, mode: `MaxEncodedLen`)
	/// Storage: `Consent::WrapsOf` (r:501 w:500)
	/// Proof: `Consent::WrapsOf` (`max_values`: None, `max_size`: Some(32), added: 2507, mode: `MaxEncodedLen`)
	/// Storage: `Consent::KeyWraps` (r:500 w:500)
	/// Proof: `Consent::KeyWraps` (`max_values`: None, `max_size`: Some(166), added: 2641, mode: `MaxEncodedLen`)
	/// Storage: `Consortium::Members` (r:1 w:0)
	/// Proof: `Consortium::Members` (`max_values`: None, `max_size`: Some(90), added: 2565, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Trails` (r:1 w:1)
	/// Proof: `Audit::Trails` (`max_values`: None, `max_size`: Some(88), added: 2563, mode: `MaxEncodedLen`)
	/// Storage: `Audit::ByActor` (r:0 w:1)
	/// Proof: `Audit::ByActor` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `Audit::ByOrganisation` (r:0 w:1)
	/// Proof: `Audit::ByOrganisation` (`max_values`: None, `max_size`: Some(68), added: 2543, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Entries` (r:0 w:1)
	/// Proof: `Audit::Entries` (`max_values`: None, `max_size`: Some(205), added: 2680, mode: `MaxEncodedLen`)
	/// Storage: `Consent::Deadlines` (r:0 w:1)
	/// Proof: `Consent::Deadlines` (`max_values`: None, `max_size`: Some(32), added: 2507, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[0, 500]`.
	fn expire(n: u32, ) -> Weight {
		// Proof size: measured `1840 + n * (84 ±0)`, estimated `8093 + n * (2641 ±0)` bytes.
		// Minimum execution time: 67_981_000 picoseconds.
		Weight::from_parts(70_024_000, 8093)
			// Standard error: 25_354
			.saturating_add(Weight::from_parts(11_955_674, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(7_u64))
			.saturating_add(T::DbWeight::get().writes((2_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 2641).saturating_mul(n.into()))
	}
	/// Storage: `Consortium::Members` (r:2 w:0)
	/// Proof: `Consortium::Members` (`max_values`: None, `max_size`: Some(90), added: 2565, mode: `MaxEncodedLen`)
	/// Storage: `Consortium::Organisations` (r:1 w:0)
	/// Proof: `Consortium::Organisations` (`max_values`: None, `max_size`: Some(405), added: 2880, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Consent::BreakGlassHolds` (r:1 w:1)
	/// Proof: `Consent::BreakGlassHolds` (`max_values`: None, `max_size`: Some(68), added: 2543, mode: `MaxEncodedLen`)
	/// Storage: `Consent::BreakGlassUses` (r:1 w:1)
	/// Proof: `Consent::BreakGlassUses` (`max_values`: None, `max_size`: Some(60), added: 2535, mode: `MaxEncodedLen`)
	/// Storage: `Consent::Grants` (r:1 w:1)
	/// Proof: `Consent::Grants` (`max_values`: None, `max_size`: Some(189), added: 2664, mode: `MaxEncodedLen`)
	/// Storage: `Consent::Consents` (r:15 w:1)
	/// Proof: `Consent::Consents` (`max_values`: None, `max_size`: Some(4628), added: 7103, mode: `MaxEncodedLen`)
	/// Storage: `Documents::DocumentCount` (r:1 w:0)
	/// Proof: `Documents::DocumentCount` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Consent::ConsentCount` (r:1 w:1)
	/// Proof: `Consent::ConsentCount` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Consent::NextDeadline` (r:1 w:1)
	/// Proof: `Consent::NextDeadline` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Trails` (r:1 w:1)
	/// Proof: `Audit::Trails` (`max_values`: None, `max_size`: Some(88), added: 2563, mode: `MaxEncodedLen`)
	/// Storage: `Audit::ByActor` (r:0 w:1)
	/// Proof: `Audit::ByActor` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `Audit::ByOrganisation` (r:0 w:1)
	/// Proof: `Audit::ByOrganisation` (`max_values`: None, `max_size`: Some(68), added: 2543, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Entries` (r:0 w:1)
	/// Proof: `Audit::Entries` (`max_values`: None, `max_size`: Some(205), added: 2680, mode: `MaxEncodedLen`)
	/// Storage: `Consent::ByPatient` (r:0 w:1)
	/// Proof: `Consent::ByPatient` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `Consent::Deadlines` (r:0 w:1)
	/// Proof: `Consent::Deadlines` (`max_values`: None, `max_size`: Some(32), added: 2507, mode: `MaxEncodedLen`)
	/// Storage: `Consent::ByOrganisation` (r:0 w:1)
	/// Proof: `Consent::ByOrganisation` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// Storage: `Consent::ByPatientOrganisation` (r:0 w:1)
	/// Proof: `Consent::ByPatientOrganisation` (`max_values`: None, `max_size`: Some(76), added: 2551, mode: `MaxEncodedLen`)
	fn break_glass() -> Weight {
		// Proof size: measured `2636`, estimated `107535` bytes.
		// Minimum execution time: 173_458_000 picoseconds.
		Weight::from_parts(182_942_000, 107535)
			.saturating_add(T::DbWeight::get().reads(26_u64))
			.saturating_add(T::DbWeight::get().writes(14_u64))
	}
	/// Storage: `Consortium::Members` (r:2 w:0)
	/// Proof: `Consortium::Members` (`max_values`: None, `max_size`: Some(90), added: 2565, mode: `MaxEncodedLen`)
	/// Storage: `Consortium::Organisations` (r:1 w:0)
	/// Proof: `Consortium::Organisations` (`max_values`: None, `max_size`: Some(405), added: 2880, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Documents::Records` (r:500 w:0)
	/// Proof: `Documents::Records` (`max_values`: None, `max_size`: Some(539), added: 3014, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Trails` (r:1 w:1)
	/// Proof: `Audit::Trails` (`max_values`: None, `max_size`: Some(88), added: 2563, mode: `MaxEncodedLen`)
	/// Storage: `Audit::ByActor` (r:0 w:500)
	/// Proof: `Audit::ByActor` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `Audit::ByOrganisation` (r:0 w:500)
	/// Proof: `Audit::ByOrganisation` (`max_values`: None, `max_size`: Some(68), added: 2543, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Entries` (r:0 w:500)
	/// Proof: `Audit::Entries` (`max_values`: None, `max_size`: Some(205), added: 2680, mode: `MaxEncodedLen`)
	/// Storage: `Consent::PatientWraps` (r:0 w:500)
	/// Proof: `Consent::PatientWraps` (`max_values`: None, `max_size`: Some(178), added: 2653, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[1, 500]`.
	fn wrap_for_patient(n: u32, ) -> Weight {
		// Proof size: measured `1356 + n * (501 ±0)`, estimated `6120 + n * (3014 ±0)` bytes.
		// Minimum execution time: 58_246_000 picoseconds.
		Weight::from_parts(59_188_000, 6120)
			// Standard error: 93_847
			.saturating_add(Weight::from_parts(27_027_507, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(T::DbWeight::get().writes((4_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 3014).saturating_mul(n.into()))
	}
	/// Storage: `Consent::BreakGlassHolds` (r:1 w:1)
	/// Proof: `Consent::BreakGlassHolds` (`max_values`: None, `max_size`: Some(68), added: 2543, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Trails` (r:1 w:1)
	/// Proof: `Audit::Trails` (`max_values`: None, `max_size`: Some(88), added: 2563, mode: `MaxEncodedLen`)
	/// Storage: `Audit::ByActor` (r:0 w:1)
	/// Proof: `Audit::ByActor` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Entries` (r:0 w:1)
	/// Proof: `Audit::Entries` (`max_values`: None, `max_size`: Some(205), added: 2680, mode: `MaxEncodedLen`)
	fn lift_break_glass_hold() -> Weight {
		// Proof size: measured `146`, estimated `3553` bytes.
		// Minimum execution time: 27_521_000 picoseconds.
		Weight::from_parts(29_644_000, 3553)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
}

/// No weight at all: for unit tests against mock runtimes only.
impl WeightInfo for () {
	fn request() -> Weight {
		Weight::zero()
	}
	fn grant(_n: u32, ) -> Weight {
		Weight::zero()
	}
	fn deny() -> Weight {
		Weight::zero()
	}
	fn revoke(_n: u32, ) -> Weight {
		Weight::zero()
	}
	fn add_wraps(_n: u32, ) -> Weight {
		Weight::zero()
	}
	fn expire(_n: u32, ) -> Weight {
		Weight::zero()
	}
	fn break_glass() -> Weight {
		Weight::zero()
	}
	fn wrap_for_patient(_n: u32, ) -> Weight {
		Weight::zero()
	}
	fn lift_break_glass_hold() -> Weight {
		Weight::zero()
	}
}
