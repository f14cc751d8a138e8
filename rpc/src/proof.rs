//! Proofs of chain state the patient's CLI (and anyone with the consortium's trust file)
//! verifies without trusting this gateway: proof bundles of documents' anchors
//! ([`medledger_verifier::bundle`], `document_proof`), state proofs of the facts a patient
//! acts on ([`medledger_verifier::state`], `consent_proof`, `organisation_proof`,
//! `trail_proof`) and the authority-set changes a trust file follows
//! ([`medledger_verifier::set_change`], `authority_setChanges`).
//!
//! The finality proof is a GRANDPA justification the node stored with a block F (one every
//! `GRANDPA_JUSTIFICATION_PERIOD` = 4 blocks, and at each authority-set change; the node's
//! `grandpa_proveFinality` is not used because it refuses every block of a chain whose
//! authority set never changed). By default the state is proved in F's own state, F being
//! the last justified block, so the proof shows the current facts; a fact written after F
//! gets `ProofNotReady` until the next justification (≤ 4 blocks). A bundle's `atBlock`
//! proves the state of an older block B (the node keeps archive state) and carries the
//! headers after B up to the first justified block F ≥ B. The set id is read at F's parent:
//! a block that enacts a new authority set is still justified by the old one.

use crate::Gateway;
use codec::{Decode, Encode};
use medledger_chain_client::{
	facts::{keys, Fact},
	H256,
};
use medledger_gateway_api::GatewayError;
use medledger_primitives::DocId;
use medledger_verifier::{
	bundle::{BatchPart, BlockPart, DocumentPart, FinalityPart, ProofBundle},
	SetChange, StateProof,
};
use sp_runtime::AccountId32;

/// How far below the finalised head the last justification is looked for: sixteen periods.
const JUSTIFIED_SEARCH: u32 = 64;
/// How long a trail proof waits for the audit index to file its block (the index follows
/// finality within a second; a rebuilding or stuck one gets `ProofNotReady`).
const INDEX_PATIENCE: std::time::Duration = std::time::Duration::from_secs(5);

/// The bundle proving document `id`'s record at block `at` (default: the last justified
/// block): its own record (format 1), or for a document of a rooted batch its entry and its
/// batch's record, with its leaf and Merkle path from the index (format 2).
pub async fn bundle(gw: &Gateway, id: DocId, at: Option<u32>) -> Result<ProofBundle, GatewayError> {
	let chain = &gw.chain;
	let anchor = Anchor::find(gw, at).await?;
	let key = keys::document(id);
	let (record, keys, batch) = match chain.storage_at(&key, anchor.block).await? {
		Some(record) => (record, vec![key], None),
		None => match chain.storage_at(&keys::in_batch(id), anchor.block).await? {
			Some(entry) => {
				let (keys, batch) = batch_part(gw, id, &entry, anchor.block, anchor.number).await?;
				(entry, keys, Some(batch))
			}
			None if at.is_some() => {
				return Err(GatewayError::invalid(
					"atBlock",
					format!("document {id} is not anchored at that block"),
				))
			}
			// Anchored after the last justified block: the next justification will cover it.
			None => return Err(GatewayError::ProofNotReady(anchor.number.into())),
		},
	};
	let storage_proof = chain.read_proof(&keys, anchor.block).await?;
	let finality = anchor.finality(gw).await?;
	let format = match batch {
		None => medledger_verifier::BUNDLE_FORMAT,
		Some(_) => medledger_verifier::BATCHED_BUNDLE_FORMAT,
	};
	Ok(ProofBundle {
		format: format.into(),
		genesis_hash: finality.genesis,
		document: DocumentPart { id, record, salt: None },
		batch,
		block: finality.block,
		storage_proof,
		headers: finality.headers,
		finality: finality.finality,
	})
}

