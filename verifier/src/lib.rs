//! # MedLedger offline verifier
//!
//! Checks, with no network, that a file is the document a hospital anchored on the MedLedger
//! chain, and that the consortium's validators finalised that anchor. The inputs are the file,
//! a [proof bundle](bundle) (which the gateway serves) and a [trusted authority
//! set](trust::TrustedSet) (the consortium's raw chain spec, or a trust file exported from
//! one).
//!
//! [`verify`] checks, in this order, and stops at the first failure, which it names:
//!
//! 1. the bundle is for the trusted chain and authority set (genesis hash, set id);
//! 2. the GRANDPA justification: every signature valid, by an authority of the trusted set,
//!    none twice, together more than two thirds of the set's weight, and the commit valid
//!    by GRANDPA's rules ([`finality`]);
//! 3. the header: it hashes to the block the bundle names, and the header chain after it
//!    links, parent by parent, to the block the justification finalises;
//! 4. the storage proof: its trie nodes lead from that header's state root to the
//!    document's storage key, and the value there is the bundle's record ([`record`]) — for
//!    a document of a rooted batch (format 2), its entry there and its batch's record, then
//!    that the leaf is this document's (id, issuer, patient, type, index) and that its path
//!    leads to the batch's root;
//! 5. the file: the commitment of the record's hospital, the salt and the file
//!    ([`medledger_primitives::recompute`]) equals the record's commitment — so another
//!    hospital's anchor of a copied commitment matches no file.
//!
//! What this proves: the validators holding more than two thirds of the trusted set's
//! weight finalised a block in whose state the record, with that commitment, exists. A
//! trust file names one authority set; after the validators change (a council vote) it is
//! [advanced](set_change) set by set, each change proved by the set before it.
//!
//! [`verify_state`] makes steps 1–4 over any storage: a [state proof](state) of the facts
//! the patient's CLI acts on.
//!
//! No node, client or FRAME crate is used (the explorer will run this as Wasm).

pub mod bundle;
pub mod finality;
pub mod record;
pub mod set_change;
pub mod state;
pub mod trust;

pub use bundle::{ProofBundle, BATCHED_BUNDLE_FORMAT, BUNDLE_FORMAT};
pub use record::{BatchRecord, BatchedRecord, DocumentRecord, Leaf, RecordStatus};
pub use set_change::{advance, SetChange};
pub use state::{verify_state, ProvenState, StateProof, STATE_FORMAT};
pub use trust::{TrustedSet, TRUST_FORMAT};

use codec::Decode;

/// What a successful verification established.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Verified {
	/// The document id.
	pub document: medledger_primitives::DocId,
	/// Its anchor record, as proved (for a document of a rooted batch: its leaf, with its
	/// batch's author and time and its entry's status).
	pub record: DocumentRecord,
	/// The rooted batch that holds it, if any.
	pub batch: Option<u64>,
	/// The block whose state holds the record (hash, number).
	pub block: ([u8; 32], u32),
	/// The finalised block (hash, number).
	pub finalised: ([u8; 32], u32),
	/// Whether a file was checked against the commitment.
	pub file_matches: bool,
}

