//! The JSON-RPC server: the portal's module (`crate::portal`) behind the access
//! middleware (`crate::access`), over HTTP and WebSocket on one port — or HTTPS and WSS
//! when the hospital gives a certificate (`crate::tls`) — with the explorer's files under
//! `/explorer`.
//!
//! Methods are named `noun_verb`; parameters are passed by name. Every method but
//! `rpc.discover` needs `Authorization: Bearer <token>` (on the HTTP request, or on the
//! WebSocket upgrade request), and so do `GET /metrics` (`crate::metrics`) and
//! `PUT /documents` (`crate::upload`). What a caller
//! can make the server hold is bounded by `crate::limits`.

use crate::{
	access::{authorise, Access, Bearer, ANY_CALLER},
	limits::{
		Slots, CONNECTIONS_PER_CREDENTIAL, FIRST_REQUEST_TIMEOUT, MAX_BATCH, MAX_CONNECTIONS,
		UNAUTHENTICATED_BODY, WS_INACTIVE_LIMIT, WS_PING_INTERVAL,
	},
	metrics, portal, upload, Gateway,
};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use jsonrpsee::{
	server::{
		middleware::rpc::RpcServiceBuilder, BatchRequestConfig, HttpBody, HttpRequest,
		HttpResponse, PingConfig, Server, ServerHandle,
	},
	types::ErrorObjectOwned,
};
use medledger_gateway_api::{access::OVERSIGHT, GatewayError};
use medledger_primitives::audit::Refusal;
use std::{
	future::Future,
	net::SocketAddr,
	pin::Pin,
	sync::{
		atomic::{AtomicBool, Ordering},
		Arc,
	},
	task::{Context, Poll},
};
use tokio::net::TcpListener;

/// Starts serving on `addr`, over TLS with `tls`; `max_request` bounds request bodies (the
/// largest file plus base64 and JSON overhead). Every other bound is `crate::limits`'.
pub async fn serve(
	gw: Arc<Gateway>,
	addr: SocketAddr,
	max_request: u32,
	tls: Option<Arc<rustls::ServerConfig>>,
) -> anyhow::Result<(SocketAddr, ServerHandle)> {
	let slots = Slots::new(CONNECTIONS_PER_CREDENTIAL);
	let http = tower::ServiceBuilder::new().layer(medledger_explorer::assets::Layer).layer(
		tower::layer::layer_fn({
			let gw = gw.clone();
			move |inner| HttpGate { inner, gw: gw.clone(), slots: slots.clone(), max_request }
		}),
	);
	let rpc = RpcServiceBuilder::new().layer_fn({
		let gw = gw.clone();
		move |inner| Access { inner, gw: gw.clone() }
	});
	let ping = PingConfig::new().ping_interval(WS_PING_INTERVAL).inactive_limit(WS_INACTIVE_LIMIT);
	let builder = Server::builder()
		.max_request_body_size(max_request)
		.max_response_body_size(max_request)
		.max_connections(MAX_CONNECTIONS as u32)
		.set_batch_request_config(BatchRequestConfig::Limit(MAX_BATCH))
		.enable_ws_ping(ping)
		.set_http_middleware(http)
		.set_rpc_middleware(rpc);
	let module = portal::module(gw);
	crate::transport::serve(TcpListener::bind(addr).await?, tls, builder, module).await
}

/// The gate every HTTP request passes before its body is read: reads the bearer token into
/// the request's extensions (for every call made over it); bounds the body by the caller
/// (`limits::UNAUTHENTICATED_BODY` without a valid credential); holds a credential to
/// `limits::CONNECTIONS_PER_CREDENTIAL` connections and requests; refuses a WebSocket
/// upgrade without a valid credential (HTTP 401) before the connection is opened —
/// per-call checks alone would let anyone hold connections open; and answers
/// `GET /metrics` to administrators and auditors.
#[derive(Clone)]
struct HttpGate<S> {
	inner: S,
	gw: Arc<Gateway>,
	slots: Arc<Slots<String>>,
	max_request: u32,
}

