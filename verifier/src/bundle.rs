//! The proof bundle file, format `medledger-proof/1` — or `medledger-proof/2` for a document
//! of a rooted batch (JSON; binary parts as `0x` hex).
//!
//! ```json
//! {
//!   "format": "medledger-proof/1",
//!   "genesisHash": "0x…",                 // the chain the bundle is from
//!   "document": {
//!     "id": 7,
//!     "record": "0x…",                    // SCALE of the anchor record, as stored
//!     "salt": "0x…"                       // optional: only for whoever may read the file
//!   },
//!   "block": { "number": 96, "hash": "0x…", "header": "0x…" },   // where the record is proved
//!   "storageProof": ["0x…", …],           // trie nodes from the header's state root to the record
//!   "headers": ["0x…", …],                // headers after `block` up to the finalised one (may be empty)
//!   "finality": { "setId": 0, "justification": "0x…" }   // GRANDPA justification of the last header
//! }
//! ```
//!
//! Format 2 proves a document anchored in a rooted batch, which has no record of its own:
//! `document.record` is its entry in the batch (`Documents.InBatch`), and a `batch` part
//! carries the batch's record (`Documents.Batches`: root, first id, count, issuer, time),
//! the document's leaf (SCALE of `(id, org, the document as submitted)`), its index in the
//! batch and its Merkle path to the root ([`medledger_primitives::merkle`]). The storage
//! proof covers both records.
//!
//! ```json
//!   "batch": { "id": 3, "record": "0x…", "leaf": "0x…", "index": 4, "path": ["0x…", …] }
//! ```
//!
//! A new layout gets a new format tag; this verifier refuses tags it does not know.

use crate::hex_bytes;
use medledger_primitives::{DocId, SALT_LEN};
use serde::{Deserialize, Serialize};

/// Format tag of a proof bundle of a document with a record of its own.
pub const BUNDLE_FORMAT: &str = "medledger-proof/1";

/// Format tag of a proof bundle of a document of a rooted batch.
pub const BATCHED_BUNDLE_FORMAT: &str = "medledger-proof/2";

/// A proof that a document's anchor is in the state of a block that GRANDPA finalised.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProofBundle {
	/// Always [`BUNDLE_FORMAT`].
	pub format: String,
	/// The chain's genesis hash.
	#[serde(with = "hex_bytes::array")]
	#[cfg_attr(feature = "schema", schemars(with = "String"))]
	pub genesis_hash: [u8; 32],
	/// The document and its anchor record.
	pub document: DocumentPart,
	/// The rooted batch that holds the document (format 2 only).
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub batch: Option<BatchPart>,
	/// The block whose state holds the record.
	pub block: BlockPart,
	/// The trie nodes proving the record against the block's state root.
	#[serde(with = "hex_bytes::list")]
	#[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
	pub storage_proof: Vec<Vec<u8>>,
	/// Headers of the blocks after [`Self::block`], ascending, up to the finalised block.
	#[serde(with = "hex_bytes::list")]
	#[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
	pub headers: Vec<Vec<u8>>,
	/// The finality proof of the last header.
	pub finality: FinalityPart,
}

/// The document a bundle is about.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DocumentPart {
	/// The document id.
	pub id: DocId,
	/// Its anchor record, SCALE-encoded as the chain stores it.
	#[serde(with = "hex_bytes::vec")]
	#[cfg_attr(feature = "schema", schemars(with = "String"))]
	pub record: Vec<u8>,
	/// The commitment's salt, for whoever may read the document.
	#[serde(default, skip_serializing_if = "Option::is_none", with = "hex_bytes::option")]
	#[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
	pub salt: Option<[u8; SALT_LEN]>,
}

/// The rooted batch of a format-2 bundle's document, and the document's place in it.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BatchPart {
	/// The batch id.
	pub id: u64,
	/// The batch's record, SCALE-encoded as the chain stores it.
	#[serde(with = "hex_bytes::vec")]
	#[cfg_attr(feature = "schema", schemars(with = "String"))]
	pub record: Vec<u8>,
	/// The document's leaf: SCALE of `(id, org, document as submitted)`.
	#[serde(with = "hex_bytes::vec")]
	#[cfg_attr(feature = "schema", schemars(with = "String"))]
	pub leaf: Vec<u8>,
	/// The leaf's index in the batch (its id less the batch's first).
	pub index: u32,
	/// The sibling hashes from the leaf up to the root.
	#[serde(with = "hex_bytes::hashes")]
	#[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
	pub path: Vec<[u8; 32]>,
}

/// The block at which the record is proved.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BlockPart {
	/// Its number.
	pub number: u32,
	/// Its hash.
	#[serde(with = "hex_bytes::array")]
	#[cfg_attr(feature = "schema", schemars(with = "String"))]
	pub hash: [u8; 32],
	/// Its SCALE-encoded header.
	#[serde(with = "hex_bytes::vec")]
	#[cfg_attr(feature = "schema", schemars(with = "String"))]
	pub header: Vec<u8>,
}

/// GRANDPA's proof that the last header is final.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FinalityPart {
	/// The authority set that signed.
	pub set_id: u64,
	/// The SCALE-encoded justification.
	#[serde(with = "hex_bytes::vec")]
	#[cfg_attr(feature = "schema", schemars(with = "String"))]
	pub justification: Vec<u8>,
}

impl ProofBundle {
	/// Reads a bundle file.
	pub fn from_json(json: &str) -> Result<Self, crate::Failure> {
		let bundle: ProofBundle = serde_json::from_str(json)
			.map_err(|e| crate::Failure::Malformed(format!("the proof bundle: {e}")))?;
		match (bundle.format.as_str(), &bundle.batch) {
			(BUNDLE_FORMAT, None) | (BATCHED_BUNDLE_FORMAT, Some(_)) => Ok(bundle),
			(BUNDLE_FORMAT, Some(_)) => Err(crate::Failure::Malformed(format!(
				"a {BUNDLE_FORMAT} bundle has no batch part"
			))),
			(BATCHED_BUNDLE_FORMAT, None) => Err(crate::Failure::Malformed(format!(
				"a {BATCHED_BUNDLE_FORMAT} bundle needs its batch part"
			))),
			(other, _) => Err(crate::Failure::Malformed(format!(
				"the bundle's format is {other:?}, this verifier reads {BUNDLE_FORMAT} and \
				 {BATCHED_BUNDLE_FORMAT}"
			))),
		}
	}

	/// The bundle as pretty JSON.
	pub fn to_json(&self) -> String {
		serde_json::to_string_pretty(self).expect("a bundle always serialises")
	}
}
