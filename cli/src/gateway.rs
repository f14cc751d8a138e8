//! The gateway's JSON-RPC over HTTP, with the patient's bearer credential.

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Value};

/// Largest reply read (an envelope of the largest file the gateway accepts, in base64).
const MAX_REPLY: u64 = 512 * 1024 * 1024;

/// Why a gateway call failed.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
	/// The gateway answered with a JSON-RPC error (its code is in the gateway's OpenRPC).
	#[error("the gateway refused {method}: {message} (code {code})")]
	Refused {
		/// The method called.
		method: String,
		/// The stable error code.
		code: i64,
		/// The gateway's message.
		message: String,
	},
	/// The gateway could not be reached or its reply was not JSON-RPC.
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
	token: String,
	/// Whether to draw progress bars on long transfers (off for `--json` and non-terminals).
	pub progress: bool,
}

impl Gateway {
	/// A client of the gateway at `url` (`http://…`) presenting `token`.
	pub fn new(url: &str, token: &str) -> Self {
		Gateway { url: url.into(), token: token.into(), progress: false }
	}

	/// Calls `method` with named `params`; the result.
	pub fn call(&self, method: &str, params: Value) -> Result<Value, CallError> {
		self.call_labelled(method, params, None)
	}

	/// Calls `method`, showing the reply's download as a progress bar titled `label`.
	pub fn call_with_progress(
		&self,
		method: &str,
		params: Value,
		label: &str,
	) -> Result<Value, CallError> {
		self.call_labelled(method, params, Some(label))
	}

	fn call_labelled(
		&self,
		method: &str,
		params: Value,
		label: Option<&str>,
	) -> Result<Value, CallError> {
		let unreachable = |reason: String| CallError::Unreachable { url: self.url.clone(), reason };
		let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
		let mut response = ureq::post(&self.url)
			.header("Authorization", &format!("Bearer {}", self.token))
			.send_json(&body)
			.map_err(|e| unreachable(e.to_string()))?;
		let length = response.body().content_length();
		let reader = response.body_mut().with_config().limit(MAX_REPLY).reader();
		let reply: Value = match label.filter(|_| self.progress) {
			Some(label) => {
				let bar = ProgressBar::new(length.unwrap_or(0)).with_message(label.to_string());
				bar.set_style(
					ProgressStyle::with_template(
						"{msg} {bar:30} {bytes}/{total_bytes} {bytes_per_sec}",
					)
					.expect("a valid template"),
				);
				let reply = serde_json::from_reader(bar.wrap_read(reader));
				bar.finish_and_clear();
				reply
			}
			None => serde_json::from_reader(reader),
		}
		.map_err(|e| unreachable(format!("malformed reply: {e}")))?;
		match reply.get("error") {
			Some(error) => Err(CallError::Refused {
				method: method.into(),
				code: error["code"].as_i64().unwrap_or(0),
				message: error["message"].as_str().unwrap_or_default().into(),
			}),
			None => Ok(reply["result"].clone()),
		}
	}
}
