//! Who may do what at this gateway, enforced in one place: the [`Access`] middleware runs
//! before every call — subscriptions included — and applies each method's declaration in
//! the API (`medledger_gateway_api::METHODS`): its callers, the parameters it takes, and
//! what a patient calling it must own. Handlers receive the [`Authorised`] caller in the
//! call's extensions; the credential's account must still stand on chain as its role
//! ([`crate::standing`]) — a read attempted by one who no longer does is refused and audited. [`may_see`] decides which notifications each subscriber receives.

use crate::{auth::Credential, limits::MAX_PARAMS, notify::Audience, Gateway};
use futures::future::BoxFuture;
use jsonrpsee::{
	server::middleware::rpc::RpcServiceT,
	types::{error::INVALID_PARAMS_CODE, ErrorObjectOwned, Request},
	MethodResponse,
};
pub use medledger_gateway_api::access::{Caller, ANY as ANY_CALLER};
use medledger_gateway_api::{access::Ownership, values::Account, GatewayError, Method};
use medledger_runtime::Runtime;
use pallet_consortium::{OrgId, Role};
use serde_json::{Map, Value};
use std::sync::Arc;

/// Methods outside the API's declaration that anyone may call: the API's own description,
/// and ending a subscription (jsonrpsee lets a connection end only its own).
const UNDECLARED: &[&str] = &["rpc.discover", "unsubscribe_events"];

/// What a role is at the gateway of hospital `org`; staff of another hospital have no
/// business here.
fn caller_kind(role: &Role, org: OrgId) -> Option<Caller> {
	match role {
		Role::Clinician(o) if *o == org => Some(Caller::Clinician),
		Role::OrgAdmin(o) if *o == org => Some(Caller::Admin),
		Role::Auditor => Some(Caller::Auditor),
		Role::Patient => Some(Caller::Patient),
		_ => None,
	}
}

/// A role in words, for refusals.
fn role_name(role: &Role) -> String {
	match role {
		Role::Patient => "a patient".into(),
		Role::Clinician(org) => format!("a clinician of organisation {org}"),
		Role::OrgAdmin(org) => format!("an administrator of organisation {org}"),
		Role::Auditor => "an auditor".into(),
	}
}

/// An authenticated caller allowed at this gateway.
#[derive(Debug, Clone)]
pub struct Authorised {
	/// The credential presented.
	pub credential: Credential,
	/// What its role is here.
	pub kind: Caller,
}

/// Authenticates `token` and checks that its role is one of `callers` (for `method`).
pub fn authorise(
	gw: &Gateway,
	token: Option<&str>,
	callers: &[Caller],
	method: &str,
) -> Result<Authorised, GatewayError> {
	let credential = gw.credentials.authenticate(token)?;
	match caller_kind(&credential.role, gw.organisation) {
		Some(kind) if callers.contains(&kind) => Ok(Authorised { credential, kind }),
		_ => Err(GatewayError::Forbidden {
			role: role_name(&credential.role),
			method: method.into(),
		}),
	}
}

/// Whether `subscriber` may receive a notification for `audience`: auditors every one,
/// a patient those about themselves, staff those concerning their hospital.
pub fn may_see(subscriber: &Authorised, organisation: OrgId, audience: &Audience) -> bool {
	match subscriber.kind {
		Caller::Auditor => true,
		Caller::Patient => audience.patient.as_ref() == Some(&subscriber.credential.account),
		Caller::Clinician | Caller::Admin => audience.organisations.contains(&organisation),
	}
}

/// The bearer token of the HTTP request (or WebSocket upgrade) a call came with.
#[derive(Clone, Debug)]
pub struct Bearer(pub Option<String>);

/// The access middleware (a jsonrpsee RPC layer).
#[derive(Clone)]
pub struct Access<S> {
	/// The service it guards.
	pub inner: S,
	/// The gateway, for credentials and ownership lookups.
	pub gw: Arc<Gateway>,
}

impl<'a, S> RpcServiceT<'a> for Access<S>
where
	S: RpcServiceT<'a> + Clone + Send + Sync + 'a,
{
	type Future = BoxFuture<'a, MethodResponse>;

	fn call(&self, mut request: Request<'a>) -> Self::Future {
		let (inner, gw) = (self.inner.clone(), self.gw.clone());
		Box::pin(async move {
			let id = request.id().into_owned();
			let name = request.method_name().to_string();
			if UNDECLARED.contains(&name.as_str()) {
				return inner.call(request).await;
			}
			let Some(method) = medledger_gateway_api::method(&name) else {
				// Nothing is served that the API does not declare, with its callers.
				return MethodResponse::error(
					id,
					ErrorObjectOwned::from(jsonrpsee::types::ErrorCode::MethodNotFound),
				);
			};
			let size = request.params().as_str().map_or(0, str::len);
			if !method.carries_file && size > MAX_PARAMS {
				let refused = GatewayError::invalid(
					"params",
					format!("{} takes at most {MAX_PARAMS} bytes of parameters", method.name),
				);
				return MethodResponse::error(id, ErrorObjectOwned::from(refused));
			}
			let token = request.extensions().get::<Bearer>().and_then(|b| b.0.clone());
			let checked = async {
				let caller = authorise(&gw, token.as_deref(), method.callers, method.name)?;
				let standing =
					gw.standings.ensure(&gw.chain, &gw.reads, &gw.store, &caller.credential).await;
				if let Err(GatewayError::AccessRefused(refusal)) = standing {
					let params = request.params();
					crate::portal::audit_refused_attempt(
						&gw,
						method.name,
						params.as_str(),
						&caller.credential,
						refusal,
					)
					.await;
				}
				standing?;
				let params = named_params(method, request.params().as_str())?;
				if caller.kind == Caller::Patient {
					ensure_owned(&gw, method, &params, &caller.credential.account).await?;
				}
				Ok::<_, GatewayError>(caller)
			};
			match checked.await {
				Ok(caller) => {
					request.extensions_mut().insert(caller);
					let response = inner.call(request).await;
					match response.as_error_code() {
						// A value that does not parse into its parameter's type: the API's
						// own code for invalid input, with serde's reason.
						Some(INVALID_PARAMS_CODE) => {
							MethodResponse::error(id, ErrorObjectOwned::from(invalid(&response)))
						}
						_ => response,
					}
				}
				Err(refused) => MethodResponse::error(id, ErrorObjectOwned::from(refused)),
			}
		})
	}
}

