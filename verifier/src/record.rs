//! The document anchors as the chain stores them — records of their own, rooted batches and
//! their documents' entries and leaves — and where they are stored.

use codec::{Decode, Encode};
use medledger_primitives::{DocId, Hash, Moment, OrgId};

/// A document anchor: the SCALE layout of `pallet_documents::Document` in the MedLedger
/// runtime (accounts are 32-byte ids, bounded vectors encode as plain vectors). Declared
/// here because the pallet's type drags in FRAME; the gateway's tests check that both
/// decode the same bytes.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct DocumentRecord {
	/// The patient's account.
	pub patient: [u8; 32],
	/// The issuing organisation.
	pub org: OrgId,
	/// The staff member who anchored it.
	pub author: [u8; 32],
	/// The salted commitment (`medledger_primitives::commitment`).
	pub commitment: Hash,
	/// Binary CID of the encrypted file.
	pub cid: Vec<u8>,
	/// Size of the plaintext in bytes.
	pub size: u64,
	/// Media type of the plaintext.
	pub media_type: Vec<u8>,
	/// Document-type code (LOINC or FHIR).
	pub document_type: Vec<u8>,
	/// When it was anchored, ms since the Unix epoch.
	pub created_at: Moment,
	/// Current, superseded or entered in error.
	pub status: RecordStatus,
	/// The version this one supersedes.
	pub previous: Option<DocId>,
}

/// A document's status (`pallet_documents::DocumentStatus`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode)]
pub enum RecordStatus {
	/// The current version.
	Current,
	/// Replaced by a newer version.
	Superseded {
		/// The version that replaced it.
		by: DocId,
	},
	/// Should never have been recorded.
	EnteredInError,
	/// Replaced by a newer version, then marked entered-in-error.
	SupersededEnteredInError {
		/// The version that replaced it.
		by: DocId,
	},
}

/// The storage key of document `id`'s record: `Documents.Records`.
pub fn storage_key(id: DocId) -> Vec<u8> {
	documents_key(b"Records", id)
}

/// A rooted batch's record: the SCALE layout of `pallet_documents::Batch`.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct BatchRecord {
	/// The root of the Merkle tree over the batch's leaves.
	pub root: Hash,
	/// The first document's id.
	pub first: DocId,
	/// How many documents it holds.
	pub count: u32,
	/// The issuing organisation.
	pub org: OrgId,
	/// The staff member who anchored it.
	pub author: [u8; 32],
	/// When it was anchored, ms since the Unix epoch.
	pub created_at: Moment,
}

/// A document's entry in a rooted batch: the SCALE layout of `pallet_documents::BatchedDocument`.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct BatchedRecord {
	/// The batch whose root holds its leaf.
	pub batch: u64,
	/// The patient's account.
	pub patient: [u8; 32],
	/// The issuing organisation.
	pub org: OrgId,
	/// Document-type code (LOINC or FHIR).
	pub document_type: Vec<u8>,
	/// Current, superseded or entered in error.
	pub status: RecordStatus,
}

/// A document as a hospital submitted it: the SCALE layout of `pallet_documents::NewDocument`.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct SubmittedDocument {
	/// The patient's account.
	pub patient: [u8; 32],
	/// The salted commitment.
	pub commitment: Hash,
	/// Binary CID of the encrypted file.
	pub cid: Vec<u8>,
	/// Size of the plaintext in bytes.
	pub size: u64,
	/// Media type of the plaintext.
	pub media_type: Vec<u8>,
	/// Document-type code (LOINC or FHIR).
	pub document_type: Vec<u8>,
}

/// A leaf of a rooted batch: `(id, issuing organisation, the document as submitted)`, as
/// `pallet_documents::leaf` encodes it.
pub type Leaf = (DocId, OrgId, SubmittedDocument);

/// The storage key of a `Twox64Concat` map entry of the documents pallet.
fn documents_key(map: &[u8], id: u64) -> Vec<u8> {
	let encoded = id.encode();
	[
		&sp_crypto_hashing::twox_128(b"Documents")[..],
		&sp_crypto_hashing::twox_128(map)[..],
		&sp_crypto_hashing::twox_64(&encoded)[..],
		&encoded[..],
	]
	.concat()
}

/// The storage key of batch `id`'s record: `Documents.Batches`.
pub fn batch_key(id: u64) -> Vec<u8> {
	documents_key(b"Batches", id)
}

/// The storage key of document `id`'s entry in its batch: `Documents.InBatch`.
pub fn in_batch_key(id: DocId) -> Vec<u8> {
	documents_key(b"InBatch", id)
}
