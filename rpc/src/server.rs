//! The JSON-RPC server: one method table drives dispatch, role checks and the OpenRPC
//! document.
//!
//! Methods are named `noun_verb`. Parameters are passed by name (one JSON object). Every
//! method but `rpc.discover` needs `Authorization: Bearer <token>` (on the HTTP request,
//! or on the WebSocket upgrade request). `GET /explorer/…` serves the explorer's files.

use crate::{
	access::{authorise, may_see, Caller, ANY, EXPLORER, READERS, STAFF},
	auth::Credential,
	explorer, portal, Gateway,
};
use jsonrpsee::{
	server::{HttpBody, HttpRequest, HttpResponse, Server, ServerHandle},
	types::{ErrorObjectOwned, Params},
	Extensions, PendingSubscriptionSink, RpcModule, SubscriptionMessage,
};
use medledger_gateway_api::GatewayError;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::{
	future::Future,
	net::SocketAddr,
	pin::Pin,
	sync::Arc,
	task::{Context, Poll},
};
use tokio::sync::broadcast;

/// A portal method.
pub struct Method {
	/// JSON-RPC name.
	pub name: &'static str,
	/// Who may call it.
	pub callers: &'static [Caller],
	/// One line for the OpenRPC document.
	pub summary: &'static str,
	/// Parameters: name, JSON type, required.
	pub params: &'static [(&'static str, &'static str, bool)],
}

