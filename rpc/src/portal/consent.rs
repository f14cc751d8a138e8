//! `consent_*`: requests and break-glass signed by this gateway's staff keys, consents and
//! their histories (patients' own decisions arrive through `patient_relay`).

use super::{caller, check_text, page_limit, whose, write, Portal, Whose};
use jsonrpsee::{core::RpcResult, Extensions};
use medledger_gateway_api::{
	api::consent::{Consent, ConsentApiServer, ConsentHistory, ScopeRequest},
	convert,
	values::{Account, Purpose},
	GatewayError, Written,
};
use medledger_primitives::audit::Subject;
use medledger_runtime::{Runtime, RuntimeCall};
use pallet_consent::{Actions, Window};

#[jsonrpsee::core::async_trait]
impl ConsentApiServer for Portal {
	#[allow(clippy::too_many_arguments)] // One argument per named parameter of the method.
	async fn consent_request(
		&self,
		ext: &Extensions,
		patient: Account,
		scope: ScopeRequest,
		purpose: Purpose,
		read: bool,
		write_: bool,
		from: u64,
		to: u64,
	) -> RpcResult<Written> {
		let scope = match scope {
			ScopeRequest::All(true) => pallet_consent::ScopeRequest::All,
			ScopeRequest::All(false) => {
				return Err(GatewayError::invalid("scope", "all must be true").into())
			}
			ScopeRequest::DocumentTypes(types) => pallet_consent::ScopeRequest::DocumentTypes(
				types.into_iter().map(String::into_bytes).collect(),
			),
			ScopeRequest::Documents(ids) => pallet_consent::ScopeRequest::Documents(ids),
		};
		let call = RuntimeCall::Consent(pallet_consent::Call::request {
			patient: patient.0,
			scope,
			purpose: purpose.into(),
			actions: Actions { read, write: write_ },
			window: Window { from, to },
		});
		Ok(write(self, caller(ext)?, call).await?)
	}

	/// Always audited; visible to the consortium and the patient.
	async fn consent_break_glass(
		&self,
		ext: &Extensions,
		patient: Account,
		reason: String,
	) -> RpcResult<Written> {
		check_text("reason", &reason, 256)?;
		let call = RuntimeCall::Consent(pallet_consent::Call::break_glass {
			patient: patient.0,
			reason: reason.into_bytes(),
		});
		Ok(write(self, caller(ext)?, call).await?)
	}

	async fn consent_get(&self, _: &Extensions, id: u64) -> RpcResult<Consent> {
		Ok(convert::consent(id, &consent_record(self, id).await?))
	}

	/// Every entry of the patient's trail about the consent — its request, decision, end,
	/// key wraps — and every read made under it, in order.
	async fn consent_history(&self, _: &Extensions, id: u64) -> RpcResult<ConsentHistory> {
		let consent = consent_record(self, id).await?;
		let events = self
			.index
			.trail_matching(&consent.patient, |entry| {
				entry.subject == Subject::Consent(id) || entry.consent == Some(id)
			})
			.map_err(GatewayError::from)?
			.iter()
			.map(|(seq, record)| convert::audit_entry(*seq, record))
			.collect();
		Ok(ConsentHistory { consent: convert::consent(id, &consent), events })
	}

	async fn consent_list(
		&self,
		_: &Extensions,
		patient: Option<Account>,
		organisation: Option<u32>,
		after: Option<u64>,
		limit: Option<u32>,
	) -> RpcResult<Vec<Consent>> {
		let limit = page_limit(limit);
		let api = self.chain.api();
		let consents = match whose(patient, organisation)? {
			Whose::Patient(patient) => api.consents_by_patient(&patient, after, limit).await,
			Whose::Organisation(org) => api.consents_by_organisation(org, after, limit).await,
		}
		.map_err(GatewayError::from)?;
		Ok(consents.iter().map(|(id, c)| convert::consent(*id, c)).collect())
	}
}

/// Consent `id`'s record on chain.
async fn consent_record(
	portal: &Portal,
	id: u64,
) -> Result<pallet_consent::Consent<Runtime>, GatewayError> {
	let consent: Option<pallet_consent::Consent<Runtime>> = portal.chain.api().consent(id).await?;
	consent.ok_or(GatewayError::UnknownConsent(id))
}
