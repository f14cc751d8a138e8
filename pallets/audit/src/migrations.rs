//! Storage migrations of the audit pallet.
//!
//! ## Versions
//!
//! - **0**: the layout FRAME reports for a pallet that declared none. A read's entry held
//!   the time the gateway reported in `at`.
//! - **1**: an entry holds the chain's time in `at` and, for a reported read, the reported
//!   time in a new last field, `occurred_at` ([`AuditEntry`]).
//!   [`MigrateV0ToV1`] rewrites every stored entry with `occurred_at: None` — what version 0
//!   wrote is kept as it was (a read's `at` is still its reported time). The trail's hash
//!   leaves `occurred_at` out when it is none, so no head changes: every head a patient or
//!   auditor proved before the upgrade still verifies.
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
//! [`crate::Entries`] and its indexes grow with every entry, without bound. [`v1`] rewrites
//! every entry in one block, which fits the consortium's chains today (test and pilot
//! chains); a chain with millions of entries needs the same rewrite as a
//! [`SteppedMigration`](frame_support::migrations::SteppedMigration) run over several blocks
//! by `pallet-migrations` — and the scale issue moves entries out of state altogether.

use crate::{AuditEntry, Config, Pallet};
use frame_support::{migrations::VersionedMigration, traits::UncheckedOnRuntimeUpgrade};

/// Version 0 to 1: every stored entry gains `occurred_at: None`.
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
	use crate::{AuditAction, AuditRecord, Entries, Outcome, Subject};
	use codec::{Decode, Encode};
	use frame_support::{traits::Get, weights::Weight};
	use medledger_primitives::{ConsentId, Hash, Moment, OrgId, Purpose};

	/// An entry as version 0 stored it.
	#[derive(Encode, Decode)]
	pub struct OldEntry<AccountId> {
		patient: AccountId,
		actor: AccountId,
		org: Option<OrgId>,
		action: AuditAction,
		subject: Subject,
		consent: Option<ConsentId>,
		purpose: Option<Purpose>,
		outcome: Outcome,
		at: Moment,
	}

	/// A stored entry as version 0 stored it, with the head after it.
	#[derive(Encode, Decode)]
	pub struct OldRecord<AccountId> {
		entry: OldEntry<AccountId>,
		head: Hash,
	}

	impl<AccountId> From<OldRecord<AccountId>> for AuditRecord<AccountId> {
		fn from(old: OldRecord<AccountId>) -> Self {
			let e = old.entry;
			AuditRecord {
				entry: AuditEntry {
					patient: e.patient,
					actor: e.actor,
					org: e.org,
					action: e.action,
					subject: e.subject,
					consent: e.consent,
					purpose: e.purpose,
					outcome: e.outcome,
					at: e.at,
					occurred_at: None,
				},
				head: old.head,
			}
		}
	}

	/// Rewrites [`Entries`] in the version-1 layout; run through [`MigrateV0ToV1`].
	pub struct UncheckedMigrateV0ToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateV0ToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut entries: u64 = 0;
			Entries::<T>::translate_values::<OldRecord<T::AccountId>, _>(|old| {
				entries += 1;
				Some(old.into())
			});
			T::DbWeight::get().reads_writes(entries, entries)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
			Ok((Entries::<T>::iter_keys().count() as u64).encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let before = u64::decode(&mut &state[..]).map_err(|_| "audit v1: bad pre state")?;
			frame_support::ensure!(
				Entries::<T>::iter_values().count() as u64 == before,
				"audit v1: an entry was lost or no longer decodes"
			);
			Pallet::<T>::do_try_state()
		}
	}
}
