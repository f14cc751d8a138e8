//! `explorer_*`: the auditors' read-only view of the chain, in domain language.

use super::{audit::AuditEntry, audit::BlockRef, consent::Consent, documents::Document, namespace};
use crate::{
	access::{Ownership, AUDITOR},
	values::{Account, Hex32, Status},
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The chain's heads and each hospital's validator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChainStatus {
	/// The best block.
	pub best: BlockRef,
	/// The last finalised block.
	pub finalised: BlockRef,
	/// Whether the node keeps old blocks' state (the explorer needs it).
	pub archive: bool,
	/// How many recent blocks authorship is counted over.
	pub authorship_window: u64,
	/// The last block with a stored GRANDPA justification.
	pub last_justified: Option<u64>,
	/// The current GRANDPA authority set.
	pub finality_set_id: u64,
	/// Size of the Aura (authoring) set.
	pub authoring_set_size: u32,
	/// Size of the GRANDPA (finality) set.
	pub finality_set_size: u32,
	/// Each hospital's validator.
	pub validators: Vec<Validator>,
	/// Authorities no hospital claims.
	pub unclaimed_authorities: Vec<UnclaimedAuthority>,
}

/// A hospital's validator node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Validator {
	/// The hospital.
	pub organisation: u32,
	/// Its name.
	pub name: String,
	/// Whether it is active.
	pub status: Status,
	/// The validator's account.
	pub account: Account,
	/// Its Aura session key.
	pub aura_key: Option<Hex32>,
	/// Its GRANDPA session key.
	pub grandpa_key: Option<Hex32>,
	/// Whether its Aura key is in the authoring set.
	pub in_authoring_set: bool,
	/// Whether its GRANDPA key is in the finality set.
	pub in_finality_set: bool,
	/// Blocks it authored in the window.
	pub blocks_authored: u64,
	/// The newest of them.
	pub last_authored: Option<u64>,
	/// Whether it authored any.
	pub authoring: bool,
	/// Whether it signed the last justification.
	pub voting: bool,
}

/// An authority in the current sets that is no hospital's validator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "set", rename_all = "camelCase")]
pub enum UnclaimedAuthority {
	/// In the authoring (Aura) set.
	#[serde(rename_all = "camelCase")]
	Authoring {
		/// Its key.
		key: Hex32,
		/// Blocks it authored in the window.
		blocks_authored: u64,
	},
	/// In the finality (GRANDPA) set.
	Finality {
		/// Its key.
		key: Hex32,
		/// Whether it signed the last justification.
		voting: bool,
	},
}

/// The hospital whose validator authored a block.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Author {
	/// The hospital.
	pub organisation: u32,
	/// Its name.
	pub name: String,
}

/// A page of blocks, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Blocks {
	/// The best block's number.
	pub best: u64,
	/// The last finalised block's number.
	pub finalised: u64,
	/// The blocks.
	pub blocks: Vec<BlockSummary>,
}

/// A block in a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BlockSummary {
	/// Its number.
	pub number: u64,
	/// Its hash.
	pub hash: Hex32,
	/// Its time (ms since the Unix epoch).
	pub time: u64,
	/// The hospital that authored it.
	pub author: Option<Author>,
	/// Signed extrinsics in it.
	pub extrinsics: u32,
	/// Domain events in it.
	pub events: u32,
	/// Whether it is finalised.
	pub finalised: bool,
}

/// A run of text, linking to an explorer page if `href` is given.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Part {
	/// The text.
	pub text: String,
	/// The page it links to (`#/document/7`).
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub href: Option<String>,
}

/// A sentence telling what happened, in parts.
pub type Sentence = Vec<Part>;

/// One block in full.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BlockDetail {
	/// Its number.
	pub number: u64,
	/// Its hash.
	pub hash: Hex32,
	/// Its parent's hash.
	pub parent: Hex32,
	/// Its state root.
	pub state_root: Hex32,
	/// Its extrinsics root.
	pub extrinsics_root: Hex32,
	/// Its time (ms since the Unix epoch).
	pub time: u64,
	/// The hospital that authored it.
	pub author: Option<Author>,
	/// Whether it is finalised.
	pub finalised: bool,
	/// Whether the node stored a GRANDPA justification with it.
	pub justified: bool,
	/// Its extrinsics.
	pub extrinsics: Vec<Extrinsic>,
	/// Events outside any extrinsic (block initialisation and finalisation).
	pub events: Vec<Sentence>,
}

/// An extrinsic of a block, told.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Extrinsic {
	/// Its index in the block.
	pub index: u32,
	/// Its hash (absent if it does not decode).
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub hash: Option<Hex32>,
	/// `Pallet.call`, or `undecodable`.
	pub call: String,
	/// Who signed it.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub signer: Option<Account>,
	/// What it did.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub summary: Option<Sentence>,
	/// Whether it succeeded.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub success: Option<bool>,
	/// The pallet's error, if it failed.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub error: Option<String>,
	/// Its events.
	pub events: Vec<Sentence>,
}

/// A consent whose scope covers a document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CoveringConsent {
	/// The consent.
	#[serde(flatten)]
	pub consent: Consent,
	/// Whether the document's key was wrapped for its hospital under it.
	pub key_released: bool,
}

/// A document with its history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DocumentHistory {
	/// The record.
	pub document: Document,
	/// The first block whose state holds it.
	pub anchored_in: Option<BlockRef>,
	/// All its versions, oldest first.
	pub versions: Vec<Document>,
	/// The consents whose scope covers it.
	pub consents: Vec<CoveringConsent>,
	/// Every access to it in the patient's trail.
	pub access: Vec<AuditEntry>,
}

/// Something a search query names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Hit {
	/// `block`, `document`, `consent`, `organisation`, `patient` or `account`.
	pub kind: String,
	/// What to show.
	pub label: String,
	/// The explorer page.
	pub href: String,
}

namespace! {
	/// The explorer's view of the chain.
	trait ExplorerApi;

	/// Explorer: best and finalised heads; each hospital's validator and whether it is
	/// authoring and voting.
	#[method("explorer_status", callers = AUDITOR, owns = Ownership::None)]
	fn explorer_status() -> ChainStatus;

	/// Explorer: the latest blocks (or those before a number), newest first.
	#[method("explorer_blocks", callers = AUDITOR, owns = Ownership::None)]
	fn explorer_blocks("before" before: Option<u64>, "limit" limit: Option<u32>) -> Blocks;

	/// Explorer: one block with its extrinsics and events told in domain language.
	#[method("explorer_block", callers = AUDITOR, owns = Ownership::None)]
	fn explorer_block("number" number: Option<u64>, "hash" hash: Option<Hex32>) -> BlockDetail;

	/// Explorer: a document with its anchoring block, versions, covering consents and access
	/// history.
	#[method("explorer_document", callers = AUDITOR, owns = Ownership::None)]
	fn explorer_document("id" id: u64) -> DocumentHistory;

	/// Explorer: what a block number or hash, document or consent id, commitment,
	/// organisation or account names.
	#[method("explorer_search", callers = AUDITOR, owns = Ownership::None)]
	fn explorer_search("query" query: String) -> Vec<Hit>;
}
