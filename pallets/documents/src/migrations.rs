//! Storage migrations of the documents pallet.
//!
//! ## Versions
//!
//! - **0**: the layout FRAME reports for a pallet that declared none (a chain that ran the
//!   pallet before versions were declared reads 0). A commitment was unique on the chain
//!   (`ByCommitment`: commitment → document), and marking a superseded version
//!   entered-in-error overwrote its `Superseded { by }`.
//! - **1**: [`crate::ByCommitment`] is keyed by (commitment, issuing hospital), so one
//!   hospital's anchor cannot make another's fail; a superseded version marked
//!   entered-in-error keeps its link ([`crate::DocumentStatus::SupersededEnteredInError`]).
//!   [`MigrateV0ToV1`] re-keys every commitment under its document's hospital and restores
//!   the links version 0 dropped, from the successors' `previous` (which were never lost).
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
//! - [`crate::Records`] and its indexes grow with every anchored document, without bound.
//!   [`v1`] walks every record in one block, which fits the consortium's chains today (test
//!   and pilot chains); a chain with millions of documents needs the same walk as a
//!   [`SteppedMigration`](frame_support::migrations::SteppedMigration) run over several
//!   blocks by `pallet-migrations`.
//! - A [`crate::Document`] is read by the gateway, the explorer and the verifier through
//!   `DocumentsApi`; a change to its encoding changes what they decode, so they move with it
//!   (new status variants are appended, so bundles made before still decode).
//! - A lower `MaxCidLength`, `MaxMediaTypeLength` or `MaxDocumentTypeLength` in the runtime
//!   is a layout change too: stored fields longer than the new bound no longer decode.

use crate::{Config, Pallet};
use frame_support::{migrations::VersionedMigration, traits::UncheckedOnRuntimeUpgrade};

/// Version 0 to 1: commitments unique per hospital, superseded links kept.
pub type MigrateV0ToV1<T> = VersionedMigration<
	0,
	1,
	v1::UncheckedMigrateV0ToV1<T>,
	Pallet<T>,
	<T as frame_system::Config>::DbWeight,
>;

/// The layout of version 0, as far as version 1 changes it.
pub mod v0 {
	use crate::{Config, Pallet};
	use frame_support::{storage_alias, Blake2_128Concat};
	use medledger_primitives::{DocId, Hash};

	/// Version 0's index: the one document holding each commitment. (The alias's name is
	/// the stored item's: it reads the very prefix version 1 keys anew.)
	#[storage_alias]
	pub(crate) type ByCommitment<T: Config> = StorageMap<Pallet<T>, Blake2_128Concat, Hash, DocId>;
}

/// The migration to version 1.
pub mod v1 {
	use super::*;
	use crate::{ByCommitment, DocumentStatus, Records};
	use alloc::{collections::BTreeMap, vec::Vec};
	use frame_support::{traits::Get, weights::Weight};

	/// Re-keys version 0's `ByCommitment` under (commitment, hospital) and restores
	/// superseded links; run through [`MigrateV0ToV1`].
	pub struct UncheckedMigrateV0ToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateV0ToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut reads: u64 = 0;
			let mut writes: u64 = 0;
			// Each version's successor, from the successors' `previous`: version 0 kept
			// that side of the link even where it overwrote the other.
			let mut successor = BTreeMap::new();
			let mut lost_links = alloc::vec::Vec::new();
			for (id, document) in Records::<T>::iter() {
				reads += 1;
				if let Some(previous) = document.previous {
					successor.insert(previous, id);
				}
				if document.status == DocumentStatus::EnteredInError {
					lost_links.push(id);
				}
			}
			for id in lost_links {
				if let Some(&by) = successor.get(&id) {
					Records::<T>::mutate(id, |document| {
						if let Some(document) = document {
							document.status = DocumentStatus::SupersededEnteredInError { by };
						}
					});
					writes += 1;
				}
			}
			// Old and new keys share the item's prefix: every old one is taken out before
			// any new one is written, so the walk never meets a key of the new layout.
			let old: Vec<_> = super::v0::ByCommitment::<T>::drain().collect();
			for (commitment, id) in old {
				reads += 2;
				writes += 1;
				if let Some(document) = Records::<T>::get(id) {
					ByCommitment::<T>::insert(commitment, document.org, id);
					writes += 1;
				}
			}
			T::DbWeight::get().reads_writes(reads, writes)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
			use codec::Encode;
			Ok((super::v0::ByCommitment::<T>::iter_keys().count() as u64).encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			use codec::Decode;
			let before = u64::decode(&mut &state[..]).map_err(|_| "documents v1: bad pre state")?;
			frame_support::ensure!(
				ByCommitment::<T>::iter_keys().count() as u64 == before,
				"documents v1: not every commitment was re-keyed"
			);
			Pallet::<T>::do_try_state()
		}
	}
}
