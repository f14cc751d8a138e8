//! A document's record, however it was anchored.
//!
//! A document anchored alone, amended or anchored by `anchor_batch` has its record in the
//! state. One of a rooted batch (`anchor_rooted_batch`) has there only what the runtime
//! checks of it and its batch's record (root, issuer, author, time); the rest of its record —
//! CID, commitment, size, media type — is its leaf, in the call that anchored the batch,
//! which the index files once the batch's block is finalised (checked against the batch's
//! root). Until then the document is known but not readable from here: asked for, it is
//! "not indexed yet" (unavailable, to retry), not unknown.

use crate::{BatchedLeaf, Index, IndexError};
use medledger_chain_client::{Chain, ChainError, H256};
use medledger_primitives::{merkle, DocId, Hash, OrgId};
use medledger_runtime::{AccountId, Runtime};
use pallet_documents::{Batch, BatchedDocument, Document, NewDocument};

/// Why a document's record could not be had.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
	/// Of a rooted batch whose block the index has not filed yet (not final yet, or the index
	/// behind): asked again, it will be.
	#[error("document {0} is of a rooted batch not indexed yet")]
	NotIndexed(DocId),
	/// The leaf the index holds is not this document's in its batch as the chain keeps it
	/// (another id, issuer, patient or type, or a leaf its path does not lead to the root
	/// with): the index file was changed by something else.
	#[error("the index's leaf of document {0} does not match the chain")]
	Mismatch(DocId),
	/// The index failed.
	#[error(transparent)]
	Index(#[from] IndexError),
	/// The node failed.
	#[error(transparent)]
	Chain(#[from] ChainError),
}

impl From<RecordError> for ChainError {
	/// For callers that only tell the node's failures apart: each of these is one to retry
	/// or report, none a refusal.
	fn from(error: RecordError) -> Self {
		match error {
			RecordError::Chain(error) => error,
			other => ChainError::Unavailable(other.to_string()),
		}
	}
}

/// Document `id`'s record in the state of block `at` (the best block if `None`). A
/// batched document's leaf is served only if, with its path, it leads to its batch's root as
/// the chain keeps it, at its place: the index is not trusted for it.
pub async fn record_at(
	chain: &Chain,
	index: &Index,
	at: Option<H256>,
	id: DocId,
) -> Result<Option<Document<Runtime>>, RecordError> {
	let api = match at {
		Some(at) => chain.api_at(at),
		None => chain.api(),
	};
	if let Some(record) = api.document(id).await? {
		return Ok(Some(record));
	}
	let Some((entry, batch)) = api.batched(id).await? else { return Ok(None) };
	let (filed, path) = index.leaf_with_path(id)?.ok_or(RecordError::NotIndexed(id))?;
	checked(id, entry, batch, &filed, &path).map(Some)
}

/// Document `id`'s record from what the chain keeps of it (`entry`, `batch`) and the leaf
/// and path the index gives: [`RecordError::Mismatch`] unless the leaf is this document's
/// and, at its place, leads with its path to the batch's root.
pub(crate) fn checked(
	id: DocId,
	entry: BatchedDocument<Runtime>,
	batch: Batch<Runtime>,
	filed: &BatchedLeaf,
	path: &[Hash],
) -> Result<Document<Runtime>, RecordError> {
	let mismatch = RecordError::Mismatch(id);
	let (leaf_id, org, document): (DocId, OrgId, NewDocument<AccountId>) =
		codec::Decode::decode(&mut &filed.leaf[..]).map_err(|_| RecordError::Mismatch(id))?;
	let at_its_place = batch.first.checked_add(filed.position.into()) == Some(id);
	let proved = merkle::verify(
		&batch.root,
		merkle::leaf_hash(&filed.leaf),
		filed.position.into(),
		batch.count.into(),
		path,
	);
	if (leaf_id, org, filed.batch) != (id, entry.org, entry.batch)
		|| !at_its_place
		|| proved.is_err()
	{
		return Err(mismatch);
	}
	Document::of_batched(entry, batch, document).ok_or(mismatch)
}
