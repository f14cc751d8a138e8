//! The chain facts a patient acts on, proved rather than told: which storage proves each
//! ([`Fact::keys_at`], for the gateway building a state proof) and the typed values a
//! verified proof holds ([`Proven`], for the patient's CLI). Both sides derive the keys
//! from the pallets' storage types here, so they cannot disagree about what is proved.

use crate::{connection::decode_all, Chain, ChainError, H256};
use codec::{Decode, DecodeAll};
use medledger_primitives::{audit::TrailHead, ConsentId, DocId, OrgId};
use medledger_runtime::{AccountId, Runtime};
use medledger_verifier::{Failure, ProvenState};
use pallet_consent::Consent;
use pallet_consortium::{MemberOf, OrganisationOf};

/// A fact a state proof is asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fact {
	/// A consent: its terms and status.
	Consent(ConsentId),
	/// A hospital and its delegate's member record (the encryption key wraps are made for).
	Organisation(OrgId),
	/// A patient's trail head.
	Trail(AccountId),
}

impl Fact {
	/// The storage key of the fact itself.
	pub fn key(&self) -> Vec<u8> {
		match self {
			Fact::Consent(id) => keys::consent(*id),
			Fact::Organisation(org) => keys::organisation(*org),
			Fact::Trail(patient) => keys::trail(patient),
		}
	}

	/// The storage keys proving this fact in the state of block `at`: its own key, the
	/// block's time ([`Proven::time`]) and, for a hospital, its delegate's member record
	/// (read there).
	pub async fn keys_at(&self, chain: &Chain, at: H256) -> Result<Vec<Vec<u8>>, ChainError> {
		let mut keys = vec![keys::now(), self.key()];
		if let Fact::Organisation(org) = self {
			if let Some(bytes) = chain.storage_at(&keys::organisation(*org), at).await? {
				let organisation: OrganisationOf<Runtime> =
					decode_all(&bytes, "Consortium.Organisations")?;
				keys.push(keys::member(&organisation.delegate));
			}
		}
		Ok(keys)
	}
}

/// Storage keys, from the pallets' storage types.
pub mod keys {
	use super::*;

	/// The block's time (`Timestamp.Now`).
	pub fn now() -> Vec<u8> {
		pallet_timestamp::Now::<Runtime>::hashed_key().to_vec()
	}
	/// Consent `id`.
	pub fn consent(id: ConsentId) -> Vec<u8> {
		pallet_consent::Consents::<Runtime>::hashed_key_for(id)
	}
	/// Hospital `org`.
	pub fn organisation(org: OrgId) -> Vec<u8> {
		pallet_consortium::Organisations::<Runtime>::hashed_key_for(org)
	}
	/// Member `who`.
	pub fn member(who: &AccountId) -> Vec<u8> {
		pallet_consortium::Members::<Runtime>::hashed_key_for(who)
	}
	/// `patient`'s trail head.
	pub fn trail(patient: &AccountId) -> Vec<u8> {
		pallet_audit::Trails::<Runtime>::hashed_key_for(patient)
	}
	/// Document `id`'s anchor record (the key the offline verifier's bundles prove).
	pub fn document(id: DocId) -> Vec<u8> {
		pallet_documents::Records::<Runtime>::hashed_key_for(id)
	}
	/// Document `id`'s entry in its rooted batch (what a format-2 bundle proves).
	pub fn in_batch(id: DocId) -> Vec<u8> {
		pallet_documents::InBatch::<Runtime>::hashed_key_for(id)
	}
	/// Rooted batch `id`'s record.
	pub fn batch(id: pallet_documents::BatchId) -> Vec<u8> {
		pallet_documents::Batches::<Runtime>::hashed_key_for(id)
	}
}

/// A verified state, read as the runtime's types.
pub struct Proven(pub ProvenState);

impl Proven {
	fn value<T: Decode>(&self, key: &[u8], what: &str) -> Result<Option<T>, Failure> {
		self.0
			.read(key)?
			.map(|bytes| {
				T::decode_all(&mut &bytes[..])
					.map_err(|_| Failure::Malformed(format!("the proved {what} does not decode")))
			})
			.transpose()
	}

	/// The block's time (Unix milliseconds).
	pub fn time(&self) -> Result<u64, Failure> {
		self.value(&keys::now(), "time")?
			.ok_or_else(|| Failure::Malformed("the proof has no block time".into()))
	}
	/// Consent `id`, if it exists.
	pub fn consent(&self, id: ConsentId) -> Result<Option<Consent<Runtime>>, Failure> {
		self.value(&keys::consent(id), "consent")
	}
	/// Hospital `org`, if it exists.
	pub fn organisation(&self, org: OrgId) -> Result<Option<OrganisationOf<Runtime>>, Failure> {
		self.value(&keys::organisation(org), "organisation")
	}
	/// Member `who`, if registered.
	pub fn member(&self, who: &AccountId) -> Result<Option<MemberOf<Runtime>>, Failure> {
		self.value(&keys::member(who), "member")
	}
	/// `patient`'s trail head (the empty head if they have no entries).
	pub fn trail(&self, patient: &AccountId) -> Result<TrailHead, Failure> {
		Ok(self.value(&keys::trail(patient), "trail head")?.unwrap_or_default())
	}
}

#[cfg(test)]
mod tests {
	#[test]
	fn a_documents_key_is_the_one_the_offline_verifier_proves() {
		for id in [0, 1, 42, u64::MAX] {
			assert_eq!(super::keys::document(id), medledger_verifier::record::storage_key(id));
		}
	}

	#[test]
	fn a_batchs_and_its_documents_keys_are_the_ones_the_offline_verifier_proves() {
		use medledger_runtime::Runtime;
		use medledger_verifier::record::{batch_key, in_batch_key};
		use pallet_documents::{Batches, InBatch};
		for id in [0, 1, 42, u64::MAX] {
			assert_eq!(Batches::<Runtime>::hashed_key_for(id), batch_key(id));
			assert_eq!(InBatch::<Runtime>::hashed_key_for(id), in_batch_key(id));
		}
	}

	#[test]
	fn a_trails_key_is_the_one_the_explorer_proves() {
		for patient in [[0u8; 32], [7; 32]] {
			let key = super::keys::trail(&patient.into());
			assert_eq!(key, medledger_verifier::state::trail_key(&patient));
		}
	}
}
