//! The patient's connection to a gateway: the API's generated client (jsonrpsee over HTTP,
//! `https://` with rustls and the platform's roots), with the patient's bearer credential,
//! driven to completion for the command line.

use jsonrpsee::{
	core::ClientError,
	http_client::{HeaderMap, HeaderValue, HttpClient, HttpClientBuilder},
};
use std::{future::Future, time::Duration};

/// Largest reply read (an envelope of the largest file the gateway accepts, in base64).
const MAX_REPLY: u32 = 512 * 1024 * 1024;
/// How long one call may take (a large envelope over a slow link).
const CALL_TIMEOUT: Duration = Duration::from_secs(600);

/// Why a gateway call failed.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
	/// The gateway answered with a JSON-RPC error (its code is in the gateway's OpenRPC).
	#[error("the gateway refused the call: {message} (code {code})")]
	Refused {
		/// The stable error code.
		code: i32,
		/// The gateway's message.
		message: String,
	},
	/// The gateway could not be reached or its reply was not what the API declares.
	#[error("cannot reach the gateway at {url}: {reason}")]
	Unreachable {
		/// The gateway's URL.
		url: String,
		/// What went wrong.
		reason: String,
	},
}

/// A gateway endpoint and the patient's credential.
pub struct Gateway {
	url: String,
	/// The generated client (`medledger_gateway_api::api::*::…Client` traits).
	pub client: HttpClient,
	runtime: tokio::runtime::Runtime,
	/// Whether to draw progress on long operations (off for `--json` and non-terminals).
	pub progress: bool,
	/// The consortium's trust file, against which the gateway's proofs are checked
	/// (`crate::proven`).
	pub trust: Option<medledger_verifier::TrustedSet>,
}

impl Gateway {
	/// A client of the gateway at `url` (`http://…` or `https://…`) presenting `token`.
	pub fn new(url: &str, token: &str) -> Result<Self, CallError> {
		let unreachable = |reason: String| CallError::Unreachable { url: url.into(), reason };
		let mut headers = HeaderMap::new();
		let bearer = HeaderValue::from_str(&format!("Bearer {token}"))
			.map_err(|_| unreachable("the credential is not a valid header value".into()))?;
		headers.insert("Authorization", bearer);
		let runtime = tokio::runtime::Builder::new_current_thread()
			.enable_all()
			.build()
			.map_err(|e| unreachable(e.to_string()))?;
		let client = {
			let _entered = runtime.enter();
			HttpClientBuilder::default()
				.set_headers(headers)
				.max_request_size(MAX_REPLY)
				.max_response_size(MAX_REPLY)
				.request_timeout(CALL_TIMEOUT)
				.build(url)
				.map_err(|e| unreachable(e.to_string()))?
		};
		Ok(Gateway { url: url.into(), client, runtime, progress: false, trust: None })
	}

	/// Runs one call of the generated client to completion.
	pub fn run<T>(
		&self,
		call: impl Future<Output = Result<T, ClientError>>,
	) -> Result<T, CallError> {
		self.runtime.block_on(call).map_err(|error| match error {
			ClientError::Call(refused) => {
				CallError::Refused { code: refused.code(), message: refused.message().into() }
			}
			other => CallError::Unreachable { url: self.url.clone(), reason: other.to_string() },
		})
	}
}