/// The parameters of a call, by name: an object (or nothing) naming only parameters the
/// method declares — a misspelt optional parameter is refused, not silently ignored.
fn named_params(method: &Method, raw: Option<&str>) -> Result<Map<String, Value>, GatewayError> {
	let params = match raw.map(serde_json::from_str::<Value>) {
		None => Map::new(),
		Some(Ok(Value::Object(params))) => params,
		Some(Ok(Value::Array(list))) if list.is_empty() => Map::new(),
		Some(_) => return Err(GatewayError::invalid("params", "parameters are passed by name")),
	};
	if let Some(unknown) = params.keys().find(|k| !method.param_names.contains(&k.as_str())) {
		return Err(GatewayError::invalid(
			"params",
			format!("{} takes no parameter {unknown}", method.name),
		));
	}
	Ok(params)
}

/// Refuses a patient reaching records that are not theirs, as the method declares. A
/// missing or malformed parameter is left to the method's own parsing.
async fn ensure_owned(
	gw: &Gateway,
	method: &Method,
	params: &Map<String, Value>,
	patient: &sp_runtime::AccountId32,
) -> Result<(), GatewayError> {
	let id = || params.get("id").and_then(Value::as_u64);
	let owner = match method.ownership {
		Ownership::None | Ownership::Notifications => return Ok(()),
		Ownership::Patient => match params.get("patient").and_then(Value::as_str) {
			Some(text) => Account::parse(text).ok().map(|a| a.0),
			// Patients name themselves: no listing by organisation.
			None => None,
		},
		Ownership::Account => {
			let Some(account) = params.get("account").and_then(Value::as_str) else {
				return Ok(());
			};
			let Ok(Account(account)) = Account::parse(account) else { return Ok(()) };
			let member: Option<pallet_consortium::Member<u32>> =
				gw.chain.api().member(&account).await?;
			match member {
				Some(member) if member.role == Role::Patient => Some(account),
				_ => return Ok(()),
			}
		}
		Ownership::Document => match id() {
			Some(id) => match crate::records::owner(gw.chain.api(), id).await? {
				Some((patient, _)) => Some(patient),
				None => return Ok(()),
			},
			None => return Ok(()),
		},
		Ownership::Consent => match id() {
			Some(id) => {
				let consent: Option<pallet_consent::Consent<Runtime>> =
					gw.chain.api().consent(id).await?;
				match consent {
					Some(consent) => Some(consent.patient),
					None => return Ok(()),
				}
			}
			None => return Ok(()),
		},
	};
	if owner.as_ref() == Some(patient) {
		return Ok(());
	}
	Err(GatewayError::Forbidden {
		role: "a patient".into(),
		method: format!("{} for another patient's records", method.name),
	})
}

/// jsonrpsee's invalid-params answer as the API's [`GatewayError::InvalidInput`].
fn invalid(response: &MethodResponse) -> GatewayError {
	let reason = serde_json::from_str::<Value>(response.as_result())
		.ok()
		.and_then(|answer| answer["error"]["data"].as_str().map(str::to_string))
		.unwrap_or_else(|| "does not match the method's parameters".into());
	GatewayError::invalid("params", reason)
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_runtime::AccountId32;

	fn subscriber(kind: Caller, account: u8) -> Authorised {
		let credential = Credential {
			id: String::new(),
			hash: String::new(),
			account: AccountId32::new([account; 32]),
			role: Role::Patient,
			key_name: None,
			label: String::new(),
			issued_at: 0,
			revoked: false,
		};
		Authorised { credential, kind }
	}

	#[test]
	fn each_subscriber_sees_only_what_concerns_it() {
		let about_a_at_h2 =
			Audience { patient: Some(AccountId32::new([1; 32])), organisations: vec![2] };
		assert!(may_see(&subscriber(Caller::Patient, 1), 1, &about_a_at_h2));
		assert!(!may_see(&subscriber(Caller::Patient, 2), 1, &about_a_at_h2));
		assert!(!may_see(&subscriber(Caller::Clinician, 9), 1, &about_a_at_h2));
		assert!(may_see(&subscriber(Caller::Admin, 9), 2, &about_a_at_h2));
		assert!(may_see(&subscriber(Caller::Auditor, 9), 1, &about_a_at_h2));
		// A write of hospital 1 that names no patient reaches no patient.
		let write = Audience { patient: None, organisations: vec![1] };
		assert!(!may_see(&subscriber(Caller::Patient, 1), 1, &write));
		assert!(may_see(&subscriber(Caller::Clinician, 9), 1, &write));
	}

	#[test]
	fn parameters_are_by_name_and_declared() {
		let list = medledger_gateway_api::method("document_list").unwrap();
		assert!(named_params(list, Some(r#"{"patient":"x","limit":3}"#)).is_ok());
		assert!(named_params(list, None).is_ok());
		let unknown = named_params(list, Some(r#"{"patients":"x"}"#)).unwrap_err();
		assert!(unknown.to_string().contains("patients"), "{unknown}");
		assert!(named_params(list, Some(r#"["x"]"#)).is_err());
	}
}
