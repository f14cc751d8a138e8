//! Proofs (built by `crate::proof`): a document's bundle, with the salt for staff who read
//! the document for it; state proofs of a consent, a hospital's key and a trail head.

use super::{caller, document_record, read_document, Portal};
use crate::access::Caller;
use jsonrpsee::{core::RpcResult, Extensions};
use medledger_chain_client::facts::Fact;
use medledger_gateway_api::{
	api::proofs::{ProofBundle, ProofsApiServer, SetChange, StateProof},
	values::{Account, Purpose},
	GatewayError,
};
use medledger_primitives::DocId;

#[jsonrpsee::core::async_trait]
impl ProofsApiServer for Portal {
	/// Patients get their own documents' bundles without the salt (their CLI adds it from
	/// the envelope); staff giving a purpose get it through `document_get`'s pipeline
	/// (consent checked, read audited with that purpose).
	async fn document_proof(
		&self,
		ext: &Extensions,
		id: DocId,
		at_block: Option<u32>,
		purpose: Option<Purpose>,
	) -> RpcResult<ProofBundle> {
		let caller = caller(ext)?;
		document_record(self, id).await?;
		let salt = match (purpose, caller.kind) {
			(None, _) => None,
			(Some(purpose), Caller::Clinician | Caller::Admin) => {
				Some(read_document(self, caller, id, purpose).await?.1.salt)
			}
			(Some(_), _) => {
				return Err(GatewayError::invalid(
					"purpose",
					"only staff read the salt through a proof",
				)
				.into())
			}
		};
		let mut bundle = crate::proof::bundle(self, id, at_block).await?;
		bundle.document.salt = salt;
		Ok(bundle)
	}

	async fn consent_proof(&self, _: &Extensions, id: u64) -> RpcResult<StateProof> {
		Ok(crate::proof::state(self, Fact::Consent(id)).await?)
	}

	async fn organisation_proof(&self, _: &Extensions, id: u32) -> RpcResult<StateProof> {
		Ok(crate::proof::state(self, Fact::Organisation(id)).await?)
	}

	async fn trail_proof(&self, _: &Extensions, patient: Account) -> RpcResult<StateProof> {
		Ok(crate::proof::trail(self, patient.0).await?)
	}

	async fn authority_set_changes(&self, _: &Extensions, from: u64) -> RpcResult<Vec<SetChange>> {
		Ok(crate::proof::set_changes(self, from).await?)
	}
}