impl<S> tower::Service<HttpRequest> for HttpGate<S>
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
		let refuse =
			|response: HttpResponse| -> Self::Future { Box::pin(async move { Ok(response) }) };
		if jsonrpsee::server::ws::is_upgrade_request(&request) {
			if let Err(error) =
				authorise(&self.gw, token.as_deref(), ANY_CALLER, "a WebSocket connection")
			{
				return refuse(refusal(error, token.is_some()));
			}
		}
		if request.method() == http::Method::GET && request.uri().path() == metrics::PATH {
			let gw = self.gw.clone();
			let presented = token.is_some();
			return Box::pin(async move {
				let answer = async {
					let caller = authorise(&gw, token.as_deref(), OVERSIGHT, "metrics")?;
					gw.standings
						.ensure(&gw.chain, &gw.reads, &gw.store, &caller.credential)
						.await?;
					// A node that does not answer leaves out the lag, not the scrape.
					let finalised = gw.reads.finalised(&gw.chain).await.ok();
					metrics::render(&gw.store, &gw.index, finalised)
				};
				Ok(answer.await.map_or_else(
					|error| refusal(error, presented),
					|text| {
						let mut ok = HttpResponse::new(HttpBody::from(text));
						ok.headers_mut().insert(
							http::header::CONTENT_TYPE,
							http::HeaderValue::from_static(prometheus::TEXT_FORMAT),
						);
						ok
					},
				))
			});
		}
		if request.method() == http::Method::PUT && request.uri().path() == upload::PATH {
			// A credential's uploads hold its slots as its calls do.
			let slot =
				self.gw.credentials.identify(token.as_deref()).map(|c| self.slots.take(&c.id));
			if let Some(None) = slot {
				return refuse(refusal(GatewayError::RateLimited, true));
			}
			let gw = self.gw.clone();
			return Box::pin(async move {
				let answer = upload::put(&gw, token.as_deref(), request).await;
				drop(slot);
				Ok(answer)
			});
		}
		// Who calls decides what may be read; the per-call check (`crate::access`) still
		// authenticates each call and applies the rate limit.
		let credential = self.gw.credentials.identify(token.as_deref());
		let limit = match credential {
			Some(_) => u64::from(self.max_request),
			None => UNAUTHENTICATED_BODY,
		};
		if declared_length(&request).is_some_and(|length| length > limit) {
			return refuse(too_large(limit));
		}
		let stranger = credential.is_none();
		if let Some(credential) = credential {
			let Some(slot) = self.slots.take(&credential.id) else {
				return refuse(refusal(GatewayError::RateLimited, true));
			};
			request.extensions_mut().insert(slot);
		}
		request.extensions_mut().insert(Bearer(token));
		// A body that did not say its length is cut off at the bound as it is read. The
		// server answers a body it could not read with 500; the cut is remembered so that
		// the caller gets 413, as for a declared length.
		let cut = Arc::new(AtomicBool::new(false));
		let request = request.map(|body| {
			let cut = cut.clone();
			HttpBody::new(Limited::new(body, limit as usize).map_err(move |error| {
				if error.downcast_ref::<LengthLimitError>().is_some() {
					cut.store(true, Ordering::Relaxed);
				}
				error
			}))
		});
		let inner = self.inner.call(request);
		let answer = async move {
			let response = inner.await?;
			Ok(if cut.load(Ordering::Relaxed) { too_large(limit) } else { response })
		};
		if !stranger {
			return Box::pin(answer);
		}
		// A stranger's request, body included, is answered or dropped within the first
		// wait: sending a body slowly holds no socket.
		Box::pin(async move {
			match tokio::time::timeout(FIRST_REQUEST_TIMEOUT, answer).await {
				Ok(answer) => answer,
				Err(_) => {
					let mut late = HttpResponse::new(HttpBody::from("request not sent in time"));
					*late.status_mut() = http::StatusCode::REQUEST_TIMEOUT;
					Ok(late)
				}
			}
		})
	}
}

