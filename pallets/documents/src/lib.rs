//! # Documents pallet
//!
//! Anchors of medical documents: what a hospital wrote about a patient, proven to exist,
//! unaltered, since a finalised block, without putting anything readable on chain.
//!
//! ## Model
//!
//! - A [`Document`] is one version of a medical document. It names the patient, the issuing
//!   organisation and the author; holds a **salted commitment** of the issuing hospital, a
//!   salt and the plaintext ([`medledger_primitives::commitment`], opaque here), never a
//!   bare hash (which would let anyone confirm a guessed document); the IPFS CID of the *encrypted*
//!   file (raw or dag-pb, SHA2-256; see [`medledger_primitives::validate_cid`]); the
//!   plaintext's size, media type and a document-type code (a LOINC or FHIR code such as
//!   `34133-9`); when it was anchored; its status; and the version it supersedes. The salt
//!   travels inside the encrypted envelope, so whoever can read the document can prove it.
//! - Documents are never deleted. [`Pallet::amend`] anchors a new version and marks the old
//!   one `Superseded` (pointing to its successor); [`Pallet::mark_entered_in_error`] marks a
//!   version `EnteredInError` (FHIR's status for a record that should never have been made)
//!   and keeps the link to its successor if it had one
//!   ([`DocumentStatus::SupersededEnteredInError`]), so a version chain is never cut.
//! - Ids are assigned in order from 1. A hospital anchors a commitment only once, so a
//!   retried upload cannot create a second record. Uniqueness is per (commitment, issuing
//!   hospital), not per commitment: a hospital that copies another's commitment from the
//!   transaction pool and anchors it first gets a record of its own (in the patient's trail
//!   under its own name) and cannot make the other's anchor fail ([`ByCommitment`]).
//!
//! ## Who may do what
//!
//! - Clinicians and administrators of an active hospital anchor documents for any active
//!   patient: hospitals record the care they give, and each anchor lands in the patient's
//!   audit trail, which the patient sees. [`Pallet::anchor_batch`] anchors up to
//!   `MaxBatchSize` documents in one extrinsic, all or none, each with a record of its own;
//!   [`Pallet::anchor_rooted_batch`] anchors as many under one Merkle root (below).
//! - The issuing hospital's staff amend its documents and mark them entered-in-error. Staff of
//!   another hospital may amend a document when the patient granted their hospital `Write`
//!   access to it (asked of [`Config::WriteConsent`], i.e. the consent pallet); the new
//!   version is then issued by their hospital.
//! - Every change writes an entry into the patient's audit trail (`pallet-audit`).
//!
//! ## Rooted batches
//!
//! A batch anchored by [`Pallet::anchor_rooted_batch`] keeps one [`Batch`] record — the root
//! of a Merkle tree ([`medledger_primitives::merkle`]) over its documents' [`leaf`]s, the
//! first id, the count, the issuer and the time — instead of a full record per document.
//! Of each document the state keeps only what the runtime itself checks: its commitment in
//! [`ByCommitment`] (a hospital anchors a commitment once) and a [`BatchedDocument`] with the
//! patient, issuer, type code and status that consent checks, amendments and the audit trail
//! read ([`Pallet::facts`], the same for both kinds). The rest — commitment, CID, size, media
//! type — is in the leaf, which is in the block's call data; a proof of the document is its
//! leaf, the leaf's path to the root and a storage proof of the batch's record.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

pub mod migrations;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use weights::WeightInfo;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::*, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use frame_system::pallet_prelude::*;
use medledger_primitives::{
	audit::{AuditAction, AuditEntry, Outcome, Subject},
	merkle, validate_cid, ConsentId, DocId, Hash, Moment, OrgId,
};
use pallet_audit::SubjectOwner;
use pallet_consortium::{MemberStatus, Role, Standing};
use scale_info::TypeInfo;

/// Most items a query returns in one page (one limit for every list, in primitives).
pub use medledger_primitives::MAX_PAGE;

/// Identifies a rooted batch. Assigned in order of anchoring, starting at 1.
pub type BatchId = u64;

/// Lifecycle of a document version.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum DocumentStatus {
	/// The current version.
	Current,
	/// Replaced by a newer version.
	Superseded {
		/// The version that replaced it.
		by: DocId,
	},
	/// Should never have been recorded (wrong patient, wrong file). Kept, never deleted.
	EnteredInError,
	/// Replaced by a newer version, then marked entered-in-error: both hold, and the link to
	/// the newer version stays. (A variant of its own rather than a field of
	/// `EnteredInError`, so records and proof bundles encoded before it still decode.)
	SupersededEnteredInError {
		/// The version that replaced it.
		by: DocId,
	},
}