/// The keys to prove for document `id` of a rooted batch (its `entry`, SCALE, at `block`,
/// number `number`) and the bundle's batch part: the batch's record, and the leaf with its
/// path from the index — which files the batch once its block is final, so by the time a
/// justification covers it (or soon after: `ProofNotReady` until then).
async fn batch_part(
	gw: &Gateway,
	id: DocId,
	entry: &[u8],
	block: H256,
	number: u32,
) -> Result<(Vec<Vec<u8>>, BatchPart), GatewayError> {
	let entry =
		pallet_documents::BatchedDocument::<medledger_runtime::Runtime>::decode(&mut &entry[..])
			.map_err(GatewayError::internal)?;
	let batch_key = keys::batch(entry.batch);
	let record =
		gw.chain.storage_at(&batch_key, block).await?.ok_or_else(|| {
			GatewayError::internal(format!("batch {} has no record", entry.batch))
		})?;
	if !gw.index.filed(number.into(), INDEX_PATIENCE).await {
		return Err(GatewayError::ProofNotReady(number.into()));
	}
	let (leaf, path) = gw.index.leaf_with_path(id)?.ok_or_else(|| {
		GatewayError::internal(format!("document {id}'s batch is final and not indexed"))
	})?;
	let part = BatchPart { id: entry.batch, record, leaf: leaf.leaf, index: leaf.position, path };
	Ok((vec![keys::in_batch(id), batch_key], part))
}

/// A state proof of `patient`'s trail head at the last justified block, once the audit index
/// has filed that block: whoever checks the gateway's trail against the proven head must
/// find every entry up to it (a head ahead of the index would make a complete trail look
/// cut short). An index that has not filed it within [`INDEX_PATIENCE`] gets
/// `ProofNotReady`, as a fact not yet justified does: the caller asks again.
pub async fn trail(gw: &Gateway, patient: AccountId32) -> Result<StateProof, GatewayError> {
	let anchor = Anchor::find(gw, None).await?;
	if !gw.index.filed(anchor.number.into(), INDEX_PATIENCE).await {
		return Err(GatewayError::ProofNotReady(anchor.number.into()));
	}
	state_at(gw, Fact::Trail(patient), anchor).await
}

/// A state proof of `fact` at the last justified block. A fact written since (absent there,
/// present in the best block's state) gets `ProofNotReady`; one absent from both is proved
/// absent.
pub async fn state(gw: &Gateway, fact: Fact) -> Result<StateProof, GatewayError> {
	state_at(gw, fact, Anchor::find(gw, None).await?).await
}

async fn state_at(gw: &Gateway, fact: Fact, anchor: Anchor) -> Result<StateProof, GatewayError> {
	let chain = &gw.chain;
	if chain.storage_at(&fact.key(), anchor.block).await?.is_none()
		&& chain.storage_at(&fact.key(), chain.best_head().await?.0).await?.is_some()
	{
		return Err(GatewayError::ProofNotReady(anchor.number.into()));
	}
	let keys = fact.keys_at(&gw.chain, anchor.block).await?;
	let storage_proof = gw.chain.read_proof(&keys, anchor.block).await?;
	let finality = anchor.finality(gw).await?;
	Ok(StateProof {
		format: medledger_verifier::STATE_FORMAT.into(),
		genesis_hash: finality.genesis,
		block: finality.block,
		storage_proof,
		headers: finality.headers,
		finality: finality.finality,
	})
}