/// A body over `limit` bytes, refused before it is read.
fn too_large(limit: u64) -> HttpResponse {
	let text = format!("request body over {limit} bytes (larger bodies need a valid credential or are over the upload limit)");
	let mut refused = HttpResponse::new(HttpBody::from(text));
	*refused.status_mut() = http::StatusCode::PAYLOAD_TOO_LARGE;
	refused
}

/// The HTTP status of an error answered outside JSON-RPC (`PUT /documents`, `/metrics`, a
/// refused WebSocket upgrade): 401 without a credential that stands — none, an unknown one,
/// or one whose account the chain no longer counts as a member; 403 for a known caller who
/// may not (its role, or the patient's consent); 404 for what does not exist.
pub(crate) fn http_status(error: &GatewayError) -> http::StatusCode {
	use http::StatusCode;
	match error {
		GatewayError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
		GatewayError::Unauthenticated
		| GatewayError::AccessRefused(Refusal::NotAMember | Refusal::OrganisationInactive) => {
			StatusCode::UNAUTHORIZED
		}
		GatewayError::UnknownDocument(_)
		| GatewayError::AccessRefused(Refusal::UnknownDocument)
		| GatewayError::UnknownUpload(_)
		| GatewayError::UnknownConsent(_) => StatusCode::NOT_FOUND,
		GatewayError::Forbidden { .. } | GatewayError::AccessRefused(_) => StatusCode::FORBIDDEN,
		GatewayError::FileTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
		GatewayError::InvalidInput { .. } => StatusCode::BAD_REQUEST,
		// Well formed, but the ledger says no (an unregistered patient, a duplicate anchor).
		GatewayError::UnknownPatient | GatewayError::ChainRejected(_) => {
			StatusCode::UNPROCESSABLE_ENTITY
		}
		GatewayError::ChainUnavailable(_)
		| GatewayError::StorageUnavailable(_)
		| GatewayError::ProofNotReady(_) => StatusCode::SERVICE_UNAVAILABLE,
		// What storage handed back is not what was anchored.
		GatewayError::Tampered(_) | GatewayError::CommitmentMismatch(_) => StatusCode::BAD_GATEWAY,
		GatewayError::NoKeyWrap(_) | GatewayError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
	}
}

/// A refused HTTP request: the error as its JSON-RPC error object (code, message, data),
/// with the status it maps to. `presented`: whether the request carried a bearer token.
pub(crate) fn refusal(error: GatewayError, presented: bool) -> HttpResponse {
	let status = http_status(&error);
	let mut response = json(status, &ErrorObjectOwned::from(error));
	if status == http::StatusCode::UNAUTHORIZED {
		// RFC 6750 (3, 3.1): a 401 names the scheme a credential is taken in; a token that
		// was sent and does not stand (unknown, revoked, its member removed) is also named
		// invalid, so a client knows to get a new one rather than to add one.
		let challenge = if presented {
			"Bearer realm=\"medledger\", error=\"invalid_token\""
		} else {
			"Bearer realm=\"medledger\""
		};
		response
			.headers_mut()
			.insert(http::header::WWW_AUTHENTICATE, http::HeaderValue::from_static(challenge));
	}
	response
}

/// `value` as a JSON response with `status`.
pub(crate) fn json(status: http::StatusCode, value: &impl serde::Serialize) -> HttpResponse {
	let body = serde_json::to_vec(value).unwrap_or_default();
	let mut response = HttpResponse::new(HttpBody::from(body));
	*response.status_mut() = status;
	response
		.headers_mut()
		.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
	response
}

/// The body's length as the request declares it (`Content-Length`), if it does.
pub(crate) fn declared_length(request: &HttpRequest) -> Option<u64> {
	request
		.headers()
		.get(http::header::CONTENT_LENGTH)
		.and_then(|v| v.to_str().ok())
		.and_then(|v| v.parse().ok())
}