/// Every portal method.
pub const METHODS: &[Method] = &[
	Method { name: "organisation_list", callers: ANY, summary: "The consortium's hospitals.", params: &[] },
	Method { name: "member_get", callers: ANY, summary: "A member's role, status and encryption key.", params: &[("account", "string", true)] },
	Method { name: "patient_register", callers: &[Caller::Admin], summary: "Register a patient with the public keys they made.", params: &[("account", "string", true), ("encryptionKey", "string", true)] },
	Method { name: "staff_register", callers: &[Caller::Admin], summary: "Create a staff key at this gateway and register it on chain.", params: &[("name", "string", true), ("role", "string", true)] },
	Method { name: "document_upload", callers: STAFF, summary: "Encrypt, store and queue the anchor of a patient's document — with supersedes, a new version of it (amend) — and return the upload once durably accepted.", params: &[("patient", "string", true), ("content", "string", true), ("mediaType", "string", true), ("documentType", "string", true), ("supersedes", "integer", false)] },
	Method { name: "document_markEnteredInError", callers: STAFF, summary: "The issuing hospital marks a document entered in error (it stays on chain with that status).", params: &[("id", "integer", true)] },
	Method { name: "upload_status", callers: STAFF, summary: "Where an accepted upload stands (accepted, stored, anchored, finalised, rejected).", params: &[("id", "integer", true)] },
	Method { name: "document_list", callers: ANY, summary: "A patient's or an organisation's documents (patients: their own).", params: &[("patient", "string", false), ("organisation", "integer", false), ("after", "integer", false), ("limit", "integer", false)] },
	Method { name: "document_status", callers: READERS, summary: "A document's anchor record and status.", params: &[("id", "integer", true)] },
	Method { name: "document_get", callers: STAFF, summary: "Read a document: consent checked on chain, read audited, decrypted, checked against its anchor.", params: &[("id", "integer", true), ("purpose", "string", true)] },
	Method { name: "document_envelope", callers: &[Caller::Patient], summary: "The caller's own document, still encrypted (base64 envelope), for the patient's CLI to decrypt with the patient's key.", params: &[("id", "integer", true)] },
	Method { name: "document_proof", callers: ANY, summary: "A proof bundle (medledger-proof/1) of a document's anchor: storage proof, header chain, GRANDPA justification; staff giving a purpose also get the salt (an audited read). Patients: their own documents.", params: &[("id", "integer", true), ("atBlock", "integer", false), ("purpose", "string", false)] },
	Method { name: "document_verify", callers: ANY, summary: "Whether a file and salt match a document's anchored commitment.", params: &[("id", "integer", true), ("content", "string", true), ("salt", "string", true)] },
	Method { name: "consent_request", callers: STAFF, summary: "Ask a patient for consent for this hospital.", params: &[("patient", "string", true), ("scope", "object", true), ("purpose", "string", true), ("read", "boolean", true), ("write", "boolean", true), ("from", "integer", true), ("to", "integer", true)] },
	Method { name: "consent_breakGlass", callers: &[Caller::Clinician], summary: "Open emergency read access to a patient's documents for the break-glass window.", params: &[("patient", "string", true), ("reason", "string", true)] },
	Method { name: "consent_get", callers: ANY, summary: "One consent and its lifecycle (patients: their own).", params: &[("id", "integer", true)] },
	Method { name: "consent_history", callers: ANY, summary: "A consent with every audit entry about it (request, decision, end, key wraps) and every read made under it (patients: their own).", params: &[("id", "integer", true)] },
	Method { name: "consent_list", callers: ANY, summary: "A patient's or an organisation's consents (patients: their own).", params: &[("patient", "string", false), ("organisation", "integer", false), ("after", "integer", false), ("limit", "integer", false)] },
	Method { name: "consent_relayContext", callers: &[Caller::Patient], summary: "What the calling patient signs a relayed extrinsic with: next nonce, spec and transaction versions, genesis hash.", params: &[] },
	Method { name: "consent_relay", callers: &[Caller::Patient], summary: "Submit a consent grant/deny/revoke/addWraps extrinsic the patient signed.", params: &[("extrinsic", "string", true)] },
	Method { name: "audit_trail", callers: &[Caller::Auditor, Caller::Patient, Caller::Admin], summary: "A patient's audit trail, with its hash-chain check (patients: their own).", params: &[("patient", "string", true), ("from", "integer", false), ("limit", "integer", false)] },
	Method { name: "audit_byActor", callers: &[Caller::Auditor, Caller::Admin], summary: "Audit entries of an actor in a time range.", params: &[("actor", "string", true), ("from", "integer", false), ("to", "integer", false), ("limit", "integer", false)] },
	Method { name: "audit_byOrganisation", callers: &[Caller::Auditor, Caller::Admin], summary: "Audit entries of a hospital in a time range.", params: &[("organisation", "integer", true), ("from", "integer", false), ("to", "integer", false), ("limit", "integer", false)] },
	Method { name: "audit_report", callers: &[Caller::Auditor, Caller::Admin], summary: "A hospital's compliance report for a period (documents anchored, consents asked, audit entries): CSV text, or a FHIR R4 Bundle of DocumentReference, Consent and AuditEvent.", params: &[("organisation", "integer", true), ("from", "integer", true), ("to", "integer", true), ("format", "string", true)] },
	Method { name: "explorer_status", callers: EXPLORER, summary: "Explorer: best and finalised heads; each hospital's validator and whether it is authoring and voting.", params: &[] },
	Method { name: "explorer_blocks", callers: EXPLORER, summary: "Explorer: the latest blocks (or those before a number), newest first.", params: &[("before", "integer", false), ("limit", "integer", false)] },
	Method { name: "explorer_block", callers: EXPLORER, summary: "Explorer: one block with its extrinsics and events told in domain language.", params: &[("number", "integer", false), ("hash", "string", false)] },
	Method { name: "explorer_document", callers: EXPLORER, summary: "Explorer: a document with its anchoring block, versions, covering consents and access history.", params: &[("id", "integer", true)] },
	Method { name: "explorer_search", callers: EXPLORER, summary: "Explorer: what a block number or hash, document or consent id, commitment, organisation or account names.", params: &[("query", "string", true)] },
];

/// The subscription: `subscribe_events` → notifications `events`.
pub const SUBSCRIPTION: (&str, &str, &str) = ("subscribe_events", "events", "unsubscribe_events");

/// The bearer token of the HTTP request (or WebSocket upgrade) a call came with.
#[derive(Clone, Debug)]
struct Bearer(Option<String>);

fn bearer(extensions: &Extensions) -> Option<&str> {
	extensions.get::<Bearer>().and_then(|b| b.0.as_deref())
}