/// The authority-set changes since set `from`, each as the header of the block that
/// scheduled it (the first whose state holds the next set id: the runtime schedules a
/// change and counts the set in the same block), the headers up to the first justified
/// block at or after it — the node stores a justification, by the old set, at every
/// enacted change — and that justification.
pub async fn set_changes(gw: &Gateway, from: u64) -> Result<Vec<SetChange>, GatewayError> {
	let chain = &gw.chain;
	let head = chain.finalised_head().await?;
	let finalised = chain.block_number(head).await? as u32;
	let current: u64 = chain.api_at(head).grandpa_set_id().await?;
	if from > current {
		return Err(GatewayError::invalid("from", format!("the current set is {current}")));
	}
	let set_at = |n: u32| async move {
		Ok::<u64, GatewayError>(chain.api_at(finalised_hash(gw, n).await?).grandpa_set_id().await?)
	};
	let mut changes = Vec::new();
	let mut after = 0;
	for set in from + 1..=current {
		// Binary search: set ids only grow along the chain.
		let (mut low, mut high) = (after, finalised);
		while low < high {
			let mid = low + (high - low) / 2;
			if set_at(mid).await? >= set {
				high = mid;
			} else {
				low = mid + 1;
			}
		}
		let (enacted, _, justification) = chain
			.justified_block(low..=finalised)
			.await?
			.ok_or(GatewayError::ProofNotReady(low.into()))?;
		let headers = encoded_headers(gw, low..=enacted).await?;
		changes.push(SetChange { headers, justification });
		after = low;
	}
	Ok(changes)
}

/// The hash of finalised block `n`.
async fn finalised_hash(gw: &Gateway, n: u32) -> Result<H256, GatewayError> {
	gw.chain
		.block_hash(n.into())
		.await?
		.ok_or_else(|| GatewayError::internal(format!("finalised block {n} has no hash")))
}

/// The SCALE headers of finalised blocks `numbers`, ascending.
async fn encoded_headers(
	gw: &Gateway,
	numbers: std::ops::RangeInclusive<u32>,
) -> Result<Vec<Vec<u8>>, GatewayError> {
	let mut headers = Vec::new();
	for n in numbers {
		headers.push(gw.chain.header(finalised_hash(gw, n).await?).await?.encode());
	}
	Ok(headers)
}

/// The block whose state is proved and the justified block that finalises it.
struct Anchor {
	number: u32,
	block: H256,
	justified: (u32, H256),
	justification: Vec<u8>,
}

/// What proves an [`Anchor`] final: its header, the headers after it, the justification.
struct Finality {
	genesis: [u8; 32],
	block: BlockPart,
	headers: Vec<Vec<u8>>,
	finality: FinalityPart,
}

impl Anchor {
	/// Block `at` (default: the last justified block) and the first justified block at or
	/// after it.
	async fn find(gw: &Gateway, at: Option<u32>) -> Result<Self, GatewayError> {
		let chain = &gw.chain;
		let finalised = chain.block_number(chain.finalised_head().await?).await? as u32;
		let not_ready = |n: u32| GatewayError::ProofNotReady(n.into());
		let (number, justified, justification) = match at {
			Some(at) if at > finalised => return Err(not_ready(at)),
			Some(at) => {
				let (f, hash, justification) =
					chain.justified_block(at..=finalised).await?.ok_or(not_ready(at))?;
				(at, (f, hash), justification)
			}
			None => {
				let recent = finalised.saturating_sub(JUSTIFIED_SEARCH)..=finalised;
				let (f, hash, justification) =
					chain.justified_block(recent.rev()).await?.ok_or(not_ready(finalised))?;
				(f, (f, hash), justification)
			}
		};
		let block = chain.block_hash(number.into()).await?.ok_or(not_ready(number))?;
		Ok(Anchor { number, block, justified, justification })
	}

	async fn finality(self, gw: &Gateway) -> Result<Finality, GatewayError> {
		let chain = &gw.chain;
		let header = chain.header(self.block).await?;
		let headers = encoded_headers(gw, self.number + 1..=self.justified.0).await?;
		let justified_parent = chain.header(self.justified.1).await?.parent_hash;
		let set_id: u64 = chain.api_at(justified_parent).grandpa_set_id().await?;
		let genesis =
			chain.block_hash(0).await?.ok_or_else(|| GatewayError::internal("no genesis hash"))?;
		Ok(Finality {
			genesis: genesis.0,
			block: BlockPart { number: self.number, hash: self.block.0, header: header.encode() },
			headers,
			finality: FinalityPart { set_id, justification: self.justification },
		})
	}
}
#[cfg(test)]
mod tests {
	use medledger_runtime::Runtime;
	use pallet_documents::{Document, DocumentStatus};

