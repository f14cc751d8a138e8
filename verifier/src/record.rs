//! The document anchor as the chain stores it, and where it is stored.

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

/// The storage key of document `id`'s record: `Documents.Records`, a `Twox64Concat` map.
pub fn storage_key(id: DocId) -> Vec<u8> {
	let encoded = id.encode();
	[
		&sp_crypto_hashing::twox_128(b"Documents")[..],
		&sp_crypto_hashing::twox_128(b"Records")[..],
		&sp_crypto_hashing::twox_64(&encoded)[..],
		&encoded[..],
	]
	.concat()
}
