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
//! - **2**: the entries leave state. Version 1 kept every entry (`Entries`) and two indexes
//!   (`ByActor`, `ByOrganisation`) for ever: 3 writes per entry, state that grew with every
//!   read. Version 2 keeps only `Trails` (per patient: last sequence number and head); each
//!   entry is deposited whole as a `Recorded` event, and gateways index the events of
//!   finalised blocks. [`MigrateV1ToV2`] deposits every stored entry, trail by trail in
//!   sequence order, as a `Recorded` event of the upgrade block — so an index built from
//!   the blocks alone holds the whole history — and removes the three old items. Heads do
//!   not change.
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
//! [`v1`] rewrites every entry, and [`v2`] moves every entry into events, in one block: that
//! fits the consortium's chains today (test and pilot chains, thousands of entries). A chain
//! with millions of entries needs the same moves as a
//! [`SteppedMigration`](frame_support::migrations::SteppedMigration) run over several blocks
//! by `pallet-migrations`.

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
	use crate::{AuditAction, AuditRecord, Outcome, Subject};
	use codec::{Decode, Encode};
	use frame_support::{traits::Get, weights::Weight};
	use medledger_primitives::{ConsentId, Hash, Moment, OrgId, Purpose};
	use v2::old::Entries;

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

/// Version 1 to 2: the entries leave state for the upgrade block's events.
pub type MigrateV1ToV2<T> = VersionedMigration<
	1,
	2,
	v2::UncheckedMigrateV1ToV2<T>,
	Pallet<T>,
	<T as frame_system::Config>::DbWeight,
>;

/// The migration to version 2.
pub mod v2 {
	use super::*;
	use crate::{Event, Trails};
	use frame_support::{traits::Get, weights::Weight};

	/// The items version 1 kept and version 2 drops.
	pub(crate) mod old {
		use crate::{AuditRecord, Config, Pallet};
		use frame_support::{storage_alias, Blake2_128Concat, Twox64Concat};
		use medledger_primitives::OrgId;

		type AccountIdOf<T> = <T as frame_system::Config>::AccountId;

		/// Entries by patient and sequence number, each with the head after it.
		#[storage_alias]
		pub type Entries<T: Config> = StorageDoubleMap<
			Pallet<T>,
			Blake2_128Concat,
			AccountIdOf<T>,
			Twox64Concat,
			u64,
			AuditRecord<AccountIdOf<T>>,
		>;

		/// The entries each account made.
		#[storage_alias]
		pub type ByActor<T: Config> = StorageDoubleMap<
			Pallet<T>,
			Blake2_128Concat,
			AccountIdOf<T>,
			Blake2_128Concat,
			(AccountIdOf<T>, u64),
			(),
		>;

		/// The entries each organisation's staff made.
		#[storage_alias]
		pub type ByOrganisation<T: Config> = StorageDoubleMap<
			Pallet<T>,
			Twox64Concat,
			OrgId,
			Blake2_128Concat,
			(AccountIdOf<T>, u64),
			(),
		>;
	}

	/// Deposits every stored entry as a `Recorded` event and removes the old items; run
	/// through [`MigrateV1ToV2`].
	pub struct UncheckedMigrateV1ToV2<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateV1ToV2<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut moved: u64 = 0;
			let mut trails: u64 = 0;
			// Trail by trail, in sequence order: the order an index appends them in.
			for (patient, trail) in Trails::<T>::iter() {
				trails += 1;
				for seq in 1..=trail.seq {
					if let Some(record) = old::Entries::<T>::take(&patient, seq) {
						moved += 1;
						Pallet::<T>::deposit_event(Event::Recorded { seq, record });
					}
				}
			}
			// An entry outside its trail (none, if version 1's try-state held) goes too.
			let stray = old::Entries::<T>::clear(u32::MAX, None).unique;
			let actors = old::ByActor::<T>::clear(u32::MAX, None).unique;
			let orgs = old::ByOrganisation::<T>::clear(u32::MAX, None).unique;
			let removed = moved + u64::from(stray + actors + orgs);
			T::DbWeight::get().reads_writes(trails + removed, removed)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
			use codec::Encode;
			let trails: alloc::vec::Vec<_> = Trails::<T>::iter().collect();
			let entries: u64 = trails.iter().map(|(_, t)| t.seq).sum();
			frame_support::ensure!(
				old::Entries::<T>::iter_keys().count() as u64 == entries,
				"audit v2: the entries are not exactly the trails' entries"
			);
			Ok(trails.encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			use codec::Decode;
			let before: alloc::vec::Vec<(T::AccountId, crate::TrailHead)> =
				Decode::decode(&mut &state[..]).map_err(|_| "audit v2: bad pre state")?;
			for (patient, trail) in &before {
				frame_support::ensure!(
					Trails::<T>::get(patient) == *trail,
					"audit v2: a trail head changed"
				);
			}
			frame_support::ensure!(
				old::Entries::<T>::iter_keys().next().is_none()
					&& old::ByActor::<T>::iter_keys().next().is_none()
					&& old::ByOrganisation::<T>::iter_keys().next().is_none(),
				"audit v2: an old item is left in state"
			);
			Pallet::<T>::do_try_state()
		}
	}
}
