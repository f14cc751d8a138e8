//! The runtime APIs, one typed function each, at the best block or at a given block.
//!
//! The `state_call` method names live here and nowhere else; each function's argument and
//! result types are the ones `runtime/src/apis.rs` implements, so a mismatch is a decode
//! error at this one place rather than a guess at every call site.

use crate::{connection::decode_all, Chain, ChainError};
use codec::{Decode, Encode};
use jsonrpsee::rpc_params;
use medledger_primitives::{
	audit::{Refusal, TrailHead},
	Action, ConsentId, DocId, Hash, Purpose, MAX_PAGE,
};
use medledger_runtime::{AccountId, BlockNumber, Runtime};
use pallet_consent::{Access, Consent, KeyWrap, PatientWrap};
use pallet_consortium::{Member, OrgId, OrganisationOf};
use pallet_documents::{Batch, BatchedDocument, Document};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_core::{Bytes, H256};

/// The runtime APIs at one block (the best block unless one is named).
#[derive(Clone, Copy)]
pub struct RuntimeApi<'a> {
	chain: &'a Chain,
	at: Option<H256>,
}

impl Chain {
	/// The runtime APIs at the best block.
	pub fn api(&self) -> RuntimeApi<'_> {
		RuntimeApi { chain: self, at: None }
	}

	/// The runtime APIs in the state of block `at`.
	pub fn api_at(&self, at: H256) -> RuntimeApi<'_> {
		RuntimeApi { chain: self, at: Some(at) }
	}
}