impl DocumentStatus {
	/// The newer version that replaced this one, if any.
	pub fn superseded_by(&self) -> Option<DocId> {
		match self {
			Self::Superseded { by } | Self::SupersededEnteredInError { by } => Some(*by),
			Self::Current | Self::EnteredInError => None,
		}
	}

	/// Whether the version was marked entered-in-error.
	pub fn is_entered_in_error(&self) -> bool {
		matches!(self, Self::EnteredInError | Self::SupersededEnteredInError { .. })
	}
}

/// A document as a hospital submits it for anchoring.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub struct NewDocument<AccountId> {
	/// Whose record it is.
	pub patient: AccountId,
	/// The salted commitment ([`medledger_primitives::commitment`]).
	pub commitment: Hash,
	/// Binary CID of the encrypted file on IPFS.
	pub cid: Vec<u8>,
	/// Size of the plaintext, in bytes.
	pub size: u64,
	/// Media type of the plaintext, e.g. `application/fhir+json` or `application/pdf`.
	pub media_type: Vec<u8>,
	/// Kind of document: a LOINC or FHIR code, e.g. `34133-9` (summary of episode note).
	pub document_type: Vec<u8>,
}

/// One anchored document version.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
pub struct Document<T: Config> {
	/// Whose record it is.
	pub patient: T::AccountId,
	/// The issuing organisation.
	pub org: OrgId,
	/// The staff member who anchored it.
	pub author: T::AccountId,
	/// The salted commitment ([`medledger_primitives::commitment`]).
	pub commitment: Hash,
	/// Binary CID of the encrypted file on IPFS.
	pub cid: BoundedVec<u8, T::MaxCidLength>,
	/// Size of the plaintext, in bytes.
	pub size: u64,
	/// Media type of the plaintext.
	pub media_type: BoundedVec<u8, T::MaxMediaTypeLength>,
	/// LOINC or FHIR document-type code.
	pub document_type: BoundedVec<u8, T::MaxDocumentTypeLength>,
	/// When it was anchored (milliseconds since the Unix epoch).
	pub created_at: Moment,
	/// Current, superseded or entered-in-error.
	pub status: DocumentStatus,
	/// The version this one supersedes.
	pub previous: Option<DocId>,
}

/// A batch of documents anchored under one Merkle root ([`Pallet::anchor_rooted_batch`]).
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
pub struct Batch<T: Config> {
	/// The root of the Merkle tree over the documents' [`leaf`]s, in id order.
	pub root: Hash,
	/// The first document's id; the others follow it, one by one.
	pub first: DocId,
	/// How many documents the batch holds.
	pub count: u32,
	/// The issuing organisation.
	pub org: OrgId,
	/// The staff member who anchored it.
	pub author: T::AccountId,
	/// When it was anchored (milliseconds since the Unix epoch).
	pub created_at: Moment,
}

/// What the state keeps of a document of a rooted batch: what the runtime checks.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
pub struct BatchedDocument<T: Config> {
	/// The batch whose root holds its leaf.
	pub batch: BatchId,
	/// Whose record it is.
	pub patient: T::AccountId,
	/// The issuing organisation.
	pub org: OrgId,
	/// LOINC or FHIR document-type code.
	pub document_type: BoundedVec<u8, T::MaxDocumentTypeLength>,
	/// Current, superseded or entered-in-error.
	pub status: DocumentStatus,
}

impl<T: Config> Document<T> {
	/// The record of a document of a rooted batch, as if anchored alone: what the state keeps
	/// of it (`entry`), its batch's record and its leaf's document — which the state does not
	/// keep: a gateway's index has it from the call. `None` if they are not of one document
	/// (another patient or issuer, or a field longer than a record holds).
	pub fn of_batched(
		entry: BatchedDocument<T>,
		batch: Batch<T>,
		document: NewDocument<T::AccountId>,
	) -> Option<Self> {
		let same_type = entry.document_type[..] == document.document_type[..];
		if entry.patient != document.patient || entry.org != batch.org || !same_type {
			return None;
		}
		Some(Document {
			patient: entry.patient,
			org: entry.org,
			author: batch.author,
			commitment: document.commitment,
			cid: document.cid.try_into().ok()?,
			size: document.size,
			media_type: document.media_type.try_into().ok()?,
			document_type: entry.document_type,
			created_at: batch.created_at,
			status: entry.status,
			// A rooted batch holds first versions only.
			previous: None,
		})
	}
}

