//! Weights of the consortium pallet's calls and of its transaction extension.
//!
//! `()` counts each call's storage accesses against `frame_system`'s database weights and
//! nothing for computation. It serves the unit tests and stands in the runtime until
//! `medledger-node benchmark pallet` (built with `--features runtime-benchmarks`) has
//! generated measured weights for this machine class.

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// Weight functions of the consortium pallet.
pub trait WeightInfo {
	/// `admit_organisation`.
	fn admit_organisation() -> Weight;
	/// `suspend_organisation`, `reinstate_organisation`, `remove_organisation`.
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
	/// The `CheckMembership` transaction extension, per extrinsic.
	fn check_membership() -> Weight;
}

/// Storage-access-only weights, from the runtime's database weights.
pub struct StorageAccessWeight<T>(PhantomData<T>);

impl<T: frame_system::Config> WeightInfo for StorageAccessWeight<T> {
	fn admit_organisation() -> Weight {
		// council before and after: every organisation twice; plus the council's own update.
		T::DbWeight::get().reads_writes(12, 8)
	}
	fn set_organisation_status() -> Weight {
		T::DbWeight::get().reads_writes(12, 6)
	}
	fn set_validator() -> Weight {
		T::DbWeight::get().reads_writes(4, 4)
	}
	fn set_nodes() -> Weight {
		T::DbWeight::get().reads_writes(1, 1)
	}
	fn register_member() -> Weight {
		T::DbWeight::get().reads_writes(5, 2)
	}
	fn remove_member() -> Weight {
		T::DbWeight::get().reads_writes(3, 1)
	}
	fn set_encryption_key() -> Weight {
		T::DbWeight::get().reads_writes(1, 1)
	}
	fn authorize_upgrade() -> Weight {
		T::DbWeight::get().writes(1)
	}
	fn check_membership() -> Weight {
		T::DbWeight::get().reads_writes(3, 1)
	}
}

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
