//! `document_*`, `upload_status`: anchoring, reading and checking patients' documents.

use super::namespace;
use crate::{
	access::{Ownership, ANY, PATIENT, READERS, STAFF},
	values::{Account, Base64, CidText, Hex32, Purpose},
	Written,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An anchored document's record on chain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Document {
	/// Its id on chain.
	pub id: u64,
	/// Whose record it is.
	pub patient: Account,
	/// The issuing hospital.
	pub organisation: u32,
	/// The staff account that anchored it.
	pub author: Account,
	/// The salted commitment of the issuing hospital, salt and file (`medledger_primitives::commitment`).
	pub commitment: Hex32,
	/// Where its envelope is in IPFS.
	pub cid: CidText,
	/// Plaintext size in bytes.
	pub size: u64,
	/// Media type.
	pub media_type: String,
	/// Document type code (e.g. LOINC).
	pub document_type: String,
	/// When it was anchored (ms since the Unix epoch).
	pub created_at: u64,
	/// Current, superseded or entered in error.
	pub status: DocumentStatus,
	/// The version it supersedes.
	pub previous: Option<u64>,
}

/// Where a document stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "state", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum DocumentStatus {
	/// The current version.
	Current,
	/// Amended: `by` is the newer version.
	Superseded {
		/// The newer version.
		by: u64,
	},
	/// Marked entered in error by its hospital (it stays on chain).
	EnteredInError {
		/// The newer version, when it had been amended before it was marked.
		#[serde(default, skip_serializing_if = "Option::is_none")]
		superseded_by: Option<u64>,
	},
}

/// An accepted upload and its progress.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Upload {
	/// Id local to the gateway that accepted it.
	pub id: u64,
	/// The patient.
	pub patient: Account,
	/// The salted commitment of the issuing hospital, salt and file (`medledger_primitives::commitment`).
	pub commitment: Hex32,
	/// CID of the envelope.
	pub cid: CidText,
	/// Plaintext size in bytes.
	pub size: u64,
	/// Media type.
	pub media_type: String,
	/// Document type code.
	pub document_type: String,
	/// When the gateway accepted it (ms since the Unix epoch).
	pub accepted_at: u64,
	/// The document this upload amends, if it is a new version.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub supersedes: Option<u64>,
	/// Progress.
	#[serde(flatten)]
	pub state: UploadState,
	/// Failed attempts so far (node or IPFS unavailable).
	pub attempts: u32,
	/// The last transient failure, if any.
	pub last_error: Option<String>,
}

/// Where an upload stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum UploadState {
	/// Durably accepted; its envelope waits for IPFS.
	Accepted,
	/// In IPFS (pinned); waiting to be anchored.
	Stored,
	/// Anchored in a block, not final yet.
	Anchored {
		/// The document id the chain gave it.
		document: u64,
		/// The block that holds the anchor (unknown if found again after a restart).
		block: Option<Hex32>,
	},
	/// Anchored in a finalised block. Nothing further happens.
	Finalised {
		/// The document id.
		document: u64,
		/// The block that holds the anchor (unknown if found again after a restart).
		block: Option<Hex32>,
	},
	/// The chain refused the anchor for a reason retrying cannot fix.
	Rejected {
		/// The chain's error.
		error: String,
	},
}

/// A document read: its record and the file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DocumentContent {
	/// The record.
	pub document: Document,
	/// The file, decrypted and checked against its anchor.
	pub content: Base64,
}

/// A patient's own document, still encrypted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DocumentEnvelope {
	/// The record.
	pub document: Document,
	/// The envelope (`medledger-envelope/1`), for the patient's key to open.
	pub envelope: Base64,
	/// The data key re-wrapped by the issuing hospital to the patient's key after they
	/// changed it (the envelope's own wrap is for the key they had when it was anchored).
	pub patient_wrap: Option<PatientWrap>,
}

/// A document's data key wrapped to its patient's key, on chain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PatientWrap {
	/// The patient's X25519 key it is wrapped to.
	pub key: Hex32,
	/// The wrapped data key.
	pub wrapped: Base64,
}

/// Whether a file and salt match a document's anchored commitment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Verification {
	/// The document.
	pub id: u64,
	/// Whether they match.
	pub matches: bool,
	/// The anchored commitment.
	pub commitment: Hex32,
	/// The commitment of the file and salt given.
	pub computed: Hex32,
}

namespace! {
	/// Documents: upload, amend, read, list, check.
	trait DocumentsApi;

	/// Encrypt, store and queue the anchor of a patient's document — with supersedes, a new
	/// version of it (amend) — and return the upload once durably accepted.
	#[method("document_upload", callers = STAFF, owns = Ownership::None)]
	fn document_upload(
		"patient" patient: Account,
		"content" content: Base64,
		"mediaType" media_type: String,
		"documentType" document_type: String,
		"supersedes" supersedes: Option<u64>,
	) -> Upload;

	/// The issuing hospital marks a document entered in error (it stays on chain with that
	/// status).
	#[method("document_markEnteredInError", callers = STAFF, owns = Ownership::None)]
	fn document_mark_entered_in_error("id" id: u64) -> Written;

	/// Where an accepted upload stands (accepted, stored, anchored, finalised, rejected).
	#[method("upload_status", callers = STAFF, owns = Ownership::None)]
	fn upload_status("id" id: u64) -> Upload;

	/// A patient's or an organisation's documents, by id (patients: their own), of the
	/// finalised blocks the gateway's index has filed. With `finalisedAt` (a block number),
	/// answered once the index holds every document up to that finalised block — within a
	/// few seconds, else `ProofNotReady`, to ask again.
	#[method("document_list", callers = ANY, owns = Ownership::Patient)]
	fn document_list(
		"patient" patient: Option<Account>,
		"organisation" organisation: Option<u32>,
		"after" after: Option<u64>,
		"limit" limit: Option<u32>,
		"finalisedAt" finalised_at: Option<u64>,
	) -> Vec<Document>;

	/// A document's anchor record and status.
	#[method("document_status", callers = READERS, owns = Ownership::None)]
	fn document_status("id" id: u64) -> Document;

	/// Read a document: consent checked on chain, read audited, decrypted, checked against
	/// its anchor.
	#[method("document_get", callers = STAFF, owns = Ownership::None)]
	fn document_get("id" id: u64, "purpose" purpose: Purpose) -> DocumentContent;

	/// The caller's own document, still encrypted, for the patient's CLI to decrypt with
	/// the patient's key.
	#[method("document_envelope", callers = PATIENT, owns = Ownership::Document)]
	fn document_envelope("id" id: u64) -> DocumentEnvelope;

	/// Whether a file and salt match a document's anchored commitment (patients: their own
	/// documents).
	#[method("document_verify", callers = ANY, owns = Ownership::Document)]
	fn document_verify("id" id: u64, "content" content: Base64, "salt" salt: Hex32) -> Verification;
}
