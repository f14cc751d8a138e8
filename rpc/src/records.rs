//! Documents, however they were anchored: whose each is, and the lists of a patient's or a
//! hospital's — the state's records merged with the rooted batches' documents the index
//! filed (`medledger_index::record_at` tells why those are there).

use crate::{portal::Whose, Gateway};
use medledger_chain_client::{ChainError, RuntimeApi};
use medledger_gateway_api::GatewayError;
use medledger_index::record_at;
use medledger_primitives::{DocId, OrgId, MAX_PAGE};
use medledger_runtime::{AccountId, Runtime};
use pallet_documents::Document;

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

/// A page of `whose` documents after `after`, at most `limit` (≤ `MAX_PAGE`), in id order:
/// those with records of their own (the state's lists) and those of rooted batches this
/// gateway's index has filed (a batch not final yet is listed once it is).
pub(crate) async fn page(
	gw: &Gateway,
	whose: &Whose,
	after: Option<DocId>,
	limit: u32,
) -> Result<Vec<(DocId, Document<Runtime>)>, GatewayError> {
	let api = gw.chain.api();
	let (mut documents, batched) = match whose {
		Whose::Patient(patient) => (
			api.documents_by_patient(patient, after, limit).await?,
			gw.index.batched_of_patient(patient, after, limit as usize)?,
		),
		Whose::Organisation(org) => (
			api.documents_by_organisation(*org, after, limit).await?,
			gw.index.batched_of_organisation(*org, after, limit as usize)?,
		),
	};
	for id in batched {
		if let Some(record) = record_at(&gw.chain, &gw.index, None, id).await? {
			documents.push((id, record));
		}
	}
	documents.sort_by_key(|(id, _)| *id);
	documents.truncate(limit as usize);
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
