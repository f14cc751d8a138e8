//! Proof bundles ([`medledger_verifier::bundle`]) of documents' anchors, which the patient's
//! CLI (and anyone with the consortium's trust file) verifies offline; served by
//! `document_proof`.
//!
//! The finality proof is a GRANDPA justification the node stored with a block F (one every
//! `GRANDPA_JUSTIFICATION_PERIOD` = 16 blocks, and at each authority-set change; the node's
//! `grandpa_proveFinality` is not used because it refuses every block of a chain whose
//! authority set never changed). By default the record is proved in F's own state, F being
//! the last justified block, so the bundle shows the document's current status; a document
//! anchored after F gets `ProofNotReady` until the next justification (≤ 16 blocks).
//! `atBlock` proves the state of an older block B (the node keeps archive state) and carries
//! the headers after B up to the first justified block F ≥ B. The set id is read at F's
//! parent: a block that enacts a new authority set is still justified by the old one.

use crate::Gateway;
use codec::Encode;
use medledger_gateway_api::GatewayError;
use medledger_primitives::DocId;
use medledger_verifier::bundle::{BlockPart, DocumentPart, FinalityPart, ProofBundle};

/// How far below the finalised head the last justification is looked for: four periods.
const JUSTIFIED_SEARCH: u32 = 64;

/// The bundle proving document `id`'s record at block `at` (default: the last justified
/// block).
pub async fn bundle(gw: &Gateway, id: DocId, at: Option<u32>) -> Result<ProofBundle, GatewayError> {
	let chain = &gw.chain;
	let explicit = at.is_some();
	let finalised = chain.block_number(chain.finalised_head().await?).await? as u32;
	let not_ready = |n: u32| GatewayError::ProofNotReady(n.into());
	let (at, justified, justification) = match at {
		Some(at) if at > finalised => return Err(not_ready(at)),
		Some(at) => {
			let (f, hash, justification) =
				gw.chain.justified_block(at..=finalised).await?.ok_or(not_ready(at))?;
			(at, (f, hash), justification)
		}
		None => {
			let recent = finalised.saturating_sub(JUSTIFIED_SEARCH)..=finalised;
			let (f, hash, justification) =
				gw.chain.justified_block(recent.rev()).await?.ok_or(not_ready(finalised))?;
			(f, (f, hash), justification)
		}
	};
	let block = chain.block_hash(at.into()).await?.ok_or(not_ready(at))?;
	let header = chain.header(block).await?;
	let key = medledger_chain_client::Chain::document_key(id);
	let record = match chain.storage_at(&key, block).await? {
		Some(record) => record,
		None if explicit => {
			return Err(GatewayError::invalid(
				"atBlock",
				format!("document {id} is not anchored at that block"),
			))
		}
		// Anchored after the last justified block: the next justification will cover it.
		None => return Err(not_ready(at)),
	};
	let storage_proof = chain.read_proof(&key, block).await?;
	let mut headers = Vec::new();
	for n in at + 1..=justified.0 {
		let hash = chain
			.block_hash(n.into())
			.await?
			.ok_or_else(|| GatewayError::internal(format!("finalised block {n} has no hash")))?;
		headers.push(chain.header(hash).await?.encode());
	}
	let justified_parent = chain.header(justified.1).await?.parent_hash;
	let set_id: u64 = chain.api_at(justified_parent).grandpa_set_id().await?;
	let genesis =
		chain.block_hash(0).await?.ok_or_else(|| GatewayError::internal("no genesis hash"))?;
	Ok(ProofBundle {
		format: medledger_verifier::BUNDLE_FORMAT.into(),
		genesis_hash: genesis.0,
		document: DocumentPart { id, record, salt: None },
		block: BlockPart { number: at, hash: block.0, header: header.encode() },
		storage_proof,
		headers,
		finality: FinalityPart { set_id, justification },
	})
}

#[cfg(test)]
mod tests {
	use medledger_runtime::Runtime;
	use pallet_documents::{Document, DocumentStatus};

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
}
