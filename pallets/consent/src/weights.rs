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
	/// Storage: `Consent::ConsentCount` (r:1 w:1)
	/// Proof: `Consent::ConsentCount` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Trails` (r:1 w:1)
	/// Proof: `Audit::Trails` (`max_values`: None, `max_size`: Some(88), added: 2563, mode: `MaxEncodedLen`)
	/// Storage: `Audit::ByActor` (r:0 w:1)
	/// Proof: `Audit::ByActor` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `Audit::ByOrganisation` (r:0 w:1)
	/// Proof: `Audit::ByOrganisation` (`max_values`: None, `max_size`: Some(68), added: 2543, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Entries` (r:0 w:1)
	/// Proof: `Audit::Entries` (`max_values`: None, `max_size`: Some(196), added: 2671, mode: `MaxEncodedLen`)
	/// Storage: `Consent::ByPatient` (r:0 w:1)
	/// Proof: `Consent::ByPatient` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `Consent::Consents` (r:0 w:1)
	/// Proof: `Consent::Consents` (`max_values`: None, `max_size`: Some(4628), added: 7103, mode: `MaxEncodedLen`)
	/// Storage: `Consent::ByOrganisation` (r:0 w:1)
	/// Proof: `Consent::ByOrganisation` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	fn request() -> Weight {
		// Proof size: measured `33467`, estimated `193886` bytes.
		// Minimum execution time: 350_210_000 picoseconds.
		Weight::from_parts(361_477_000, 193886)
			.saturating_add(T::DbWeight::get().reads(70_u64))
			.saturating_add(T::DbWeight::get().writes(8_u64))
	}
	/// Storage: `Consent::Consents` (r:16 w:1)
	/// Proof: `Consent::Consents` (`max_values`: None, `max_size`: Some(4628), added: 7103, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Consent::Grants` (r:1 w:1)
	/// Proof: `Consent::Grants` (`max_values`: None, `max_size`: Some(189), added: 2664, mode: `MaxEncodedLen`)
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
	/// Proof: `Audit::Entries` (`max_values`: None, `max_size`: Some(196), added: 2671, mode: `MaxEncodedLen`)
	/// Storage: `Consent::KeyWraps` (r:0 w:500)
	/// Proof: `Consent::KeyWraps` (`max_values`: None, `max_size`: Some(166), added: 2641, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[0, 500]`.
	fn grant(n: u32, ) -> Weight {
		// Proof size: measured `1702 + n * (501 ±0)`, estimated `114638 + n * (3014 ±0)` bytes.
		// Minimum execution time: 94_751_000 picoseconds.
		Weight::from_parts(96_133_000, 114638)
			// Standard error: 46_535
			.saturating_add(Weight::from_parts(25_473_770, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(20_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(5_u64))
			.saturating_add(T::DbWeight::get().writes((4_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 3014).saturating_mul(n.into()))
	}
	/// Storage: `Consent::Consents` (r:1 w:1)
	/// Proof: `Consent::Consents` (`max_values`: None, `max_size`: Some(4628), added: 7103, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Trails` (r:1 w:1)
	/// Proof: `Audit::Trails` (`max_values`: None, `max_size`: Some(88), added: 2563, mode: `MaxEncodedLen`)
	/// Storage: `Audit::ByActor` (r:0 w:1)
	/// Proof: `Audit::ByActor` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Entries` (r:0 w:1)
	/// Proof: `Audit::Entries` (`max_values`: None, `max_size`: Some(196), added: 2671, mode: `MaxEncodedLen`)
	fn deny() -> Weight {
		// Proof size: measured `478`, estimated `8093` bytes.
		// Minimum execution time: 31_387_000 picoseconds.
		Weight::from_parts(33_901_000, 8093)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
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
	/// Proof: `Audit::Entries` (`max_values`: None, `max_size`: Some(196), added: 2671, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[0, 500]`.
	fn revoke(n: u32, ) -> Weight {
		// Proof size: measured `1217 + n * (84 ±0)`, estimated `8093 + n * (2641 ±0)` bytes.
		// Minimum execution time: 50_605_000 picoseconds.
		Weight::from_parts(15_875_830, 8093)
			// Standard error: 25_120
			.saturating_add(Weight::from_parts(11_110_091, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(5_u64))
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
	/// Proof: `Audit::Entries` (`max_values`: None, `max_size`: Some(196), added: 2671, mode: `MaxEncodedLen`)
	/// Storage: `Consent::KeyWraps` (r:0 w:500)
	/// Proof: `Consent::KeyWraps` (`max_values`: None, `max_size`: Some(166), added: 2641, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[1, 500]`.
	fn add_wraps(n: u32, ) -> Weight {
		// Proof size: measured `1536 + n * (501 ±0)`, estimated `8093 + n * (3014 ±0)` bytes.
		// Minimum execution time: 67_170_000 picoseconds.
		Weight::from_parts(69_102_000, 8093)
			// Standard error: 103_802
			.saturating_add(Weight::from_parts(29_616_943, 0).saturating_mul(n.into()))
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
	/// Proof: `Audit::Entries` (`max_values`: None, `max_size`: Some(196), added: 2671, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[0, 500]`.
	fn expire(n: u32, ) -> Weight {
		// Proof size: measured `1807 + n * (84 ±0)`, estimated `8093 + n * (2641 ±0)` bytes.
		// Minimum execution time: 63_795_000 picoseconds.
		Weight::from_parts(65_217_000, 8093)
			// Standard error: 18_534
			.saturating_add(Weight::from_parts(11_277_863, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(6_u64))
			.saturating_add(T::DbWeight::get().writes((2_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 2641).saturating_mul(n.into()))
	}
	/// Storage: `Consortium::Members` (r:2 w:0)
	/// Proof: `Consortium::Members` (`max_values`: None, `max_size`: Some(90), added: 2565, mode: `MaxEncodedLen`)
	/// Storage: `Consortium::Organisations` (r:1 w:0)
	/// Proof: `Consortium::Organisations` (`max_values`: None, `max_size`: Some(405), added: 2880, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Documents::DocumentCount` (r:1 w:0)
	/// Proof: `Documents::DocumentCount` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Consent::ConsentCount` (r:1 w:1)
	/// Proof: `Consent::ConsentCount` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Consent::Grants` (r:1 w:1)
	/// Proof: `Consent::Grants` (`max_values`: None, `max_size`: Some(189), added: 2664, mode: `MaxEncodedLen`)
	/// Storage: `Consent::Consents` (r:15 w:1)
	/// Proof: `Consent::Consents` (`max_values`: None, `max_size`: Some(4628), added: 7103, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Trails` (r:1 w:1)
	/// Proof: `Audit::Trails` (`max_values`: None, `max_size`: Some(88), added: 2563, mode: `MaxEncodedLen`)
	/// Storage: `Audit::ByActor` (r:0 w:1)
	/// Proof: `Audit::ByActor` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `Audit::ByOrganisation` (r:0 w:1)
	/// Proof: `Audit::ByOrganisation` (`max_values`: None, `max_size`: Some(68), added: 2543, mode: `MaxEncodedLen`)
	/// Storage: `Audit::Entries` (r:0 w:1)
	/// Proof: `Audit::Entries` (`max_values`: None, `max_size`: Some(196), added: 2671, mode: `MaxEncodedLen`)
	/// Storage: `Consent::ByPatient` (r:0 w:1)
	/// Proof: `Consent::ByPatient` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `Consent::ByOrganisation` (r:0 w:1)
	/// Proof: `Consent::ByOrganisation` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	fn break_glass() -> Weight {
		// Proof size: measured `2398`, estimated `107535` bytes.
		// Minimum execution time: 121_000_000 picoseconds.
		Weight::from_parts(126_629_000, 107535)
			.saturating_add(T::DbWeight::get().reads(23_u64))
			.saturating_add(T::DbWeight::get().writes(9_u64))
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
	/// Proof: `Audit::Entries` (`max_values`: None, `max_size`: Some(196), added: 2671, mode: `MaxEncodedLen`)
	/// Storage: `Consent::PatientWraps` (r:0 w:500)
	/// Proof: `Consent::PatientWraps` (`max_values`: None, `max_size`: Some(178), added: 2653, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[1, 500]`.
	fn wrap_for_patient(n: u32, ) -> Weight {
		// Proof size: measured `1356 + n * (501 ±0)`, estimated `6120 + n * (3014 ±0)` bytes.
		// Minimum execution time: 56_063_000 picoseconds.
		Weight::from_parts(58_036_000, 6120)
			// Standard error: 71_914
			.saturating_add(Weight::from_parts(23_215_613, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(T::DbWeight::get().writes((4_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 3014).saturating_mul(n.into()))
	}
	fn lift_break_glass_hold() -> Weight {
		Weight::from_parts(126_629_000, 107535)
			.saturating_add(T::DbWeight::get().reads(23_u64))
			.saturating_add(T::DbWeight::get().writes(9_u64))
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
