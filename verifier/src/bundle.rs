//! The proof bundle file, format `medledger-proof/1` (JSON; binary parts as `0x` hex).
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
//! A new layout gets a new format tag; this verifier refuses tags it does not know.

use crate::hex_bytes;
use medledger_primitives::{DocId, SALT_LEN};
use serde::{Deserialize, Serialize};

/// Format tag of a proof bundle.
pub const BUNDLE_FORMAT: &str = "medledger-proof/1";

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
		if bundle.format != BUNDLE_FORMAT {
			return Err(crate::Failure::Malformed(format!(
				"the bundle's format is {:?}, this verifier reads {BUNDLE_FORMAT}",
				bundle.format
			)));
		}
		Ok(bundle)
	}

	/// The bundle as pretty JSON.
	pub fn to_json(&self) -> String {
		serde_json::to_string_pretty(self).expect("a bundle always serialises")
	}
}