/// What consent checks, amendments and the audit trail read of a document, whether it was
/// anchored with a record of its own or in a rooted batch.
#[derive(CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
pub struct Facts<T: Config> {
	/// Whose record it is.
	pub patient: T::AccountId,
	/// The issuing organisation.
	pub org: OrgId,
	/// LOINC or FHIR document-type code.
	pub document_type: BoundedVec<u8, T::MaxDocumentTypeLength>,
	/// Current, superseded or entered-in-error.
	pub status: DocumentStatus,
}

impl<T: Config> From<Document<T>> for Facts<T> {
	fn from(d: Document<T>) -> Self {
		Facts { patient: d.patient, org: d.org, document_type: d.document_type, status: d.status }
	}
}

impl<T: Config> From<BatchedDocument<T>> for Facts<T> {
	fn from(d: BatchedDocument<T>) -> Self {
		Facts { patient: d.patient, org: d.org, document_type: d.document_type, status: d.status }
	}
}

/// The content of document `id`'s leaf in a rooted batch of `org`: SCALE of `(id, org,
/// document)` — the id binds the leaf to its place, the issuer to its hospital. Its hash in
/// the tree is [`medledger_primitives::merkle::leaf_hash`] of these bytes.
pub fn leaf<AccountId: Encode>(
	id: DocId,
	org: OrgId,
	document: &NewDocument<AccountId>,
) -> Vec<u8> {
	(id, org, document).encode()
}

/// Whether a patient let another hospital write (amend) one of their documents; the consent
/// pallet answers in the runtime.
pub trait WriteConsent<AccountId> {
	/// The consent under which `org` may amend `document` (of `patient`, with this type code).
	fn write_consent(
		org: OrgId,
		patient: &AccountId,
		document: DocId,
		document_type: &[u8],
	) -> Option<ConsentId>;

