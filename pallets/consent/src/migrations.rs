//! Storage migrations of the consent pallet.
//!
//! ## Versions
//!
//! - **0**: the layout FRAME reports for a pallet that declared none (a chain that ran the
//!   pallet before versions were declared reads 0).
//! - **1**: the chain bounds and ends consents by itself. New items: the index
//!   [`crate::ByPatientOrganisation`] (what access checks walk), the open-request counts
//!   [`crate::Pending`], the queue [`crate::Deadlines`] with its cursor
//!   [`crate::NextDeadline`], and the break-glass bars and counts ([`crate::BreakGlassHolds`],
//!   [`crate::BreakGlassUses`]). [`MigrateV0ToV1`] fills the first three from the consents a
//!   chain already holds — and ends at once those already due (grants past their window,
//!   requests past their lifetime), as the chain would have; the break-glass items start
//!   empty (no bar or count existed).
//!
//! ## How the next layout change goes
//!
//! Raise `STORAGE_VERSION` (in `lib.rs`), add a module `vN` like [`v1`] — an
//! [`UncheckedOnRuntimeUpgrade`](frame_support::traits::UncheckedOnRuntimeUpgrade) that
//! rewrites the items and returns its weight, with `pre_upgrade`/`post_upgrade` checks under
//! `try-runtime` ending on `Pallet::do_try_state` — and export it wrapped in
//! [`VersionedMigration`](frame_support::migrations::VersionedMigration), so it runs once,
//! only on the version it expects. List it in the runtime's migrations for the release that
//! brings the change, and drop it once every chain has upgraded.
//!
//! ## What to watch in this pallet
//!
//! - [`crate::Consents`] and its indexes grow with every consent, without bound. [`v1`]
//!   walks every consent in one block, which fits the consortium's chains today (test and
//!   pilot chains, thousands of consents at most); a chain with millions needs the same
//!   walk as a [`SteppedMigration`](frame_support::migrations::SteppedMigration) run over
//!   several blocks by `pallet-migrations`.
//! - A lower `MaxGrantsPerOrganisation`, `MaxWraps` or `MaxScopeItems` in the runtime is a
//!   layout change too: stored bounded vectors longer than the new bound no longer decode.

use crate::{Config, Pallet};
use frame_support::{migrations::VersionedMigration, traits::UncheckedOnRuntimeUpgrade};

/// Version 0 to 1: fills the index by (patient, hospital), the open-request counts and the
/// deadlines from the consents already held.
pub type MigrateV0ToV1<T> = VersionedMigration<
	0,
	1,
	v1::UncheckedMigrateV0ToV1<T>,
	Pallet<T>,
	<T as frame_system::Config>::DbWeight,
>;

/// The migration to version 1.
pub mod v1 {
	use super::*;
	use crate::{ByPatientOrganisation, ConsentStatus, Consents, Pending};
	use frame_support::{traits::Get, weights::Weight};

	/// Fills the version-1 items from [`Consents`]; run through [`MigrateV0ToV1`].
	pub struct UncheckedMigrateV0ToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateV0ToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut consents: u64 = 0;
			let mut writes: u64 = 0;
			// What is already due is ended here, as the chain would have: queued at its own
			// minute, months back, it would hold every new deadline behind an
			// hour-per-block catch-up.
			let now = pallet_audit::Pallet::<T>::now();
			let mut due_now = alloc::vec::Vec::new();
			for (id, consent) in Consents::<T>::iter() {
				consents += 1;
				ByPatientOrganisation::<T>::insert((&consent.patient, consent.org, id), ());
				writes += 1;
				if consent.status == ConsentStatus::Requested {
					Pending::<T>::mutate(&consent.patient, consent.org, |open| *open += 1);
					writes += 1;
				}
				match Pallet::<T>::deadline(&consent) {
					Some(due) if due <= now => due_now.push(id),
					Some(due) => {
						Pallet::<T>::schedule(id, due);
						writes += 2;
					}
					None => {}
				}
			}
			let ended = due_now.into_iter().fold(Weight::zero(), |weight, id| {
				weight.saturating_add(Pallet::<T>::end_if_due(id, now))
			});
			T::DbWeight::get()
				.reads_writes(consents.saturating_mul(2), writes)
				.saturating_add(ended)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
			use codec::Encode;
			Ok((Consents::<T>::iter_keys().count() as u64).encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			use codec::Decode;
			let before = u64::decode(&mut &state[..]).map_err(|_| "consent v1: bad pre state")?;
			frame_support::ensure!(
				ByPatientOrganisation::<T>::iter_keys().count() as u64 == before,
				"consent v1: not every consent was indexed by patient and hospital"
			);
			Pallet::<T>::do_try_state()
		}
	}
}