/// Why a bundle does not verify. Each case names exactly what failed; [`Failure::exit_code`]
/// groups them for scripts.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum Failure {
	/// An input does not parse: the bundle, the trust file or a part of either.
	#[error("malformed input: {0}")]
	Malformed(String),
	/// The bundle is from another chain than the trusted one.
	#[error("the bundle is from chain 0x{} but the trust file is for chain 0x{}", hex::encode(.bundle), hex::encode(.trusted))]
	WrongChain {
		/// The bundle's genesis hash.
		bundle: [u8; 32],
		/// The trusted genesis hash.
		trusted: [u8; 32],
	},
	/// The bundle was signed by another authority set than the trusted one.
	#[error(
		"the bundle is signed by authority set {bundle} but the trust file holds set {trusted} (after a change of validators, advance the trust file: `medledger trust --advance`)"
	)]
	WrongAuthoritySet {
		/// The bundle's set id.
		bundle: u64,
		/// The trusted set id.
		trusted: u64,
	},
	/// A precommit is signed by a key that is not in the trusted set.
	#[error("the justification has a signature by 0x{}, which is not an authority of the trusted set", hex::encode(.authority))]
	AuthorityOutsideSet {
		/// The signer.
		authority: [u8; 32],
	},
	/// An authority's precommit appears twice.
	#[error("the justification has authority 0x{}'s signature twice", hex::encode(.authority))]
	DuplicateSignature {
		/// The signer.
		authority: [u8; 32],
	},
	/// A precommit's signature is not valid.
	#[error("the justification has an invalid (forged or altered) signature for authority 0x{}", hex::encode(.authority))]
	BadSignature {
		/// The claimed signer.
		authority: [u8; 32],
	},
	/// The valid signatures hold two thirds of the weight or less.
	#[error("the justification is signed by weight {signed} of {total}; finality needs {needed}")]
	TooFewSignatures {
		/// Weight of the valid signatures.
		signed: u64,
		/// Weight needed (more than two thirds).
		needed: u64,
		/// The set's total weight.
		total: u64,
	},
	/// The commit breaks GRANDPA's rules.
	#[error("the justification's commit is invalid: {0}")]
	CommitInvalid(String),
	/// The header in the bundle is not the block the bundle names.
	#[error("the header is of block #{number} 0x{}, not of block 0x{} that the bundle names", hex::encode(.actual), hex::encode(.named))]
	HeaderMismatch {
		/// The number in the header.
		number: u32,
		/// The header's hash.
		actual: [u8; 32],
		/// The hash the bundle names.
		named: [u8; 32],
	},
	/// A header after the proved block does not follow its predecessor.
	#[error("the header chain is broken after block #{after}: the next header is not its child")]
	HeaderChainBroken {
		/// The last block number that linked.
		after: u32,
	},
	/// The header chain does not end at the finalised block.
	#[error("the header chain ends at block #{number} 0x{}, but the justification finalises #{finalised_number} 0x{}", hex::encode(.block), hex::encode(.finalised))]
	NotFinalised {
		/// Where the chain ends.
		block: [u8; 32],
		/// Its number.
		number: u32,
		/// The finalised block.
		finalised: [u8; 32],
		/// Its number.
		finalised_number: u32,
	},
	/// The storage proof does not lead from the state root to the record.
	#[error("the storage proof does not match block #{block}'s state root: a trie node is missing or altered")]
	StorageProofInvalid {
		/// The block number.
		block: u32,
	},
	/// The proof shows there is no such document at that block.
	#[error("the storage proof shows no document {document} at block #{block}")]
	NotAnchored {
		/// The document id.
		document: u64,
		/// The block number.
		block: u32,
	},
	/// The bundle's record differs from the value the proof shows.
	#[error("the bundle's record of document {0} differs from the record proved on chain (a field was altered)")]
	RecordMismatch(u64),
	/// The proof shows no such batch, or not the one holding the document.
	#[error(
		"the storage proof shows no batch {batch} holding document {document} at block #{block}"
	)]
	BatchNotAnchored {
		/// The batch id.
		batch: u64,
		/// The document id.
		document: u64,
		/// The block number.
		block: u32,
	},
	/// The bundle's batch record differs from the value the proof shows.
	#[error("the bundle's record of batch {0} differs from the record proved on chain (a field, or the root, was altered)")]
	BatchRecordMismatch(u64),
	/// The leaf's index is not the document's place in its batch.
	#[error("the leaf's index {index} is not document {document}'s place in its batch")]
	LeafIndexMismatch {
		/// The document id.
		document: u64,
		/// The index the bundle gives.
		index: u32,
	},
	/// The leaf names another document, issuer, patient or type than the chain's entry.
	#[error(
		"the leaf is not document {0}'s: its id, issuer, patient or type differs from the chain's"
	)]
	LeafMismatch(u64),
	/// The leaf's Merkle path does not lead to its batch's root.
	#[error("document {document}'s Merkle path does not prove its leaf in the batch: {reason}")]
	BatchPathInvalid {
		/// The document id.
		document: u64,
		/// What failed.
		reason: medledger_primitives::merkle::PathError,
	},
	/// A set change does not hand the trusted set over to a next one.
	#[error("the authority set change is not valid: {0}")]
	SetChangeInvalid(String),
	/// A file was given but the bundle carries no salt.
	#[error("the bundle has no salt, so the file cannot be checked (get the bundle as someone who may read the document)")]
	SaltMissing,
	/// The commitment of the record's hospital, the salt and the file is not the anchored
	/// one.
	#[error("the file does not match document {0}'s anchored commitment: the file, or the bundle's salt, is not the one anchored")]
	CommitmentMismatch(u64),
}

impl Failure {
	/// The process exit code `medledger verify` uses (0 is success, 2 a usage error):
	/// 3 malformed input, 4 another chain or authority set (or an invalid set change), 5 finality (justification),
	/// 6 header or header chain, 7 storage proof, record, leaf or Merkle path, 8 the file or salt.
	pub fn exit_code(&self) -> i32 {
		use Failure::*;
		match self {
			Malformed(_) => 3,
			WrongChain { .. } | WrongAuthoritySet { .. } | SetChangeInvalid(_) => 4,
			AuthorityOutsideSet { .. }
			| DuplicateSignature { .. }
			| BadSignature { .. }
			| TooFewSignatures { .. }
			| CommitInvalid(_) => 5,
			HeaderMismatch { .. } | HeaderChainBroken { .. } | NotFinalised { .. } => 6,
			StorageProofInvalid { .. }
			| NotAnchored { .. }
			| RecordMismatch(_)
			| BatchNotAnchored { .. }
			| BatchRecordMismatch(_)
			| LeafIndexMismatch { .. }
			| LeafMismatch(_)
			| BatchPathInvalid { .. } => 7,
			SaltMissing | CommitmentMismatch(_) => 8,
		}
	}

