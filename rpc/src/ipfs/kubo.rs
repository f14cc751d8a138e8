//! A minimal client of the Kubo RPC API (see [`super`]).

use super::{other_cid_settings, unavailable, Dag, FETCH_TIMEOUT};
use cid::Cid;
use futures::StreamExt;
use medledger_gateway_api::GatewayError;
use serde::Deserialize;
use std::str::FromStr;

/// A line of `dag/import`'s reply.
#[derive(Deserialize)]
struct ImportReply {
	#[serde(rename = "Root")]
	root: Option<ImportedRoot>,
}

#[derive(Deserialize)]
struct ImportedRoot {
	#[serde(rename = "Cid")]
	cid: Link,
	#[serde(rename = "PinErrorMsg")]
	pin_error: Option<String>,
}

/// An IPLD link in JSON: `{"/": "<cid>"}`.
#[derive(Deserialize)]
struct Link {
	#[serde(rename = "/")]
	link: String,
}

/// A minimal client of the Kubo RPC API.
#[derive(Clone)]
pub struct Kubo {
	base: String,
	http: reqwest::Client,
}

impl Kubo {
	pub(super) fn new(url: &str) -> Self {
		Kubo { base: url.trim_end_matches('/').to_string(), http: reqwest::Client::new() }
	}

	/// Imports the envelope's blocks (a CAR) with its root pinned, and checks kubo kept
	/// that root.
	pub(super) async fn import(&self, dag: &Dag) -> Result<(), GatewayError> {
		let form = reqwest::multipart::Form::new()
			.part("file", reqwest::multipart::Part::bytes(dag.to_car()).file_name("envelope.car"));
		let reply = self
			.http
			.post(format!("{}/api/v0/dag/import?pin-roots=true", self.base))
			.multipart(form)
			.send()
			.await
			.map_err(unavailable)?
			.error_for_status()
			.map_err(unavailable)?
			.text()
			.await
			.map_err(unavailable)?;
		let root = imported_root(&reply)
			.ok_or_else(|| unavailable("kubo did not report the imported root"))?;
		let (cid, expected) = (Cid::from_str(&root.cid.link).map_err(unavailable)?, dag.root());
		if cid != expected {
			return Err(other_cid_settings(&cid, &expected));
		}
		match root.pin_error {
			Some(error) if !error.is_empty() => Err(unavailable(error)),
			_ => Ok(()),
		}
	}

	/// Stops reading, and refuses the content, past `most` bytes.
	pub(super) async fn cat(
		&self,
		cid: &Cid,
		document: u64,
		most: usize,
	) -> Result<Vec<u8>, GatewayError> {
		let response = self
			.http
			.post(format!("{}/api/v0/cat?arg={cid}", self.base))
			.timeout(FETCH_TIMEOUT)
			.send()
			.await
			.map_err(unavailable)?
			.error_for_status()
			.map_err(unavailable)?;
		let mut body = response.bytes_stream();
		let mut out = Vec::new();
		while let Some(chunk) = body.next().await {
			out.extend_from_slice(&chunk.map_err(unavailable)?);
			if out.len() > most {
				tracing::error!(%cid, document, most, "an envelope is larger than its anchor says");
				return Err(GatewayError::Tampered(document));
			}
		}
		// Pin on the node we read through, as the embedded node does.
		let _ = self.http.post(format!("{}/api/v0/pin/add?arg={cid}", self.base)).send().await;
		Ok(out)
	}
}

/// The root `dag/import` reports: its reply is one JSON object per line, the root's line
/// saying whether it was pinned.
fn imported_root(reply: &str) -> Option<ImportedRoot> {
	reply.lines().find_map(|line| serde_json::from_str::<ImportReply>(line).ok()?.root)
}

#[cfg(test)]
mod tests {
	use super::*;

	/// The reply shape of kubo's `dag/import` (kubo's RPC reference), with statistics lines.
	#[test]
	fn the_imported_root_and_its_pin_error_are_read() {
		let reply = concat!(
			r#"{"Root":{"Cid":{"/":"QmRoot"},"PinErrorMsg":""}}"#,
			"\n",
			r#"{"Stats":{"BlockCount":3,"BlockBytesCount":300123}}"#,
			"\n"
		);
		let root = imported_root(reply).expect("a root");
		assert_eq!((root.cid.link.as_str(), root.pin_error.as_deref()), ("QmRoot", Some("")));
		let unpinned = r#"{"Root":{"Cid":{"/":"QmRoot"},"PinErrorMsg":"pinning failed"}}"#;
		assert_eq!(imported_root(unpinned).unwrap().pin_error.as_deref(), Some("pinning failed"));
		assert!(imported_root(r#"{"Stats":{}}"#).is_none());
	}
}
