//! What the verifier trusts: the consortium's GRANDPA authority set, from the chain spec or
//! from an exported trust file.

use crate::{hex_bytes, Failure};
use codec::Decode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sp_trie::{LayoutV1, TrieConfiguration};

/// Format tag of a trust file.
pub const TRUST_FORMAT: &str = "medledger-trust/1";

/// One GRANDPA authority: its ed25519 key and voting weight.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Authority {
	/// The ed25519 public key.
	#[serde(with = "hex_bytes::array")]
	pub id: [u8; 32],
	/// Its voting weight.
	pub weight: u64,
}

/// A GRANDPA authority set the verifier accepts justifications from: the trust file's
/// content (`medledger-trust/1`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TrustedSet {
	/// Always [`TRUST_FORMAT`].
	pub format: String,
	/// The chain's genesis hash (bundles of other chains are refused by name).
	#[serde(with = "hex_bytes::array")]
	pub genesis_hash: [u8; 32],
	/// The set's id: 0 at genesis, one more at each change of validators.
	pub set_id: u64,
	/// The authorities and their weights.
	pub authorities: Vec<Authority>,
}

/// The storage key of `Grandpa.Authorities`.
fn grandpa_authorities_key() -> Vec<u8> {
	[sp_crypto_hashing::twox_128(b"Grandpa"), sp_crypto_hashing::twox_128(b"Authorities")].concat()
}

impl TrustedSet {
	/// Reads a trust file, or the genesis authority set of a raw chain spec (the output of
	/// `medledger-node build-spec --raw`), whichever `json` is.
	pub fn from_json(json: &str) -> Result<Self, Failure> {
		let value: Value = serde_json::from_str(json)
			.map_err(|e| Failure::Malformed(format!("the trust file is not JSON: {e}")))?;
		if value.get("format").is_some() {
			let set: TrustedSet = serde_json::from_value(value)
				.map_err(|e| Failure::Malformed(format!("the trust file: {e}")))?;
			if set.format != TRUST_FORMAT {
				return Err(Failure::Malformed(format!(
					"the trust file's format is {:?}, this verifier reads {TRUST_FORMAT}",
					set.format
				)));
			}
			return Ok(set);
		}
		Self::from_raw_chain_spec(&value)
	}

	/// The genesis authority set (set 0) of a raw chain spec, with the genesis hash computed
	/// from its genesis storage.
	pub fn from_raw_chain_spec(spec: &Value) -> Result<Self, Failure> {
		let not_raw = || {
			Failure::Malformed(
				"the trust file is neither a trust file nor a raw chain spec \
				 (make one with `medledger-node build-spec --chain … --raw`)"
					.into(),
			)
		};
		let top = spec["genesis"]["raw"]["top"].as_object().ok_or_else(not_raw)?;
		if spec["genesis"]["raw"]["childrenDefault"].as_object().is_some_and(|c| !c.is_empty()) {
			return Err(Failure::Malformed(
				"the chain spec has child tries, which this verifier does not read".into(),
			));
		}
		let mut storage = Vec::with_capacity(top.len());
		for (key, value) in top {
			let value = value.as_str().ok_or_else(not_raw)?;
			storage.push((hex_bytes::decode(key)?, hex_bytes::decode(value)?));
		}
		storage.sort();
		let key = grandpa_authorities_key();
		let encoded = storage.iter().find(|(k, _)| *k == key).map(|(_, v)| v).ok_or_else(|| {
			Failure::Malformed("the chain spec sets no GRANDPA authorities".into())
		})?;
		let authorities = Vec::<([u8; 32], u64)>::decode(&mut &encoded[..])
			.map_err(|_| Failure::Malformed("the chain spec's GRANDPA authorities".into()))?
			.into_iter()
			.map(|(id, weight)| Authority { id, weight })
			.collect();
		Ok(TrustedSet {
			format: TRUST_FORMAT.into(),
			genesis_hash: genesis_hash(&storage),
			set_id: 0,
			authorities,
		})
	}
}

/// The hash of the genesis block built from `storage`: no parent, number 0, the state root of
/// the storage (trie layout V1, the runtime's state version), the empty extrinsics root and
/// an empty digest.
fn genesis_hash(storage: &[(Vec<u8>, Vec<u8>)]) -> [u8; 32] {
	use codec::Encode;
	type Layout = LayoutV1<sp_core::Blake2Hasher>;
	let header = crate::finality::Header {
		parent_hash: [0; 32],
		number: 0u32.into(),
		state_root: Layout::trie_root(storage.iter().cloned()).into(),
		extrinsics_root: Layout::trie_root(Vec::<(Vec<u8>, Vec<u8>)>::new()).into(),
		digest: Vec::new(),
	};
	sp_crypto_hashing::blake2_256(&header.encode())
}