	/// A stable short name, for `--json` output.
	pub fn kind(&self) -> &'static str {
		use Failure::*;
		match self {
			Malformed(_) => "malformed",
			WrongChain { .. } => "wrongChain",
			WrongAuthoritySet { .. } => "wrongAuthoritySet",
			SetChangeInvalid(_) => "setChangeInvalid",
			AuthorityOutsideSet { .. } => "authorityOutsideSet",
			DuplicateSignature { .. } => "duplicateSignature",
			BadSignature { .. } => "badSignature",
			TooFewSignatures { .. } => "tooFewSignatures",
			CommitInvalid(_) => "commitInvalid",
			HeaderMismatch { .. } => "headerMismatch",
			HeaderChainBroken { .. } => "headerChainBroken",
			NotFinalised { .. } => "notFinalised",
			StorageProofInvalid { .. } => "storageProofInvalid",
			NotAnchored { .. } => "notAnchored",
			RecordMismatch(_) => "recordMismatch",
			BatchNotAnchored { .. } => "batchNotAnchored",
			BatchRecordMismatch(_) => "batchRecordMismatch",
			LeafIndexMismatch { .. } => "leafIndexMismatch",
			LeafMismatch(_) => "leafMismatch",
			BatchPathInvalid { .. } => "batchPathInvalid",
			SaltMissing => "saltMissing",
			CommitmentMismatch(_) => "commitmentMismatch",
		}
	}
}

/// Verifies `bundle` against the `trusted` set, and `file` (if given) against the anchored
/// commitment. See the crate docs for the order of the checks.
pub fn verify(
	bundle: &ProofBundle,
	trusted: &TrustedSet,
	file: Option<&[u8]>,
) -> Result<Verified, Failure> {
	let state = state::prove(
		bundle.genesis_hash,
		&bundle.block,
		&bundle.storage_proof,
		&bundle.headers,
		&bundle.finality,
		trusted,
	)?;
	let id = bundle.document.id;
	let key = match bundle.batch {
		None => record::storage_key(id),
		Some(_) => record::in_batch_key(id),
	};
	let proved =
		state.read(&key)?.ok_or(Failure::NotAnchored { document: id, block: state.block.1 })?;
	if proved != bundle.document.record {
		return Err(Failure::RecordMismatch(id));
	}
	let record = match &bundle.batch {
		None => decode::<DocumentRecord>(&proved, "the document's record")?,
		Some(batch) => batched(id, decode(&proved, "the document's batch entry")?, batch, &state)?,
	};

	if let Some(file) = file {
		let salt = bundle.document.salt.ok_or(Failure::SaltMissing)?;
		let computed = medledger_primitives::recompute(&record.commitment, record.org, &salt, file);
		if computed != record.commitment {
			return Err(Failure::CommitmentMismatch(id));
		}
	}
	Ok(Verified {
		document: id,
		record,
		block: state.block,
		finalised: state.finalised,
		file_matches: file.is_some(),
		batch: bundle.batch.as_ref().map(|batch| batch.id),
	})
}

/// Document `id` of a rooted batch, from its `entry` on chain and the bundle's `batch` part:
/// the batch's record as proved, the leaf as the document's, its path to the batch's root.
fn batched(
	id: medledger_primitives::DocId,
	entry: BatchedRecord,
	batch: &bundle::BatchPart,
	state: &ProvenState,
) -> Result<DocumentRecord, Failure> {
	let block = state.block.1;
	let not_anchored = Failure::BatchNotAnchored { batch: batch.id, document: id, block };
	if entry.batch != batch.id {
		return Err(not_anchored);
	}
	let proved = state.read(&record::batch_key(batch.id))?.ok_or(not_anchored)?;
	if proved != batch.record {
		return Err(Failure::BatchRecordMismatch(batch.id));
	}
	let record: BatchRecord = decode(&proved, "the batch's record")?;
	if record.first.checked_add(u64::from(batch.index)) != Some(id) {
		return Err(Failure::LeafIndexMismatch { document: id, index: batch.index });
	}
	let leaf: Leaf = decode(&batch.leaf, "the document's leaf")?;
	let (leaf_id, leaf_org, document) = (leaf.0, leaf.1, leaf.2);
	if leaf_id != id
		|| leaf_org != record.org
		|| document.patient != entry.patient
		|| document.document_type != entry.document_type
	{
		return Err(Failure::LeafMismatch(id));
	}
	let hash = medledger_primitives::merkle::leaf_hash(&batch.leaf);
	medledger_primitives::merkle::verify(
		&record.root,
		hash,
		u64::from(batch.index),
		u64::from(record.count),
		&batch.path,
	)
	.map_err(|reason| Failure::BatchPathInvalid { document: id, reason })?;
	Ok(DocumentRecord {
		patient: document.patient,
		org: record.org,
		author: record.author,
		commitment: document.commitment,
		cid: document.cid,
		size: document.size,
		media_type: document.media_type,
		document_type: document.document_type,
		created_at: record.created_at,
		status: entry.status,
		previous: None,
	})
}

