//! State proofs, format `medledger-state/1`: any storage of a block that GRANDPA finalised,
//! proved to whoever holds the consortium's trust file. The patient's CLI acts only on chain
//! facts read through one ([`ProvenState::read`]): a hospital's encryption key, a consent's
//! terms and status, a trail's head.
//!
//! ```json
//! {
//!   "format": "medledger-state/1",
//!   "genesisHash": "0x…",
//!   "block": { "number": 96, "hash": "0x…", "header": "0x…" },  // whose state is proved
//!   "storageProof": ["0x…", …],        // trie nodes from its state root to the proved keys
//!   "headers": ["0x…", …],             // headers after `block` up to the finalised one
//!   "finality": { "setId": 0, "justification": "0x…" }
//! }
//! ```
//!
//! The proof names no keys: the reader computes the keys of the facts it needs and reads
//! them; a key whose trie path the proof lacks is an error, never "absent".

use crate::{
	bundle::{BlockPart, FinalityPart},
	finality, hex_bytes,
	trust::TrustedSet,
	Failure,
};
use serde::{Deserialize, Serialize};
use sp_trie::{LayoutV1, MemoryDB};

/// The storage key of `patient`'s trail head (`Audit.Trails`, `Blake2_128Concat`), computed
/// without FRAME; the chain client's tests check it is the runtime's.
pub fn trail_key(patient: &[u8; 32]) -> Vec<u8> {
	use sp_crypto_hashing::{blake2_128, twox_128};
	[&twox_128(b"Audit")[..], &twox_128(b"Trails"), &blake2_128(patient), patient].concat()
}

/// Format tag of a state proof.
pub const STATE_FORMAT: &str = "medledger-state/1";

/// Storage of a block, proved by trie nodes, a header chain and a GRANDPA justification.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StateProof {
	/// Always [`STATE_FORMAT`].
	pub format: String,
	/// The chain's genesis hash.
	#[serde(with = "hex_bytes::array")]
	#[cfg_attr(feature = "schema", schemars(with = "String"))]
	pub genesis_hash: [u8; 32],
	/// The block whose state is proved.
	pub block: BlockPart,
	/// The trie nodes proving the keys against the block's state root.
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

/// The state of a finalised block, as far as a proof covers it.
pub struct ProvenState {
	/// The block (hash, number).
	pub block: ([u8; 32], u32),
	/// The finalised block (hash, number).
	pub finalised: ([u8; 32], u32),
	state_root: [u8; 32],
	nodes: MemoryDB<sp_core::Blake2Hasher>,
}

impl ProvenState {
	/// The value at storage `key` (`None`: the proof shows there is none). A key the proof
	/// does not reach is [`Failure::StorageProofInvalid`].
	pub fn read(&self, key: &[u8]) -> Result<Option<Vec<u8>>, Failure> {
		sp_trie::read_trie_value::<LayoutV1<sp_core::Blake2Hasher>, _>(
			&self.nodes,
			&self.state_root.into(),
			key,
			None,
			None,
		)
		.map_err(|_| Failure::StorageProofInvalid { block: self.block.1 })
	}
}

/// Checks `proof` against the `trusted` set: chain and set, justification, header chain.
pub fn verify_state(proof: &StateProof, trusted: &TrustedSet) -> Result<ProvenState, Failure> {
	if proof.format != STATE_FORMAT {
		return Err(Failure::Malformed(format!(
			"the state proof's format is {:?}, this verifier reads {STATE_FORMAT}",
			proof.format
		)));
	}
	prove(
		proof.genesis_hash,
		&proof.block,
		&proof.storage_proof,
		&proof.headers,
		&proof.finality,
		trusted,
	)
}

/// The checks a state proof and a document's proof bundle share (crate docs, steps 1–4):
/// the chain and set, the justification, the block's header and its chain to the finalised
/// block; the trie nodes, ready to be read against the block's state root.
pub(crate) fn prove(
	genesis_hash: [u8; 32],
	block: &BlockPart,
	storage_proof: &[Vec<u8>],
	headers: &[Vec<u8>],
	finality: &FinalityPart,
	trusted: &TrustedSet,
) -> Result<ProvenState, Failure> {
	if genesis_hash != trusted.genesis_hash {
		return Err(Failure::WrongChain { bundle: genesis_hash, trusted: trusted.genesis_hash });
	}
	if finality.set_id != trusted.set_id {
		return Err(Failure::WrongAuthoritySet {
			bundle: finality.set_id,
			trusted: trusted.set_id,
		});
	}
	let finalised = finality::check_justification(&finality.justification, trusted)?;
	let header = finality::decode_header(&block.header)?;
	let hash = sp_crypto_hashing::blake2_256(&block.header);
	if hash != block.hash || header.number() != block.number {
		return Err(Failure::HeaderMismatch {
			number: header.number(),
			actual: hash,
			named: block.hash,
		});
	}
	finality::check_header_chain((hash, header.number()), headers, finalised)?;
	let nodes = sp_trie::StorageProof::new(storage_proof.iter().cloned())
		.into_memory_db::<sp_core::Blake2Hasher>();
	Ok(ProvenState {
		block: (hash, header.number()),
		finalised,
		state_root: header.state_root,
		nodes,
	})
}