	/// Makes [`Self::write_consent`] allow `org` to write `patient`'s documents, for
	/// benchmarks.
	#[cfg(feature = "runtime-benchmarks")]
	fn allow_for_benchmark(org: OrgId, patient: &AccountId);
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	/// The layout of this pallet's storage; [`crate::migrations`] brings a chain from each
	/// earlier one.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		frame_system::Config<RuntimeEvent: From<Event<Self>>> + pallet_audit::Config
	{
		/// Patients' write consents to other hospitals.
		type WriteConsent: WriteConsent<Self::AccountId>;

		/// Longest binary CID accepted (a SHA2-256 CIDv1 has 36 bytes).
		#[pallet::constant]
		type MaxCidLength: Get<u32>;

		/// Longest media type, in bytes.
		#[pallet::constant]
		type MaxMediaTypeLength: Get<u32>;

		/// Longest document-type code, in bytes.
		#[pallet::constant]
		type MaxDocumentTypeLength: Get<u32>;

		/// Most documents in one [`Pallet::anchor_batch`].
		#[pallet::constant]
		type MaxBatchSize: Get<u32>;

		/// Most documents in one [`Pallet::anchor_rooted_batch`] (each writes less than one
		/// of `anchor_batch`, so more fit the same share of a block).
		#[pallet::constant]
		type MaxRootedBatchSize: Get<u32>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// Documents by id.
	#[pallet::storage]
	pub type Records<T: Config> = StorageMap<_, Twox64Concat, DocId, Document<T>>;

	/// How many documents were anchored; the next id is this plus one.
	#[pallet::storage]
	pub type DocumentCount<T: Config> = StorageValue<_, DocId, ValueQuery>;

	/// The document holding each commitment, per issuing hospital: refuses a hospital's
	/// second anchor of a commitment, finds a hospital's upload by it. Keyed by commitment
	/// first, so every hospital's anchor of one commitment is one prefix (at most
	/// `MaxOrganisations` keys).
	#[pallet::storage]
	pub type ByCommitment<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, Hash, Twox64Concat, OrgId, DocId>;

	/// Index: each patient's documents.
	#[pallet::storage]
	pub type ByPatient<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, DocId, ()>;

	/// Index: each organisation's documents.
	#[pallet::storage]
	pub type ByOrganisation<T: Config> =
		StorageDoubleMap<_, Twox64Concat, OrgId, Twox64Concat, DocId, ()>;

	/// Rooted batches by id.
	#[pallet::storage]
	pub type Batches<T: Config> = StorageMap<_, Twox64Concat, BatchId, Batch<T>>;

	/// How many rooted batches were anchored; the next id is this plus one.
	#[pallet::storage]
	pub type BatchCount<T: Config> = StorageValue<_, BatchId, ValueQuery>;

	/// The documents of rooted batches, by id: what the runtime checks of each.
	#[pallet::storage]
	pub type InBatch<T: Config> = StorageMap<_, Twox64Concat, DocId, BatchedDocument<T>>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	// Each variant's doc tells what its fields are; they are the event's named data.
	#[allow(missing_docs)]
	pub enum Event<T: Config> {
		/// A hospital anchored a document for a patient.
		Anchored { id: DocId, patient: T::AccountId, org: OrgId, author: T::AccountId },
		/// A new version superseded a document.
		Amended { previous: DocId, id: DocId },
		/// A document was marked entered-in-error.
		MarkedEnteredInError { id: DocId },
		/// A hospital anchored documents `first .. first + count` under one Merkle root.
		BatchAnchored { batch: BatchId, first: DocId, count: u32, root: Hash, org: OrgId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Only clinicians and administrators of an active hospital anchor documents.
		NotHospitalStaff,
		/// The account named as patient is not an active patient.
		UnknownPatient,
		/// The CID is longer than `MaxCidLength`.
		CidTooLong,
		/// The CID is not a binary CID of a raw or dag-pb file hashed with SHA2-256.
		InvalidCid,
		/// The media type is empty.
		MissingMediaType,
		/// The media type is longer than `MaxMediaTypeLength`.
		MediaTypeTooLong,
		/// The document-type code is empty.
		MissingDocumentType,
		/// The document-type code is longer than `MaxDocumentTypeLength`.
		DocumentTypeTooLong,
		/// This hospital already anchored a document with this commitment.
		DuplicateAnchor,
		/// A batch must hold at least one document.
		EmptyBatch,
		/// A batch holds more than `MaxBatchSize` documents (`MaxRootedBatchSize` under a root).
		BatchTooLarge,
		/// No document has this id.
		UnknownDocument,
		/// Only a current version can be amended.
		NotCurrent,
		/// The new version must be of the same patient.
		NotTheSamePatient,
		/// Only the issuing hospital, or one the patient granted write access, may amend.
		NoWriteAccess,
		/// Only the issuing hospital marks its documents entered-in-error.
		NotIssuingOrganisation,
		/// The document is already marked entered-in-error.
		AlreadyEnteredInError,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Anchor one document.
		#[pallet::call_index(0)]
		#[pallet::weight(<T as Config>::WeightInfo::anchor())]
		pub fn anchor(origin: OriginFor<T>, document: NewDocument<T::AccountId>) -> DispatchResult {
			let (author, org) = Self::ensure_staff(origin)?;
			let record = Self::validate(&author, org, &document, None)?;
			Self::insert(record);
			Ok(())
		}

		/// Anchor up to `MaxBatchSize` documents, all or none.
		#[pallet::call_index(1)]
		#[pallet::weight(<T as Config>::WeightInfo::anchor_batch(
			(documents.len() as u32).min(T::MaxBatchSize::get())
		))]
		pub fn anchor_batch(
			origin: OriginFor<T>,
			documents: Vec<NewDocument<T::AccountId>>,
		) -> DispatchResult {
			let (author, org) = Self::ensure_staff(origin)?;
			ensure!(!documents.is_empty(), Error::<T>::EmptyBatch);
			ensure!(documents.len() as u32 <= T::MaxBatchSize::get(), Error::<T>::BatchTooLarge);
			for document in documents {
				// A failure rolls back the documents inserted before it: the call is
				// transactional.
				let record = Self::validate(&author, org, &document, None)?;
				Self::insert(record);
			}
			Ok(())
		}

		/// Anchor a new version of `previous`, which becomes superseded.
		#[pallet::call_index(2)]
		#[pallet::weight(<T as Config>::WeightInfo::amend())]
		pub fn amend(
			origin: OriginFor<T>,
			previous: DocId,
			document: NewDocument<T::AccountId>,
		) -> DispatchResult {
			let (author, org) = Self::ensure_staff(origin)?;
			let old = Self::facts(previous).ok_or(Error::<T>::UnknownDocument)?;
			ensure!(old.status == DocumentStatus::Current, Error::<T>::NotCurrent);
			ensure!(old.patient == document.patient, Error::<T>::NotTheSamePatient);
			let consent = if old.org == org {
				None
			} else {
				Some(
					T::WriteConsent::write_consent(org, &old.patient, previous, &old.document_type)
						.ok_or(Error::<T>::NoWriteAccess)?,
				)
			};
			let record = Self::validate(&author, org, &document, Some(previous))?;
			let id = Self::insert(record);
			Self::set_status(previous, DocumentStatus::Superseded { by: id });
			Self::audit(&old.patient, &author, org, AuditAction::Update, previous, consent);
			Self::deposit_event(Event::Amended { previous, id });
			Ok(())
		}

