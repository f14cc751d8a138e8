//! A gateway that lies: an HTTP proxy between a client and an honest gateway that forwards
//! every JSON-RPC call and rewrites the result of the ones it is told to. What a
//! compromised gateway, or anything on the network path, can do to a patient's CLI.

use serde_json::Value;
use std::{
	sync::{Arc, Mutex},
	thread::JoinHandle,
};

/// How a lie changes one method's result in place.
pub type Lie = Box<dyn Fn(&mut Value) + Send + Sync>;

/// The proxy, listening on 127.0.0.1 until dropped.
pub struct LyingProxy {
	server: Arc<tiny_http::Server>,
	thread: Option<JoinHandle<()>>,
	lies: Arc<Mutex<Vec<(String, Lie)>>>,
	/// Methods whose results it rewrote, in order.
	told: Arc<Mutex<Vec<String>>>,
}

impl LyingProxy {
	/// A proxy in front of the gateway at `upstream` (`http://127.0.0.1:PORT`), honest until
	/// told to lie.
	pub fn start(upstream: &str) -> LyingProxy {
		let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind the proxy"));
		let lies: Arc<Mutex<Vec<(String, Lie)>>> = Arc::default();
		let told: Arc<Mutex<Vec<String>>> = Arc::default();
		let thread = {
			let (server, lies, told, upstream) =
				(server.clone(), lies.clone(), told.clone(), upstream.to_string());
			std::thread::spawn(move || {
				for request in server.incoming_requests() {
					forward(request, &upstream, &lies, &told);
				}
			})
		};
		LyingProxy { server, thread: Some(thread), lies, told }
	}

	/// Its URL, to give the client instead of the gateway's.
	pub fn url(&self) -> String {
		format!("http://{}", self.server.server_addr().to_ip().expect("an IP address"))
	}

	/// From now on, rewrites `method`'s results with `lie` (replacing any earlier lie).
	pub fn lie(&self, method: &str, lie: impl Fn(&mut Value) + Send + Sync + 'static) {
		let mut lies = self.lies.lock().unwrap();
		lies.retain(|(m, _)| m != method);
		lies.push((method.to_string(), Box::new(lie)));
	}

	/// Honest again.
	pub fn stop_lying(&self) {
		self.lies.lock().unwrap().clear();
	}

	/// The methods whose results were rewritten so far (so a test knows its lie was told).
	pub fn told(&self) -> Vec<String> {
		self.told.lock().unwrap().clone()
	}
}

impl Drop for LyingProxy {
	fn drop(&mut self) {
		self.server.unblock();
		if let Some(thread) = self.thread.take() {
			let _ = thread.join();
		}
	}
}

/// Forwards one HTTP request (body and credential) and answers with the gateway's reply,
/// rewritten where a lie applies.
fn forward(
	mut request: tiny_http::Request,
	upstream: &str,
	lies: &Mutex<Vec<(String, Lie)>>,
	told: &Mutex<Vec<String>>,
) {
	let mut body = Vec::new();
	if request.as_reader().read_to_end(&mut body).is_err() {
		return;
	}
	let mut call = ureq::post(upstream).header("Content-Type", "application/json");
	if let Some(auth) = request.headers().iter().find(|h| h.field.equiv("Authorization")) {
		call = call.header("Authorization", auth.value.as_str());
	}
	let reply = call.config().http_status_as_error(false).build().send(&body[..]).and_then(
		|mut response| {
			let status = response.status().as_u16();
			Ok((status, response.body_mut().with_config().limit(u64::MAX).read_to_vec()?))
		},
	);
	let (status, mut reply) = match reply {
		Ok(reply) => reply,
		Err(_) => (502, Vec::new()),
	};
	let method = serde_json::from_slice::<Value>(&body)
		.ok()
		.and_then(|call| call["method"].as_str().map(str::to_string));
	if let (Some(method), Ok(mut answer)) = (method, serde_json::from_slice::<Value>(&reply)) {
		let lies = lies.lock().unwrap();
		if let (Some((_, lie)), Some(result)) =
			(lies.iter().find(|(m, _)| *m == method), answer.get_mut("result"))
		{
			lie(result);
			told.lock().unwrap().push(method);
			reply = serde_json::to_vec(&answer).expect("JSON");
		}
	}
	let content_type =
		tiny_http::Header::from_bytes("Content-Type", "application/json").expect("a header");
	let response =
		tiny_http::Response::from_data(reply).with_status_code(status).with_header(content_type);
	let _ = request.respond(response);
}

/// Rewrites every occurrence of `from` to `to` in the `0x` hex strings anywhere in `value`
/// — a record and the trie node that holds it alike, as a liar forging a proof would.
pub fn rewrite_bytes(value: &mut Value, from: &[u8], to: &[u8]) {
	fn rewrite(value: &mut Value, from: &str, to: &str) -> usize {
		match value {
			Value::String(text) if text.starts_with("0x") && text.contains(from) => {
				*text = text.replace(from, to);
				1
			}
			Value::Array(items) => items.iter_mut().map(|v| rewrite(v, from, to)).sum(),
			Value::Object(fields) => fields.values_mut().map(|v| rewrite(v, from, to)).sum(),
			_ => 0,
		}
	}
	rewrite(value, &hex::encode(from), &hex::encode(to));
}
