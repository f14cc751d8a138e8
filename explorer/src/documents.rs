//! `explorer_document`: a document with its anchoring block, versions, covering consents
//! and access history.

use medledger_chain_client::Chain;
use medledger_gateway_api::{
	api::{
		audit::BlockRef,
		explorer::{CoveringConsent, DocumentHistory},
	},
	convert,
	values::Hex32,
	GatewayError,
};
use medledger_index::Index;
use medledger_primitives::{audit::Subject, DocId};
use medledger_runtime::Runtime;
use pallet_consent::{Consent, KeyWrap};
use pallet_documents::Document;
use sp_core::H256;

/// `explorer_document`: a document with the block that anchored it, its versions, the
/// consents whose scope covers it (and whether its key was released to each), and every
/// access to it in the patient's trail.
pub(crate) async fn document(
	chain: &Chain,
	index: &Index,
	id: DocId,
) -> Result<DocumentHistory, GatewayError> {
	let doc = document_record(chain, index, id).await?;
	let anchored = anchoring_block(chain, id).await?;

	// Versions: back through `previous`, forward through `superseded by`.
	let mut versions = vec![(id, doc.clone())];
	let mut earlier = doc.previous;
	while let Some(previous) = earlier {
		let record = document_record(chain, index, previous).await?;
		earlier = record.previous;
		versions.insert(0, (previous, record));
	}
	let mut later = doc.status;
	while let Some(by) = later.superseded_by() {
		let record = document_record(chain, index, by).await?;
		later = record.status;
		versions.push((by, record));
	}

	let consents: Vec<(u64, Consent<Runtime>)> =
		chain.api().all_consents_by_patient(&doc.patient).await?;
	let mut coverage = Vec::new();
	for (consent_id, consent) in
		consents.iter().filter(|(_, c)| c.scope.covers(id, &doc.document_type))
	{
		let wrap: Option<KeyWrap<Runtime>> = chain.api().key_wrap(id, consent.org).await?;
		coverage.push(CoveringConsent {
			consent: convert::consent(*consent_id, consent),
			// Wraps are kept per (document, hospital); this consent's, if it made the one
			// there.
			key_released: wrap.is_some_and(|w| w.consent == *consent_id),
		});
	}
	let access = index
		.trail_matching(&doc.patient, |entry| entry.subject == Subject::Document(id))?
		.iter()
		.map(|(seq, record)| convert::audit_entry(*seq, record))
		.collect();
	Ok(DocumentHistory {
		document: convert::document(id, &doc)?,
		anchored_in: anchored.map(|(number, hash)| BlockRef { number, hash: Hex32::from(hash) }),
		versions: convert::documents(&versions)?,
		consents: coverage,
		access,
	})
}

/// Document `id`'s record on chain (of a rooted batch: with its leaf from the index).
async fn document_record(
	chain: &Chain,
	index: &Index,
	id: DocId,
) -> Result<Document<Runtime>, GatewayError> {
	let doc = medledger_index::record_at(chain, index, None, id).await?;
	doc.ok_or(GatewayError::UnknownDocument(id))
}

/// The first block whose state holds document `id` — its record, or its entry in a rooted
/// batch: a binary search over the archive node's states (neither is ever deleted, so
/// presence is monotonic).
async fn anchoring_block(chain: &Chain, id: DocId) -> Result<Option<(u64, H256)>, GatewayError> {
	use medledger_chain_client::facts::keys;
	let (best_hash, best) = chain.best_head().await?;
	let key = match chain.storage_at(&keys::document(id), best_hash).await? {
		Some(_) => keys::document(id),
		None => keys::in_batch(id),
	};
	let (mut low, mut high) = (0u64, best);
	let present = |number: u64| {
		let key = &key;
		async move {
			let Some(hash) = chain.block_hash(number).await? else {
				return Ok::<_, GatewayError>(None);
			};
			Ok(chain.storage_at(key, hash).await?.map(|_| hash))
		}
	};
	let Some(mut found) = present(high).await? else { return Ok(None) };
	while low < high {
		let middle = low + (high - low) / 2;
		match present(middle).await? {
			Some(hash) => {
				high = middle;
				found = hash;
			}
			None => low = middle + 1,
		}
	}
	Ok(Some((high, found)))
}