	/// The verifier declares GRANDPA's digest log itself (no node crates): a scheduled
	/// change must encode as `(1, next authorities, delay)`, what its set-change check reads.
	#[test]
	fn the_verifier_reads_grandpas_scheduled_change() {
		use codec::Encode;
		use sp_consensus_grandpa::{ConsensusLog, ScheduledChange};
		let id = sp_core::ed25519::Public::from_raw([7; 32]);
		let log = ConsensusLog::<u32>::ScheduledChange(ScheduledChange {
			next_authorities: vec![(id.into(), 1)],
			delay: 0,
		});
		assert_eq!(log.encode(), (1u8, vec![([7u8; 32], 1u64)], 0u32).encode());
	}

	/// The verifier declares the record's layout itself (it has no FRAME); it must decode
	/// exactly what the pallet stores.
	#[test]
	fn the_verifier_decodes_the_pallets_record() {
		use codec::{Decode, Encode};
		let doc = Document::<Runtime> {
			patient: [1; 32].into(),
			org: 3,
			author: [2; 32].into(),
			commitment: [4; 32],
			cid: vec![1, 0x55, 0x12, 0x20].try_into().unwrap(),
			size: 1234,
			media_type: b"application/pdf".to_vec().try_into().unwrap(),
			document_type: b"11502-2".to_vec().try_into().unwrap(),
			created_at: 99,
			status: DocumentStatus::Superseded { by: 8 },
			previous: Some(5),
		};
		let bytes = doc.encode();
		let record = medledger_verifier::DocumentRecord::decode(&mut &bytes[..]).unwrap();
		assert_eq!(record.encode(), bytes);
		assert_eq!(record.status, medledger_verifier::RecordStatus::Superseded { by: 8 });
		assert_eq!((record.org, record.size, record.previous), (3, 1234, Some(5)));
	}

	/// Likewise for a rooted batch's record, a batched document's entry and its leaf.
	#[test]
	fn the_verifier_decodes_the_pallets_batch_entry_and_leaf() {
		use codec::{Decode, Encode};
		use medledger_verifier::{BatchRecord, BatchedRecord, Leaf};
		use pallet_documents::{Batch, BatchedDocument, NewDocument};
		let batch = Batch::<Runtime> {
			root: [1; 32],
			first: 5,
			count: 3,
			org: 2,
			author: [2; 32].into(),
			created_at: 99,
		};
		let bytes = batch.encode();
		let record = BatchRecord::decode(&mut &bytes[..]).unwrap();
		assert_eq!((record.encode(), record.first, record.count), (bytes, 5, 3));
		let entry = BatchedDocument::<Runtime> {
			batch: 4,
			patient: [1; 32].into(),
			org: 2,
			document_type: b"11502-2".to_vec().try_into().unwrap(),
			status: DocumentStatus::SupersededEnteredInError { by: 9 },
		};
		let bytes = entry.encode();
		let record = BatchedRecord::decode(&mut &bytes[..]).unwrap();
		assert_eq!((record.encode(), record.batch), (bytes, 4));
		let document = NewDocument {
			patient: sp_runtime::AccountId32::from([1; 32]),
			commitment: [4; 32],
			cid: vec![1, 0x55, 0x12, 0x20],
			size: 1234,
			media_type: b"application/pdf".to_vec(),
			document_type: b"11502-2".to_vec(),
		};
		let leaf = pallet_documents::leaf(6, 2, &document);
		let (id, org, submitted) = Leaf::decode(&mut &leaf[..]).unwrap();
		assert_eq!((id, org, submitted.size, submitted.patient), (6, 2, 1234, [1; 32]));
		assert_eq!((id, org, submitted).encode(), leaf);
	}
}
