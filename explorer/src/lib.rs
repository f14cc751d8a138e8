//! # MedLedger explorer
//!
//! The block explorer for auditors: read-only pages ([`assets`]: the page, its script and
//! style, and the trail check as WebAssembly built from `explorer/wasm`) and the
//! `explorer_*` methods they call ([`Explorer`], the API's `ExplorerApiServer`). A
//! hospital's gateway serves both — the pages under `/explorer`, the methods behind its
//! access middleware (auditor credential only) — beside the portal's own read methods
//! (`consent_history`, `audit_trail`, `audit_report`, `document_proof`, …).
//!
//! Everything here is read from the node, which keeps archive state — a block is described
//! with the state *of that block* ([`describe`]), and a document's anchoring block is found
//! by searching old states — except the audit history, which is in blocks and read from the
//! gateway's index (`medledger-index`). Nothing here writes.
//!
//! The trail completeness check is not done here: the page runs it itself, in WebAssembly,
//! over the records as stored on chain.

pub mod assets;
mod blocks;
pub mod describe;
mod documents;
mod search;
mod validators;

use jsonrpsee::{core::RpcResult, Extensions};
use medledger_chain_client::Chain;
use medledger_gateway_api::{
	api::explorer::{BlockDetail, Blocks, ChainStatus, DocumentHistory, ExplorerApiServer, Hit},
	values::Hex32,
};
use medledger_index::Index;
use medledger_primitives::DocId;
use std::sync::Arc;

/// The explorer's methods over a node's archive state and the gateway's audit index.
pub struct Explorer {
	chain: Arc<Chain>,
	index: Arc<Index>,
}

impl Explorer {
	/// The explorer of the chain `chain` connects to, with the audit history `index` holds.
	pub fn new(chain: Arc<Chain>, index: Arc<Index>) -> Self {
		Explorer { chain, index }
	}
}

#[jsonrpsee::core::async_trait]
impl ExplorerApiServer for Explorer {
	async fn explorer_status(&self, _: &Extensions) -> RpcResult<ChainStatus> {
		Ok(validators::status(&self.chain).await?)
	}

	async fn explorer_blocks(
		&self,
		_: &Extensions,
		before: Option<u64>,
		limit: Option<u32>,
	) -> RpcResult<Blocks> {
		Ok(blocks::blocks(&self.chain, before, limit).await?)
	}

	async fn explorer_block(
		&self,
		_: &Extensions,
		number: Option<u64>,
		hash: Option<Hex32>,
	) -> RpcResult<BlockDetail> {
		Ok(blocks::block(&self.chain, number, hash).await?)
	}

	async fn explorer_document(&self, _: &Extensions, id: DocId) -> RpcResult<DocumentHistory> {
		Ok(documents::document(&self.chain, &self.index, id).await?)
	}

	async fn explorer_search(&self, _: &Extensions, query: String) -> RpcResult<Vec<Hit>> {
		Ok(search::search(&self.chain, &query).await?)
	}
}

#[cfg(test)]
mod tests {
	use medledger_gateway_api::{convert::audit_entry, values::Account};
	use medledger_primitives::audit::{self, AuditEntry as Entry, AuditRecord, Refusal};
	use sp_runtime::AccountId32;

	/// The explorer's in-browser trail check shows the entries it decodes in the shape the
	/// gateway answers with: one table for both.
	#[test]
	fn an_audit_entry_has_the_shape_the_explorer_check_gives() {
		let record = AuditRecord {
			entry: Entry {
				patient: AccountId32::new([1; 32]),
				actor: AccountId32::new([2; 32]),
				org: Some(2),
				action: audit::AuditAction::Read,
				subject: audit::Subject::Document(7),
				consent: Some(3),
				purpose: Some(medledger_primitives::Purpose::Treatment),
				outcome: audit::Outcome::Refused(Refusal::ConsentRevoked),
				at: 1_700_000_000_000,
				occurred_at: Some(1_699_999_999_000),
			},
			head: [9; 32],
		};
		let ours = serde_json::to_value(audit_entry(4, &record)).unwrap();
		let theirs =
			medledger_explorer_wasm::entry_view(4, &record, |a| Account::from(a).to_string());
		assert_eq!(ours, theirs);
	}
}
