//! A document's record, however it was anchored.
//!
//! A document anchored alone, amended or anchored by `anchor_batch` has its record in the
//! state. One of a rooted batch (`anchor_rooted_batch`) has there only what the runtime
//! checks of it and its batch's record (root, issuer, author, time); the rest of its record —
//! CID, commitment, size, media type — is its leaf, in the call that anchored the batch,
//! which the index files once the batch's block is finalised (checked against the batch's
//! root). Until then the document is known but not readable from here: asked for, it is
//! "not indexed yet" (unavailable, to retry), not unknown.

use crate::Index;
use medledger_chain_client::{Chain, ChainError, H256};
use medledger_primitives::{DocId, OrgId};
use medledger_runtime::{AccountId, Runtime};
use pallet_documents::{Document, NewDocument};

/// Document `id`'s record in the state of block `at` (the best block if `None`).
pub async fn record_at(
	chain: &Chain,
	index: &Index,
	at: Option<H256>,
	id: DocId,
) -> Result<Option<Document<Runtime>>, ChainError> {
	let api = match at {
		Some(at) => chain.api_at(at),
		None => chain.api(),
	};
	if let Some(record) = api.document(id).await? {
		return Ok(Some(record));
	}
	let Some((entry, batch)) = api.batched(id).await? else { return Ok(None) };
	let unavailable = |why: String| ChainError::Unavailable(format!("document {id}: {why}"));
	let filed = index.leaf(id).map_err(|error| unavailable(error.to_string()))?;
	let filed = filed.ok_or_else(|| unavailable("its batch is not indexed yet".into()))?;
	let (leaf_id, org, document): (DocId, OrgId, NewDocument<AccountId>) =
		codec::Decode::decode(&mut &filed.leaf[..])
			.map_err(|_| unavailable("its indexed leaf does not decode".into()))?;
	if (leaf_id, org, filed.batch) != (id, entry.org, entry.batch) {
		return Err(unavailable("its indexed leaf is of another document".into()));
	}
	Document::of_batched(entry, batch, document)
		.map(Some)
		.ok_or_else(|| unavailable("its indexed leaf does not match the chain".into()))
}
