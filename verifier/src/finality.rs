//! Block headers, header chains and GRANDPA justifications, checked against a trusted
//! authority set.
//!
//! Headers and justifications are decoded with their own SCALE declarations rather than
//! `sp-runtime`'s generic header, whose hashing goes through the node's host functions (a
//! browser has none); a header's hash is BLAKE2b-256 of its encoding, as the runtime's.

use crate::{trust::TrustedSet, Failure};
use codec::{Compact, Decode, Encode};
use finality_grandpa::{voter_set::VoterSet, Chain, Message};
use std::collections::{BTreeMap, BTreeSet};

/// A 32-byte block hash.
pub type BlockHash = [u8; 32];

/// A block header (`sp_runtime::generic::Header<u32, BlakeTwo256>`).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct Header {
	/// The parent block's hash.
	pub parent_hash: BlockHash,
	/// The block number.
	pub number: Compact<u32>,
	/// The root of the state after this block.
	pub state_root: [u8; 32],
	/// The root of this block's extrinsics.
	pub extrinsics_root: [u8; 32],
	/// Consensus and runtime notes.
	pub digest: Vec<DigestItem>,
}

impl Header {
	/// The block's hash.
	pub fn hash(&self) -> BlockHash {
		sp_crypto_hashing::blake2_256(&self.encode())
	}

	/// The block's number.
	pub fn number(&self) -> u32 {
		self.number.0
	}
}

/// One item of a header's digest (`sp_runtime::DigestItem`, same indices).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub enum DigestItem {
	/// Anything else.
	#[codec(index = 0)]
	Other(Vec<u8>),
	/// A message from the runtime to a consensus engine (GRANDPA's authority changes).
	#[codec(index = 4)]
	Consensus([u8; 4], Vec<u8>),
	/// The block author's seal.
	#[codec(index = 5)]
	Seal([u8; 4], Vec<u8>),
	/// A pre-runtime note from the author (Aura's slot).
	#[codec(index = 6)]
	PreRuntime([u8; 4], Vec<u8>),
	/// The runtime's code or heap pages changed.
	#[codec(index = 8)]
	RuntimeEnvironmentUpdated,
}

/// A precommit signed by one authority.
pub type SignedPrecommit = finality_grandpa::SignedPrecommit<BlockHash, u32, [u8; 64], [u8; 32]>;

/// A GRANDPA justification: a commit of precommits for a block and the headers between the
/// block and the precommits' targets (`sc_consensus_grandpa::GrandpaJustification`).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct Justification {
	/// The GRANDPA round that finalised the block.
	pub round: u64,
	/// The commit.
	pub commit: finality_grandpa::Commit<BlockHash, u32, [u8; 64], [u8; 32]>,
	/// Headers from the finalised block to each precommit's target.
	pub votes_ancestries: Vec<Header>,
}

/// The ancestry the justification carries, as `finality_grandpa` walks it.
struct Ancestry(BTreeMap<BlockHash, BlockHash>);

impl Chain<BlockHash, u32> for Ancestry {
	fn ancestry(
		&self,
		base: BlockHash,
		block: BlockHash,
	) -> Result<Vec<BlockHash>, finality_grandpa::Error> {
		let mut route = Vec::new();
		let mut current = block;
		while current != base {
			current = *self.0.get(&current).ok_or(finality_grandpa::Error::NotDescendent)?;
			route.push(current);
		}
		route.pop();
		Ok(route)
	}
}

/// Checks that `justification` (SCALE) finalises a block by more than two thirds of the
/// trusted set's weight, under its set id; the finalised block's hash and number.
pub fn check_justification(
	encoded: &[u8],
	trusted: &TrustedSet,
) -> Result<(BlockHash, u32), Failure> {
	let justification = Justification::decode(&mut &encoded[..])
		.map_err(|_| Failure::Malformed("the GRANDPA justification does not decode".into()))?;
	let commit = &justification.commit;
	let voters = VoterSet::new(trusted.authorities.iter().map(|a| (a.id, a.weight)))
		.ok_or_else(|| Failure::Malformed("the trusted set has no authority with weight".into()))?;

	let mut signed = BTreeSet::new();
	let mut weight = 0u64;
	let mut payload = Vec::new();
	for precommit in &commit.precommits {
		let id = precommit.id;
		let voter = voters.get(&id).ok_or(Failure::AuthorityOutsideSet { authority: id })?;
		if !signed.insert(id) {
			return Err(Failure::DuplicateSignature { authority: id });
		}
		payload.clear();
		(Message::Precommit(precommit.precommit.clone()), justification.round, trusted.set_id)
			.encode_to(&mut payload);
		let key = ed25519_dalek::VerifyingKey::from_bytes(&id)
			.map_err(|_| Failure::BadSignature { authority: id })?;
		let signature = ed25519_dalek::Signature::from_bytes(&precommit.signature);
		key.verify_strict(&payload, &signature)
			.map_err(|_| Failure::BadSignature { authority: id })?;
		weight += voter.weight().get();
	}
	let needed = voters.threshold().get();
	if weight < needed {
		return Err(Failure::TooFewSignatures {
			signed: weight,
			needed,
			total: voters.total_weight().get(),
		});
	}

	// GRANDPA's own rule: the precommits, walked through the ancestry, must give the target
	// a supermajority; and the ancestry must hold no header the precommits do not use.
	let ancestry = Ancestry(
		justification.votes_ancestries.iter().map(|h| (h.hash(), h.parent_hash)).collect(),
	);
	let valid = finality_grandpa::validate_commit(commit, &voters, &ancestry)
		.map(|result| result.is_valid())
		.unwrap_or(false);
	if !valid {
		return Err(Failure::CommitInvalid(
			"the precommits do not give the target block a supermajority".into(),
		));
	}
	let mut used = BTreeSet::new();
	for precommit in &commit.precommits {
		let target = precommit.precommit.target_hash;
		if target != commit.target_hash {
			used.insert(target);
			used.extend(ancestry.ancestry(commit.target_hash, target).unwrap_or_default());
		}
	}
	if used.len() != ancestry.0.len() || !ancestry.0.keys().all(|h| used.contains(h)) {
		return Err(Failure::CommitInvalid(
			"the justification carries headers no vote uses".into(),
		));
	}
	Ok((commit.target_hash, commit.target_number))
}

/// Checks that `headers` (SCALE, ascending) lead from block `from` (hash, number) to the
/// finalised block: each names the previous one as its parent and the last is `finalised`.
pub fn check_header_chain(
	from: (BlockHash, u32),
	headers: &[Vec<u8>],
	finalised: (BlockHash, u32),
) -> Result<(), Failure> {
	let mut previous = from;
	for bytes in headers {
		let header = decode_header(bytes)?;
		if header.parent_hash != previous.0 || header.number() != previous.1 + 1 {
			return Err(Failure::HeaderChainBroken { after: previous.1 });
		}
		previous = (sp_crypto_hashing::blake2_256(bytes), header.number());
	}
	if previous != finalised {
		return Err(Failure::NotFinalised {
			block: previous.0,
			number: previous.1,
			finalised: finalised.0,
			finalised_number: finalised.1,
		});
	}
	Ok(())
}

/// Decodes a header, refusing trailing bytes (a header's hash covers exactly its encoding).
pub fn decode_header(bytes: &[u8]) -> Result<Header, Failure> {
	let mut input = bytes;
	let header = Header::decode(&mut input)
		.ok()
		.filter(|_| input.is_empty())
		.ok_or_else(|| Failure::Malformed("a block header does not decode".into()))?;
	Ok(header)
}