		/// Mark a document entered-in-error. It stays on chain with that status.
		#[pallet::call_index(3)]
		#[pallet::weight(<T as Config>::WeightInfo::mark_entered_in_error())]
		pub fn mark_entered_in_error(origin: OriginFor<T>, id: DocId) -> DispatchResult {
			let (author, org) = Self::ensure_staff(origin)?;
			let document = Self::facts(id).ok_or(Error::<T>::UnknownDocument)?;
			ensure!(document.org == org, Error::<T>::NotIssuingOrganisation);
			let status = match document.status {
				DocumentStatus::Current => DocumentStatus::EnteredInError,
				DocumentStatus::Superseded { by } => {
					DocumentStatus::SupersededEnteredInError { by }
				}
				DocumentStatus::EnteredInError
				| DocumentStatus::SupersededEnteredInError { .. } => {
					return Err(Error::<T>::AlreadyEnteredInError.into())
				}
			};
			Self::set_status(id, status);
			Self::audit(&document.patient, &author, org, AuditAction::Update, id, None);
			Self::deposit_event(Event::MarkedEnteredInError { id });
			Ok(())
		}

		/// Anchor up to `MaxRootedBatchSize` documents under one Merkle root, all or none: the
		/// state keeps one [`Batch`] record, and of each document its commitment (against a
		/// second anchor) and a [`BatchedDocument`]. Documents get ids in the order given.
		#[pallet::call_index(4)]
		#[pallet::weight(<T as Config>::WeightInfo::anchor_rooted_batch(
			(documents.len() as u32).min(T::MaxRootedBatchSize::get())
		))]
		pub fn anchor_rooted_batch(
			origin: OriginFor<T>,
			documents: Vec<NewDocument<T::AccountId>>,
		) -> DispatchResult {
			let (author, org) = Self::ensure_staff(origin)?;
			ensure!(!documents.is_empty(), Error::<T>::EmptyBatch);
			let count = documents.len() as u32;
			ensure!(count <= T::MaxRootedBatchSize::get(), Error::<T>::BatchTooLarge);
			let first = DocumentCount::<T>::get() + 1;
			let batch = BatchCount::<T>::mutate(|n| {
				*n += 1;
				*n
			});
			let mut leaves = Vec::with_capacity(documents.len());
			for (id, document) in (first..).zip(documents) {
				// A failure rolls back the documents stored before it: the call is
				// transactional.
				let record = Self::validate(&author, org, &document, None)?;
				leaves.push(merkle::leaf_hash(&leaf(id, org, &document)));
				ByCommitment::<T>::insert(record.commitment, org, id);
				let stored = BatchedDocument {
					batch,
					patient: record.patient.clone(),
					org,
					document_type: record.document_type,
					status: DocumentStatus::Current,
				};
				InBatch::<T>::insert(id, stored);
				Self::audit(&record.patient, &author, org, AuditAction::Create, id, None);
				// As for a document anchored alone: followers (notifications, key wraps, the
				// explorer) learn of each document.
				Self::deposit_event(Event::Anchored {
					id,
					patient: record.patient,
					org,
					author: author.clone(),
				});
			}
			DocumentCount::<T>::put(first + DocId::from(count) - 1);
			let root = merkle::root(&leaves);
			let created_at = pallet_audit::Pallet::<T>::now();
			Batches::<T>::insert(batch, Batch { root, first, count, org, author, created_at });
			Self::deposit_event(Event::BatchAnchored { batch, first, count, root, org });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// A document's own record (`None` for a document of a rooted batch: see [`Self::facts`]).
	pub fn document(id: DocId) -> Option<Document<T>> {
		Records::<T>::get(id)
	}

	/// A document's patient, issuer, type code and status, however it was anchored.
	pub fn facts(id: DocId) -> Option<Facts<T>> {
		Records::<T>::get(id).map(Facts::from).or_else(|| InBatch::<T>::get(id).map(Facts::from))
	}

	/// A rooted batch's record.
	pub fn batch(id: BatchId) -> Option<Batch<T>> {
		Batches::<T>::get(id)
	}

	/// A document of a rooted batch, with its batch's record.
	pub fn batched(id: DocId) -> Option<(BatchedDocument<T>, Batch<T>)> {
		let document = InBatch::<T>::get(id)?;
		let batch = Batches::<T>::get(document.batch)?;
		Some((document, batch))
	}

	/// The document holding `commitment` that `org` anchored.
	pub fn document_id(commitment: &Hash, org: OrgId) -> Option<DocId> {
		ByCommitment::<T>::get(commitment, org)
	}

	/// Sets an existing document's status, where its kind keeps it.
	fn set_status(id: DocId, status: DocumentStatus) {
		if Records::<T>::contains_key(id) {
			Records::<T>::mutate_extant(id, |d| d.status = status);
		} else {
			InBatch::<T>::mutate_extant(id, |d| d.status = status);
		}
	}

	/// A patient's documents after `after` (exclusive), in index order, at most `limit`
	/// (≤ [`MAX_PAGE`]).
	pub fn by_patient(
		patient: &T::AccountId,
		after: Option<DocId>,
		limit: u32,
	) -> Vec<(DocId, Document<T>)> {
		let ids = pallet_audit::keys_after::<ByPatient<T>, _, _>(patient, after);
		Self::resolve(ids, limit)
	}

	/// An organisation's documents after `after` (exclusive), in index order, at most `limit`
	/// (≤ [`MAX_PAGE`]).
	pub fn by_organisation(
		org: OrgId,
		after: Option<DocId>,
		limit: u32,
	) -> Vec<(DocId, Document<T>)> {
		let ids = pallet_audit::keys_after::<ByOrganisation<T>, _, _>(&org, after);
		Self::resolve(ids, limit)
	}

	/// Every hospital's document holding `commitment` (at most one per hospital).
	pub fn by_commitment(commitment: &Hash) -> Vec<(DocId, Document<T>)> {
		let ids = ByCommitment::<T>::iter_prefix_values(commitment);
		Self::resolve(ids, MAX_PAGE)
	}

	fn resolve(ids: impl Iterator<Item = DocId>, limit: u32) -> Vec<(DocId, Document<T>)> {
		ids.take(limit.min(MAX_PAGE) as usize)
			.filter_map(|id| Records::<T>::get(id).map(|d| (id, d)))
			.collect()
	}

	fn ensure_staff(origin: OriginFor<T>) -> Result<(T::AccountId, OrgId), DispatchError> {
		let who = ensure_signed(origin)?;
		match pallet_consortium::Pallet::<T>::standing(&who) {
			Standing::Member(Role::Clinician(org) | Role::OrgAdmin(org)) => Ok((who, org)),
			_ => Err(Error::<T>::NotHospitalStaff.into()),
		}
	}

	/// Checks a submitted document and builds its record.
	fn validate(
		author: &T::AccountId,
		org: OrgId,
		document: &NewDocument<T::AccountId>,
		previous: Option<DocId>,
	) -> Result<Document<T>, DispatchError> {
		let is_patient = pallet_consortium::Members::<T>::get(&document.patient)
			.is_some_and(|m| m.role == Role::Patient && m.status == MemberStatus::Active);
		ensure!(is_patient, Error::<T>::UnknownPatient);
		let cid: BoundedVec<_, _> =
			document.cid.clone().try_into().map_err(|_| Error::<T>::CidTooLong)?;
		validate_cid(&cid).map_err(|_| Error::<T>::InvalidCid)?;
		ensure!(!document.media_type.is_empty(), Error::<T>::MissingMediaType);
		let media_type =
			document.media_type.clone().try_into().map_err(|_| Error::<T>::MediaTypeTooLong)?;
		ensure!(!document.document_type.is_empty(), Error::<T>::MissingDocumentType);
		let document_type = document
			.document_type
			.clone()
			.try_into()
			.map_err(|_| Error::<T>::DocumentTypeTooLong)?;
		ensure!(
			!ByCommitment::<T>::contains_key(document.commitment, org),
			Error::<T>::DuplicateAnchor
		);
		Ok(Document {
			patient: document.patient.clone(),
			org,
			author: author.clone(),
			commitment: document.commitment,
			cid,
			size: document.size,
			media_type,
			document_type,
			created_at: pallet_audit::Pallet::<T>::now(),
			status: DocumentStatus::Current,
			previous,
		})
	}

	/// Stores a validated record under the next id, with its indexes and audit entry.
	fn insert(record: Document<T>) -> DocId {
		let id = DocumentCount::<T>::mutate(|count| {
			*count += 1;
			*count
		});
		ByCommitment::<T>::insert(record.commitment, record.org, id);
		ByPatient::<T>::insert(&record.patient, id, ());
		ByOrganisation::<T>::insert(record.org, id, ());
		Self::audit(&record.patient, &record.author, record.org, AuditAction::Create, id, None);
		Self::deposit_event(Event::Anchored {
			id,
			patient: record.patient.clone(),
			org: record.org,
			author: record.author.clone(),
		});
		Records::<T>::insert(id, record);
		id
	}

	fn audit(
		patient: &T::AccountId,
		actor: &T::AccountId,
		org: OrgId,
		action: AuditAction,
		id: DocId,
		consent: Option<ConsentId>,
	) {
		pallet_audit::Pallet::<T>::record(AuditEntry {
			patient: patient.clone(),
			actor: actor.clone(),
			org: Some(org),
			action,
			subject: Subject::Document(id),
			consent,
			purpose: None,
			outcome: Outcome::Success,
			at: pallet_audit::Pallet::<T>::now(),
			occurred_at: None,
		});
	}
}

