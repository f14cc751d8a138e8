//! The patient's connection to a gateway: the API's generated client (jsonrpsee over HTTP,
//! `https://` with rustls, trusting the platform's roots and any CA the patient names), with
//! the patient's bearer credential, driven to completion for the command line.

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
	/// A client of the gateway at `url` (`http://…` or `https://…`) presenting `token`;
	/// `ca_pem` adds a CA (PEM) to the roots a `https://` gateway's certificate may lead to.
	pub fn new(url: &str, token: &str, ca_pem: Option<&[u8]>) -> Result<Self, CallError> {
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
			let mut builder = HttpClientBuilder::default()
				.set_headers(headers)
				.max_request_size(MAX_REPLY)
				.max_response_size(MAX_REPLY)
				.request_timeout(CALL_TIMEOUT);
			if let Some(ca_pem) = ca_pem {
				builder = builder.with_custom_cert_store(tls_config(ca_pem).map_err(unreachable)?);
			}
			builder.build(url).map_err(|e| unreachable(causes(&e)))?
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
			other => CallError::Unreachable { url: self.url.clone(), reason: causes(&other) },
		})
	}
}

/// Whether `url` names this computer (plain HTTP is safe there and nowhere else: the
/// credential would cross the network readable).
pub fn is_loopback(url: &str) -> bool {
	let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
	let authority = rest.split(['/', '?']).next().unwrap_or_default();
	let host = match authority.strip_prefix('[') {
		Some(v6) => v6.split(']').next().unwrap_or_default(),
		None => authority.rsplit_once(':').map_or(authority, |(host, _)| host),
	};
	host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The TLS settings of a client that trusts the platform's roots and the CAs in `ca_pem`.
pub fn tls_config(ca_pem: &[u8]) -> Result<rustls::ClientConfig, String> {
	use rustls_pki_types::{pem::PemObject, CertificateDer};
	let cas = CertificateDer::pem_slice_iter(ca_pem)
		.collect::<Result<Vec<_>, _>>()
		.map_err(|e| format!("the CA file is not PEM certificates: {e}"))?;
	// The platform verifier skips what is no usable trust anchor: say so instead.
	let mut anchors = rustls::RootCertStore::empty();
	for ca in &cas {
		anchors.add(ca.clone()).map_err(|e| format!("the CA file's certificate: {e}"))?;
	}
	if cas.is_empty() {
		return Err("the CA file holds no certificate".into());
	}
	let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
	let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(cas)
		.map_err(|e| e.to_string())?
		.with_provider(provider.clone());
	Ok(rustls::ClientConfig::builder_with_provider(provider)
		.with_safe_default_protocol_versions()
		.map_err(|e| e.to_string())?
		.dangerous()
		.with_custom_certificate_verifier(std::sync::Arc::new(verifier))
		.with_no_client_auth())
}

/// An error with its causes: jsonrpsee's own text of a TLS failure is only "client error
/// (Connect)"; the reason (an unknown issuer, say) is in its sources.
fn causes(error: &dyn std::error::Error) -> String {
	let mut text = error.to_string();
	let mut source = error.source();
	while let Some(cause) = source {
		text.push_str(": ");
		text.push_str(&cause.to_string());
		source = cause.source();
	}
	text
}

#[cfg(test)]
mod tests {
	#[test]
	fn only_this_computer_is_loopback() {
		for url in [
			"http://127.0.0.1:8545",
			"http://localhost:8545/",
			"http://[::1]:8545",
			"http://127.8.0.1",
		] {
			assert!(super::is_loopback(url), "{url}");
		}
		for url in [
			"http://10.0.0.5:8545",
			"http://gateway.example:8545",
			"http://[fe80::1]:80",
			"http://127.0.0.1.example",
		] {
			assert!(!super::is_loopback(url), "{url}");
		}
	}
}
