//! Documents, however they were anchored: whose each is, and the lists of a patient's or a
//! hospital's — from the index, which lists every document of finalised blocks in id order
//! (the state's own lists are in hash order and leave out rooted batches' documents;
//! `medledger_index::record_at` tells why those are kept apart).

use crate::{portal::Whose, Gateway};
use futures::StreamExt;
use medledger_chain_client::{ChainError, RuntimeApi};
use medledger_gateway_api::GatewayError;
use medledger_index::record_at;
use medledger_primitives::{DocId, OrgId, MAX_PAGE};
use medledger_runtime::{AccountId, Runtime};
use pallet_documents::Document;
use std::time::Duration;

/// Whose document `id` is and which hospital issued it, however it was anchored: what the
/// state keeps of every document, so known at once, index or not.
pub async fn owner(
	api: RuntimeApi<'_>,
	id: DocId,
) -> Result<Option<(AccountId, OrgId)>, ChainError> {
	if let Some(record) = api.document(id).await? {
		return Ok(Some((record.patient, record.org)));
	}
	Ok(api.batched(id).await?.map(|(entry, _)| (entry.patient, entry.org)))
}

/// Records asked of the node at once while listing.
const CONCURRENT_RECORDS: usize = 16;

/// How long a list asked to be complete through a block waits for the index to file it.
const INDEX_PATIENCE: Duration = Duration::from_secs(5);

/// Waits until the index has filed finalised block `number` — then it lists every document
/// up to it (a patient who saw her grant final lists every document the grant left her to
/// wrap) — at most [`INDEX_PATIENCE`]; else `ProofNotReady`, to ask again. A block the node
/// has not finalised is answered so at once: only the index's lag behind the node is waited
/// for, never a number a caller made up.
pub(crate) async fn filed(gw: &Gateway, number: u64) -> Result<(), GatewayError> {
	if number > gw.reads.finalised(&gw.chain).await? {
		return Err(GatewayError::ProofNotReady(number));
	}
	match gw.index.filed(number, INDEX_PATIENCE).await {
		true => Ok(()),
		false => Err(GatewayError::ProofNotReady(number)),
	}
}

/// A page of `whose` documents after `after`, at most `limit` (≤ `MAX_PAGE`), in id order,
/// however anchored: the ids from the index (so of finalised blocks: a document is listed
/// once its anchor is final), each record as the best block holds it (its status now).
pub(crate) async fn page(
	gw: &Gateway,
	whose: &Whose,
	after: Option<DocId>,
	limit: u32,
) -> Result<Vec<(DocId, Document<Runtime>)>, GatewayError> {
	let limit = limit.min(MAX_PAGE) as usize;
	let ids = match whose {
		Whose::Patient(patient) => gw.index.documents_of_patient(patient, after, limit)?,
		Whose::Organisation(org) => gw.index.documents_of_organisation(*org, after, limit)?,
	};
	let best = gw.chain.best_head().await?.0;
	let records = futures::stream::iter(ids)
		.map(|id| async move { (id, record_at(&gw.chain, &gw.index, Some(best), id).await) })
		.buffered(CONCURRENT_RECORDS)
		.collect::<Vec<_>>()
		.await;
	let mut documents = Vec::with_capacity(records.len());
	for (id, record) in records {
		let record = record?.ok_or_else(|| {
			GatewayError::internal(format!("document {id} is indexed and not on chain"))
		})?;
		documents.push((id, record));
	}
	Ok(documents)
}

/// All of `whose` documents, page by page.
pub(crate) async fn all(
	gw: &Gateway,
	whose: &Whose,
) -> Result<Vec<(DocId, Document<Runtime>)>, GatewayError> {
	let mut all = Vec::new();
	loop {
		let after = all.last().map(|(id, _)| *id);
		let page = page(gw, whose, after, MAX_PAGE).await?;
		let full = page.len() == MAX_PAGE as usize;
		all.extend(page);
		if !full {
			return Ok(all);
		}
	}
}