#[cfg(any(test, feature = "try-runtime"))]
impl<T: Config> Pallet<T> {
	/// Checks the anchors and their indexes, which queries and duplicate checks trust:
	///
	/// - The ids in use are exactly `1..=DocumentCount` (ids are given in order and documents
	///   are never removed), each kept once: a record of its own or an entry of a rooted
	///   batch, which lies in that batch's ids, of that batch's issuer; a batch's ids are
	///   exactly its documents, and the batches are exactly `1..=BatchCount`.
	/// - Each document with a record is in [`ByCommitment`] under its commitment, in
	///   [`ByPatient`] under its patient and in [`ByOrganisation`] under its organisation;
	///   each key of those indexes names a document with that commitment (a batched one's is
	///   in its leaf, off the state: only its issuer is checked), patient or organisation.
	/// - Each batch holds one to `MaxRootedBatchSize` documents, within `1..=BatchCount`.
	/// - Versions link both ways: a document superseded by `by` (whether or not since marked
	///   entered-in-error) is older than `by`, whose `previous` names it; a document's
	///   `previous` is an older document of the same patient, superseded by it.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let count = DocumentCount::<T>::get();
		let mut documents: DocId = 0;
		for (id, document) in Records::<T>::iter() {
			ensure!((1..=count).contains(&id), "documents: an id is beyond DocumentCount");
			ensure!(
				!InBatch::<T>::contains_key(id),
				"documents: an id has both a record and a batch entry"
			);
			ensure!(
				ByCommitment::<T>::get(document.commitment, document.org) == Some(id),
				"documents: a document is missing from the by-commitment index"
			);
			ensure!(
				ByPatient::<T>::contains_key(&document.patient, id),
				"documents: a document is missing from the by-patient index"
			);
			ensure!(
				ByOrganisation::<T>::contains_key(document.org, id),
				"documents: a document is missing from the by-organisation index"
			);
			Self::check_versions(id, &document.patient, &document.status, document.previous)?;
			documents += 1;
		}
		let batches = BatchCount::<T>::get();
		let mut held = alloc::collections::BTreeMap::<BatchId, u32>::new();
		for (id, document) in InBatch::<T>::iter() {
			ensure!((1..=count).contains(&id), "documents: an id is beyond DocumentCount");
			let batch = Batches::<T>::get(document.batch)
				.ok_or("documents: a batched document's batch does not exist")?;
			ensure!(
				(batch.first..batch.first + DocId::from(batch.count)).contains(&id)
					&& batch.org == document.org,
				"documents: a batched document lies outside its batch or names another issuer"
			);
			Self::check_versions(id, &document.patient, &document.status, None)?;
			*held.entry(document.batch).or_default() += 1;
			documents += 1;
		}
		// Every id found lies in `1..=count` and is kept once, so as many documents as
		// `count` leave no gap.
		ensure!(documents == count, "documents: an id up to DocumentCount has no document");
		let mut found: BatchId = 0;
		for (id, batch) in Batches::<T>::iter() {
			ensure!((1..=batches).contains(&id), "documents: a batch id is beyond BatchCount");
			ensure!(
				(1..=T::MaxRootedBatchSize::get()).contains(&batch.count),
				"documents: a batch holds no documents, or more than MaxRootedBatchSize"
			);
			// Its entries lie in its ids (above): as many as its count fill them all.
			ensure!(
				held.get(&id) == Some(&batch.count),
				"documents: a batch's count is not the number of its documents"
			);
			found += 1;
		}
		ensure!(found == batches, "documents: a batch id up to BatchCount has no batch");
		for (commitment, org, id) in ByCommitment::<T>::iter() {
			let names = match Records::<T>::get(id) {
				Some(d) => d.commitment == commitment && d.org == org,
				None => InBatch::<T>::get(id).is_some_and(|d| d.org == org),
			};
			ensure!(
				names,
				"documents: a by-commitment key names no document of that commitment and hospital"
			);
		}
		for (patient, id) in ByPatient::<T>::iter_keys() {
			ensure!(
				Records::<T>::get(id).is_some_and(|d| d.patient == patient),
				"documents: a by-patient key names no document of that patient"
			);
		}
		for (org, id) in ByOrganisation::<T>::iter_keys() {
			ensure!(
				Records::<T>::get(id).is_some_and(|d| d.org == org),
				"documents: a by-organisation key names no document of that organisation"
			);
		}
		Ok(())
	}

	/// The links of document `id`'s versions, both ways.
	fn check_versions(
		id: DocId,
		patient: &T::AccountId,
		status: &DocumentStatus,
		previous: Option<DocId>,
	) -> Result<(), sp_runtime::TryRuntimeError> {
		if let Some(by) = status.superseded_by() {
			ensure!(
				by > id && Records::<T>::get(by).is_some_and(|next| next.previous == Some(id)),
				"documents: a superseded document's successor does not name it as previous"
			);
		}
		if let Some(previous) = previous {
			let old = Self::facts(previous)
				.ok_or("documents: a document's previous version does not exist")?;
			ensure!(
				previous < id && old.patient == *patient,
				"documents: a document's previous version is not an older one of its patient"
			);
			ensure!(
				old.status.superseded_by() == Some(id),
				"documents: a document's previous version is not superseded by it"
			);
		}
		Ok(())
	}
}