/// `bytes` as a `T`, or a malformed-input failure naming `what`.
fn decode<T: Decode>(bytes: &[u8], what: &str) -> Result<T, Failure> {
	let mut input = bytes;
	T::decode(&mut input).map_err(|_| Failure::Malformed(format!("{what} does not decode")))
}

/// Serde helpers: binary fields as `0x` hex strings.
pub mod hex_bytes {
	use serde::{de::Error, Deserialize, Deserializer, Serializer};

	/// Decodes `0x` hex (the prefix is optional).
	pub fn decode(text: &str) -> Result<Vec<u8>, crate::Failure> {
		hex::decode(text.strip_prefix("0x").unwrap_or(text))
			.map_err(|_| crate::Failure::Malformed(format!("not hex: {text:.20}…")))
	}

	fn encode(bytes: &[u8]) -> String {
		format!("0x{}", hex::encode(bytes))
	}

	fn parse<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
		let text = String::deserialize(d)?;
		decode(&text).map_err(D::Error::custom)
	}

	/// A byte vector.
	pub mod vec {
		use super::*;
		/// Serialises.
		pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
			s.serialize_str(&encode(bytes))
		}
		/// Deserialises.
		pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
			parse(d)
		}
	}

	/// A fixed-size byte array.
	pub mod array {
		use super::*;
		/// Serialises.
		pub fn serialize<S: Serializer, const N: usize>(
			bytes: &[u8; N],
			s: S,
		) -> Result<S::Ok, S::Error> {
			s.serialize_str(&encode(bytes))
		}
		/// Deserialises.
		pub fn deserialize<'de, D: Deserializer<'de>, const N: usize>(
			d: D,
		) -> Result<[u8; N], D::Error> {
			parse(d)?.try_into().map_err(|_| D::Error::custom(format!("expected {N} bytes")))
		}
	}

	/// An optional fixed-size byte array.
	pub mod option {
		use super::*;
		/// Serialises.
		pub fn serialize<S: Serializer, const N: usize>(
			bytes: &Option<[u8; N]>,
			s: S,
		) -> Result<S::Ok, S::Error> {
			match bytes {
				Some(bytes) => s.serialize_str(&encode(bytes)),
				None => s.serialize_none(),
			}
		}
		/// Deserialises.
		pub fn deserialize<'de, D: Deserializer<'de>, const N: usize>(
			d: D,
		) -> Result<Option<[u8; N]>, D::Error> {
			match Option::<String>::deserialize(d)? {
				None => Ok(None),
				Some(text) => decode(&text)
					.map_err(D::Error::custom)?
					.try_into()
					.map(Some)
					.map_err(|_| D::Error::custom(format!("expected {N} bytes"))),
			}
		}
	}

	/// A list of 32-byte hashes.
	pub mod hashes {
		use super::*;
		use serde::ser::SerializeSeq;
		/// Serialises.
		pub fn serialize<S: Serializer>(list: &[[u8; 32]], s: S) -> Result<S::Ok, S::Error> {
			let mut seq = s.serialize_seq(Some(list.len()))?;
			for hash in list {
				seq.serialize_element(&encode(hash))?;
			}
			seq.end()
		}
		/// Deserialises.
		pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<[u8; 32]>, D::Error> {
			Vec::<String>::deserialize(d)?
				.iter()
				.map(|text| {
					decode(text)
						.map_err(D::Error::custom)?
						.try_into()
						.map_err(|_| D::Error::custom("expected 32 bytes"))
				})
				.collect()
		}
	}

	/// A list of byte vectors.
	pub mod list {
		use super::*;
		use serde::ser::SerializeSeq;
		/// Serialises.
		pub fn serialize<S: Serializer>(list: &[Vec<u8>], s: S) -> Result<S::Ok, S::Error> {
			let mut seq = s.serialize_seq(Some(list.len()))?;
			for bytes in list {
				seq.serialize_element(&encode(bytes))?;
			}
			seq.end()
		}
		/// Deserialises.
		pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<u8>>, D::Error> {
			Vec::<String>::deserialize(d)?
				.iter()
				.map(|text| decode(text).map_err(D::Error::custom))
				.collect()
		}
	}
}

#[cfg(test)]
mod tests;