impl RuntimeApi<'_> {
	async fn call<R: Decode>(
		&self,
		method: &'static str,
		args: impl Encode,
	) -> Result<R, ChainError> {
		let bytes: Bytes = self
			.chain
			.rpc("state_call", rpc_params![method, Bytes(args.encode()), self.at])
			.await?;
		decode_all(&bytes, method)
	}

	/// Every item of a paged list — `method` takes `(key, after, limit)` and returns up to
	/// `limit` `(id, item)` pairs after `after` — fetched page by page.
	async fn all<T: Decode>(
		&self,
		method: &'static str,
		key: impl Encode,
	) -> Result<Vec<(u64, T)>, ChainError> {
		let mut out = Vec::new();
		let mut after: Option<u64> = None;
		loop {
			let page: Vec<(u64, T)> = self.call(method, (&key, after, MAX_PAGE)).await?;
			let full = page.len() as u32 == MAX_PAGE;
			after = page.last().map(|(id, _)| *id);
			out.extend(page);
			if !full {
				return Ok(out);
			}
		}
	}

	// ConsortiumApi

	/// Every organisation with its id.
	pub async fn organisations(&self) -> Result<Vec<(OrgId, OrganisationOf<Runtime>)>, ChainError> {
		self.call("ConsortiumApi_organisations", ()).await
	}

	/// A member's record.
	pub async fn member(&self, who: &AccountId) -> Result<Option<Member<BlockNumber>>, ChainError> {
		self.call("ConsortiumApi_member", who).await
	}

	// DocumentsApi

	/// A document version by id.
	pub async fn document(&self, id: DocId) -> Result<Option<Document<Runtime>>, ChainError> {
		self.call("DocumentsApi_document", id).await
	}

	/// A document of a rooted batch: what the state keeps of it, and its batch's record.
	pub async fn batched(
		&self,
		id: DocId,
	) -> Result<Option<(BatchedDocument<Runtime>, Batch<Runtime>)>, ChainError> {
		self.call("DocumentsApi_batched", id).await
	}

	/// The document holding `commitment` that hospital `org` anchored, however anchored.
	pub async fn document_id(
		&self,
		commitment: Hash,
		org: OrgId,
	) -> Result<Option<DocId>, ChainError> {
		self.call("DocumentsApi_document_id", (commitment, org)).await
	}

	/// A patient's documents after `after`, at most `limit` (≤ 1,000).
	pub async fn documents_by_patient(
		&self,
		patient: &AccountId,
		after: Option<DocId>,
		limit: u32,
	) -> Result<Vec<(DocId, Document<Runtime>)>, ChainError> {
		self.call("DocumentsApi_documents_by_patient", (patient, after, limit)).await
	}

	/// An organisation's documents after `after`, at most `limit` (≤ 1,000).
	pub async fn documents_by_organisation(
		&self,
		org: OrgId,
		after: Option<DocId>,
		limit: u32,
	) -> Result<Vec<(DocId, Document<Runtime>)>, ChainError> {
		self.call("DocumentsApi_documents_by_organisation", (org, after, limit)).await
	}

	// ConsentApi

	/// A consent by id; a grant past its window shows as `Expired`.
	pub async fn consent(&self, id: ConsentId) -> Result<Option<Consent<Runtime>>, ChainError> {
		self.call("ConsentApi_consent", id).await
	}

	/// A patient's consents after `after`, at most `limit` (≤ 1,000).
	pub async fn consents_by_patient(
		&self,
		patient: &AccountId,
		after: Option<ConsentId>,
		limit: u32,
	) -> Result<Vec<(ConsentId, Consent<Runtime>)>, ChainError> {
		self.call("ConsentApi_consents_by_patient", (patient, after, limit)).await
	}

	/// All of a patient's consents.
	pub async fn all_consents_by_patient(
		&self,
		patient: &AccountId,
	) -> Result<Vec<(ConsentId, Consent<Runtime>)>, ChainError> {
		self.all("ConsentApi_consents_by_patient", patient).await
	}

	/// Consents requested by a hospital after `after`, at most `limit` (≤ 1,000).
	pub async fn consents_by_organisation(
		&self,
		org: OrgId,
		after: Option<ConsentId>,
		limit: u32,
	) -> Result<Vec<(ConsentId, Consent<Runtime>)>, ChainError> {
		self.call("ConsentApi_consents_by_organisation", (org, after, limit)).await
	}

	/// All consents a hospital requested.
	pub async fn all_consents_by_organisation(
		&self,
		org: OrgId,
	) -> Result<Vec<(ConsentId, Consent<Runtime>)>, ChainError> {
		self.all("ConsentApi_consents_by_organisation", org).await
	}

	/// Whether `who` may do `action` on `document` now, for `purpose` (`None`: any consent's
	/// purpose): how, or the reason refused.
	pub async fn can_access(
		&self,
		who: &AccountId,
		document: DocId,
		action: Action,
		purpose: Option<Purpose>,
	) -> Result<Result<Access, Refusal>, ChainError> {
		self.call("ConsentApi_can_access", (who, document, action, purpose)).await
	}

	/// The data key of `document` wrapped for hospital `org`.
	pub async fn key_wrap(
		&self,
		document: DocId,
		org: OrgId,
	) -> Result<Option<KeyWrap<Runtime>>, ChainError> {
		self.call("ConsentApi_key_wrap", (document, org)).await
	}

	/// The data key of `document` re-wrapped to its patient's key after a key change.
	pub async fn patient_wrap(
		&self,
		document: DocId,
	) -> Result<Option<PatientWrap<Runtime>>, ChainError> {
		self.call("ConsentApi_patient_wrap", document).await
	}

	// AuditApi

	/// A patient's trail head: last sequence number and hash-chain head.
	pub async fn trail_head(&self, patient: &AccountId) -> Result<TrailHead, ChainError> {
		self.call("AuditApi_trail_head", patient).await
	}

	// Consensus

	/// The Aura authorities (block authors, in slot order).
	pub async fn aura_authorities(&self) -> Result<Vec<AuraId>, ChainError> {
		self.call("AuraApi_authorities", ()).await
	}

	/// The GRANDPA authorities with their weights.
	pub async fn grandpa_authorities(
		&self,
	) -> Result<sp_consensus_grandpa::AuthorityList, ChainError> {
		self.call("GrandpaApi_grandpa_authorities", ()).await
	}

	/// The id of the current GRANDPA authority set.
	pub async fn grandpa_set_id(&self) -> Result<sp_consensus_grandpa::SetId, ChainError> {
		self.call("GrandpaApi_current_set_id", ()).await
	}
}