impl<T: Config> SubjectOwner<T::AccountId> for Pallet<T> {
	fn patient_of(subject: &Subject) -> Option<T::AccountId> {
		match subject {
			Subject::Document(id) => Self::facts(*id).map(|d| d.patient),
			_ => None,
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_subject(patient: &T::AccountId) -> Subject {
		// One issuing hospital for every subject a benchmark makes, each a new document.
		let clinician: T::AccountId = frame_benchmarking::account("clinician", 100, 0);
		if pallet_consortium::Members::<T>::get(&clinician).is_none() {
			pallet_consortium::benchmark_setup::hospital::<T>(100);
		}
		// A document of a rooted batch: the dearest to look up (a miss in `Records`, then its
		// entry in `InBatch`).
		let n = DocumentCount::<T>::get() as u32;
		let document = benchmarking::new_document::<T>(patient.clone(), n);
		let origin = frame_system::RawOrigin::Signed(clinician).into();
		Self::anchor_rooted_batch(origin, alloc::vec![document]).expect("a valid document");
		Subject::Document(DocumentCount::<T>::get())
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl<T: Config> Pallet<T> {
	/// Anchors document number `n` of `patient`, with fields of the longest lengths, for the
	/// benchmarks of this and other pallets.
	pub fn anchor_for_benchmark(
		author: &T::AccountId,
		org: OrgId,
		patient: &T::AccountId,
		n: u32,
	) -> DocId {
		let document = benchmarking::new_document::<T>(patient.clone(), n);
		Self::insert(Self::validate(author, org, &document, None).expect("a valid document"))
	}
}

sp_api::decl_runtime_apis! {
	/// Queries of document anchors for the gateway, the explorer and the verifier.
	#[api_version(2)]
	pub trait DocumentsApi<AccountId, DocumentRecord, BatchedRecord, BatchRecord>
	where
		AccountId: codec::Codec,
		DocumentRecord: codec::Codec,
		BatchedRecord: codec::Codec,
		BatchRecord: codec::Codec,
	{
		/// A document version by id, anchored with a record of its own (one of a rooted batch
		/// has none: see `batched`).
		fn document(id: DocId) -> Option<DocumentRecord>;
		/// A document of a rooted batch: what the state keeps of it, and its batch's record.
		/// Version 3 added rooted batches.
		#[api_version(3)]
		fn batched(id: DocId) -> Option<(BatchedRecord, BatchRecord)>;
		/// The document holding `commitment` that hospital `org` anchored, however it was
		/// anchored.
		#[api_version(3)]
		fn document_id(commitment: Hash, org: OrgId) -> Option<DocId>;
		/// Every hospital's document holding a commitment (at most one per hospital). Version 2
		/// replaced `document_by_commitment`, from when a commitment was unique on the chain.
		#[api_version(2)]
		fn documents_by_commitment(commitment: Hash) -> Vec<(DocId, DocumentRecord)>;
		/// A patient's documents after `after`, at most `limit` (≤ 1,000).
		fn documents_by_patient(
			patient: AccountId,
			after: Option<DocId>,
			limit: u32,
		) -> Vec<(DocId, DocumentRecord)>;
		/// An organisation's documents after `after`, at most `limit` (≤ 1,000).
		fn documents_by_organisation(
			org: OrgId,
			after: Option<DocId>,
			limit: u32,
		) -> Vec<(DocId, DocumentRecord)>;
	}
}