fn params<T: DeserializeOwned>(params: &Params<'_>) -> Result<T, GatewayError> {
	let raw = params.as_str().unwrap_or("{}");
	serde_json::from_str(raw).map_err(|e| GatewayError::invalid("params", e.to_string()))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Id {
	id: u64,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountParam {
	account: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Query {
	query: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Relay {
	extrinsic: String,
}

/// Runs method `name` for an authorised caller.
async fn dispatch(
	gw: &Gateway,
	name: &str,
	caller: &Credential,
	p: &Params<'_>,
) -> Result<Value, GatewayError> {
	match name {
		"organisation_list" => portal::organisation_list(gw).await,
		"member_get" => portal::member_get(gw, &params::<AccountParam>(p)?.account).await,
		"patient_register" => portal::patient_register(gw, caller, params(p)?).await,
		"staff_register" => portal::staff_register(gw, caller, params(p)?).await,
		"document_upload" => portal::document_upload(gw, caller, params(p)?).await,
		"document_markEnteredInError" => {
			portal::document_mark_entered_in_error(gw, caller, params::<Id>(p)?.id).await
		}
		"upload_status" => portal::upload_status(gw, params::<Id>(p)?.id).await,
		"document_list" => portal::document_list(gw, caller, params(p)?).await,
		"document_status" => portal::document_status(gw, params::<Id>(p)?.id).await,
		"document_get" => portal::document_get(gw, caller, params(p)?).await,
		"document_envelope" => portal::document_envelope(gw, caller, params::<Id>(p)?.id).await,
		"document_verify" => portal::document_verify(gw, params(p)?).await,
		"document_proof" => crate::proof::document_proof(gw, caller, params(p)?).await,
		"consent_request" => portal::consent_request(gw, caller, params(p)?).await,
		"consent_breakGlass" => portal::consent_break_glass(gw, caller, params(p)?).await,
		"consent_get" => portal::consent_get(gw, caller, params::<Id>(p)?.id).await,
		"consent_history" => portal::consent_history(gw, caller, params::<Id>(p)?.id).await,
		"consent_list" => portal::consent_list(gw, caller, params(p)?).await,
		"consent_relay" => portal::consent_relay(gw, caller, &params::<Relay>(p)?.extrinsic).await,
		"consent_relayContext" => portal::consent_relay_context(gw, caller).await,
		"audit_trail" => portal::audit_trail(gw, caller, params(p)?).await,
		"audit_byActor" | "audit_byOrganisation" => portal::audit_query(gw, params(p)?).await,
		"audit_report" => portal::audit_report(gw, params(p)?).await,
		"explorer_status" => explorer::status(gw).await,
		"explorer_blocks" => explorer::blocks(gw, params(p)?).await,
		"explorer_block" => explorer::block(gw, params(p)?).await,
		"explorer_document" => explorer::document(gw, params::<Id>(p)?.id).await,
		"explorer_search" => explorer::search(gw, &params::<Query>(p)?.query).await,
		other => Err(GatewayError::internal(format!(
			"method {other} is in the table but not dispatched"
		))),
	}
}

/// The RPC module: every method of [`METHODS`], the subscription and `rpc.discover`.
pub fn module(gw: Arc<Gateway>) -> RpcModule<Gateway> {
	let mut module = RpcModule::from_arc(gw);
	for method in METHODS {
		module
			.register_async_method(method.name, move |p, gw, extensions| async move {
				let caller = authorise(&gw, bearer(&extensions), method.callers, method.name)?;
				dispatch(&gw, method.name, &caller.credential, &p)
					.await
					.map_err(ErrorObjectOwned::from)
			})
			.expect("method names are unique");
	}
	module.register_method("rpc.discover", |_, _, _| openrpc()).expect("method names are unique");
	let (subscribe, notification, unsubscribe) = SUBSCRIPTION;
	module
		.register_subscription(
			subscribe,
			notification,
			unsubscribe,
			|_, pending: PendingSubscriptionSink, gw, extensions| async move {
				let subscriber = match authorise(&gw, bearer(&extensions), ANY, SUBSCRIPTION.0) {
					Ok(subscriber) => subscriber,
					Err(error) => {
						pending.reject(ErrorObjectOwned::from(error)).await;
						return Ok(());
					}
				};
				let mut notifications = gw.notifications.subscribe();
				let sink = pending.accept().await?;
				loop {
					let (audience, notification) = match notifications.recv().await {
						Ok(next) => next,
						// A slow subscriber misses what it could not keep up with.
						Err(broadcast::error::RecvError::Lagged(_)) => continue,
						Err(broadcast::error::RecvError::Closed) => break,
					};
					if !may_see(&subscriber, gw.organisation, &audience) {
						continue;
					}
					let message = SubscriptionMessage::from_json(&notification)?;
					if sink.send(message).await.is_err() {
						break;
					}
				}
				Ok(())
			},
		)
		.expect("subscription names are unique");
	module
}

/// The OpenRPC document of the portal.
pub fn openrpc() -> Value {
	let errors: Vec<Value> = medledger_gateway_api::codes()
		.iter()
		.map(|e| json!({ "code": e.code, "message": e.name, "data": e.meaning }))
		.collect();
	let methods: Vec<Value> = METHODS
		.iter()
		.map(|m| {
			json!({
				"name": m.name,
				"summary": m.summary,
				"paramStructure": "by-name",
				"params": m.params.iter().map(|(name, kind, required)| json!({
					"name": name, "required": required, "schema": { "type": kind }
				})).collect::<Vec<_>>(),
				"result": { "name": "result", "schema": {} },
				"errors": errors,
				"x-callers": m.callers.iter().map(|c| format!("{c:?}")).collect::<Vec<_>>(),
			})
		})
		.chain(std::iter::once(json!({
			"name": SUBSCRIPTION.0,
			"summary": "Notifications over WebSocket (method `events`): consent requested / granted / denied / revoked / expired / break-glass, document added, document accessed, finality of the gateway's writes.",
			"params": [],
			"result": { "name": "subscription", "schema": { "type": "string" } },
			"errors": errors,
		})))
		.collect();
	json!({
		"openrpc": "1.2.6",
		"info": {
			"title": "MedLedger gateway portal",
			"version": env!("CARGO_PKG_VERSION"),
			"description": "Send `Authorization: Bearer <token>` with every call. Errors carry the stable codes listed with each method.",
		},
		"methods": methods,
	})
}

/// Starts serving on `addr`; `max_request` bounds request bodies (the largest file plus
/// base64 and JSON overhead).
pub async fn serve(
	gw: Arc<Gateway>,
	addr: SocketAddr,
	max_request: u32,
) -> anyhow::Result<(SocketAddr, ServerHandle)> {
	let middleware = tower::ServiceBuilder::new().layer(explorer::assets::Layer).layer(
		tower::layer::layer_fn({
			let gw = gw.clone();
			move |inner| WebSocketGuard { inner, gw: gw.clone() }
		}),
	);
	let server = Server::builder()
		.max_request_body_size(max_request)
		.max_response_body_size(max_request)
		.set_http_middleware(middleware)
		.build(addr)
		.await?;
	let local = server.local_addr()?;
	Ok((local, server.start(module(gw))))
}

/// Reads the bearer token into the request's extensions (for every call made over it) and
/// refuses a WebSocket upgrade without a valid credential (HTTP 401) before the connection
/// is opened: per-call checks alone would let anyone hold connections open.
#[derive(Clone)]
struct WebSocketGuard<S> {
	inner: S,
	gw: Arc<Gateway>,
}

impl<S> tower::Service<HttpRequest> for WebSocketGuard<S>
where
	S: tower::Service<HttpRequest, Response = HttpResponse>,
	S::Future: Send + 'static,
{
	type Response = HttpResponse;
	type Error = S::Error;
	type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, S::Error>> + Send + 'static>>;

	fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
		self.inner.poll_ready(cx)
	}

	fn call(&mut self, mut request: HttpRequest) -> Self::Future {
		let token = request
			.headers()
			.get(http::header::AUTHORIZATION)
			.and_then(|v| v.to_str().ok())
			.and_then(|v| v.strip_prefix("Bearer "))
			.map(str::to_string);
		if jsonrpsee::server::ws::is_upgrade_request(&request) {
			if let Err(error) = authorise(&self.gw, token.as_deref(), ANY, "a WebSocket connection")
			{
				let mut refused = HttpResponse::new(HttpBody::from(error.to_string()));
				*refused.status_mut() = match error {
					GatewayError::RateLimited => http::StatusCode::TOO_MANY_REQUESTS,
					GatewayError::Forbidden { .. } => http::StatusCode::FORBIDDEN,
					_ => http::StatusCode::UNAUTHORIZED,
				};
				return Box::pin(async move { Ok(refused) });
			}
		}
		request.extensions_mut().insert(Bearer(token));
		Box::pin(self.inner.call(request))
	}
}
