//! Uploads as a plain HTTP body, beside `document_upload`'s base64 in JSON (which stays for
//! small files):
//!
//! ```text
//! PUT /documents?patient=<SS58>&mediaType=<type>&documentType=<code>[&supersedes=<id>]
//! Authorization: Bearer <token>
//! <the file's bytes>
//! ```
//!
//! Everything `document_upload` has applies: the same callers (staff), the caller's standing
//! on chain, the per-credential limits, the file-size limit (a `Content-Length` over it is
//! answered 413 before a byte is read; a body without one is cut off there) and the same
//! pipeline (`portal::documents::upload_document`). The file is read once into memory, with
//! no base64 or JSON to decode; the caller's standing is checked again once it is (sending
//! may take long). The answer is `document_upload`'s `Upload` as JSON; an error
//! is the JSON-RPC error object (same code, message and data) with its HTTP status.

use crate::{
	access::authorise,
	portal,
	server::{declared_length, json, refusal},
	Gateway,
};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use jsonrpsee::server::{HttpRequest, HttpResponse};
use medledger_gateway_api::{values::Account, GatewayError};
use medledger_primitives::DocId;
use serde::Deserialize;

/// Where files are put.
pub const PATH: &str = "/documents";

/// Most bytes reserved for a body before they arrive.
const RESERVED_AHEAD: u64 = 1 << 20;

/// The query string: `document_upload`'s parameters but the file.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Query {
	patient: Account,
	media_type: String,
	document_type: String,
	supersedes: Option<DocId>,
}

/// Answers a `PUT` of a file by the holder of `token`.
pub async fn put(gw: &Gateway, token: Option<&str>, request: HttpRequest) -> HttpResponse {
	match accept(gw, token, request).await {
		Ok(upload) => json(http::StatusCode::OK, &upload),
		Err(error) => refusal(error, token.is_some()),
	}
}

async fn accept(
	gw: &Gateway,
	token: Option<&str>,
	request: HttpRequest,
) -> Result<medledger_gateway_api::api::documents::Upload, GatewayError> {
	let method = medledger_gateway_api::method("document_upload")
		.ok_or_else(|| GatewayError::internal("document_upload is not declared"))?;
	let caller = authorise(gw, token, method.callers, method.name)?;
	gw.standings.ensure(&gw.chain, &gw.reads, &gw.store, &caller.credential).await?;
	let query: Query = serde_urlencoded::from_str(request.uri().query().unwrap_or_default())
		.map_err(|error| GatewayError::invalid("query", error.to_string()))?;
	let limit = gw.limits.max_file_size;
	let declared = declared_length(&request);
	if let Some(size) = declared.filter(|size| *size > limit) {
		return Err(GatewayError::FileTooLarge { size, limit });
	}
	// One byte over the limit is enough to know the file is too large.
	let mut body = Limited::new(request.into_body(), limit.saturating_add(1) as usize);
	// Room for what is declared, up to a mebibyte before any of it arrives: a declared length
	// reserves no more than that.
	let mut file = Vec::with_capacity(declared.unwrap_or(0).min(RESERVED_AHEAD) as usize);
	while let Some(frame) = body.frame().await {
		let frame = frame.map_err(|error| match error.downcast_ref::<LengthLimitError>() {
			Some(_) => GatewayError::FileTooLarge { size: limit + 1, limit },
			None => GatewayError::invalid("body", "the file was not sent whole"),
		})?;
		if let Ok(data) = frame.into_data() {
			file.extend_from_slice(&data);
		}
	}
	// Sending may have taken long: a credential revoked, or a member removed, meanwhile
	// uploads nothing. (Not authorised again: that would spend a second call of the limit.)
	if !gw.credentials.is_valid(&caller.credential) {
		return Err(GatewayError::Unauthenticated);
	}
	gw.standings.ensure(&gw.chain, &gw.reads, &gw.store, &caller.credential).await?;
	let upload = portal::documents::NewUpload {
		patient: query.patient.0,
		file,
		media_type: query.media_type,
		document_type: query.document_type,
		supersedes: query.supersedes,
	};
	portal::documents::upload_document(gw, &caller, upload).await
}
