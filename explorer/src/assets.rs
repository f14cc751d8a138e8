//! The explorer's files, compiled into the gateway and served under `/explorer`: the page,
//! its script and style, and the trail check as WebAssembly with its wasm-bindgen module (built
//! from `explorer/wasm` by `build.rs`). Nothing is fetched from elsewhere — the browser needs only this gateway.
//!
//! The files themselves hold no data and are served without a credential; every piece of
//! data the page shows comes from `explorer_*` and portal methods, which require the
//! auditor's bearer token (kept in the tab's session storage). The Content-Security-Policy
//! allows this origin only (and WebAssembly compilation, for the trail check).

use jsonrpsee::server::{HttpBody, HttpRequest, HttpResponse};
use std::{
	future::Future,
	pin::Pin,
	task::{Context, Poll},
};

/// Path prefix the explorer is served under.
pub const PREFIX: &str = "/explorer";

/// The embedded files (the pages from `assets/`, the trail check built by `build.rs`).
#[derive(rust_embed::Embed)]
#[folder = "$OUT_DIR/site"]
struct Site;

const CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
	connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// The response for `GET path`, if `path` is an explorer file (`/explorer` redirects to
/// `/explorer/`, so relative links resolve).
pub fn response(path: &str) -> Option<HttpResponse> {
	let rest = path.strip_prefix(PREFIX)?;
	if rest.is_empty() {
		return http::Response::builder()
			.status(http::StatusCode::MOVED_PERMANENTLY)
			.header(http::header::LOCATION, "/explorer/")
			.body(HttpBody::empty())
			.ok();
	}
	let name = match rest.trim_start_matches('/') {
		"" => "index.html",
		name => name,
	};
	let file = Site::get(name)?;
	http::Response::builder()
		.header(http::header::CONTENT_TYPE, file.metadata.mimetype())
		.header(http::header::CACHE_CONTROL, "no-cache")
		.header("content-security-policy", CSP)
		.header("x-content-type-options", "nosniff")
		.header("referrer-policy", "no-referrer")
		.body(HttpBody::from(file.data.into_owned()))
		.ok()
}

/// Tower layer answering `GET /explorer…` from the embedded files (404 for unknown files) and passing
/// everything else to the JSON-RPC server.
#[derive(Clone, Copy, Default)]
pub struct Layer;

impl<S> tower::Layer<S> for Layer {
	type Service = Service<S>;

	fn layer(&self, inner: S) -> Self::Service {
		Service { inner }
	}
}

/// The service of [`Layer`].
#[derive(Clone)]
pub struct Service<S> {
	inner: S,
}

type BoxFuture<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'static>>;

impl<S> tower::Service<HttpRequest> for Service<S>
where
	S: tower::Service<HttpRequest, Response = HttpResponse>,
	S::Future: Send + 'static,
{
	type Response = HttpResponse;
	type Error = S::Error;
	type Future = BoxFuture<HttpResponse, S::Error>;

	fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
		self.inner.poll_ready(cx)
	}

	fn call(&mut self, request: HttpRequest) -> Self::Future {
		let path = request.uri().path();
		if request.method() == http::Method::GET && path.starts_with(PREFIX) {
			let response = response(path).unwrap_or_else(|| {
				let mut missing = HttpResponse::new(HttpBody::from("not found"));
				*missing.status_mut() = http::StatusCode::NOT_FOUND;
				missing
			});
			return Box::pin(async move { Ok(response) });
		}
		Box::pin(self.inner.call(request))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn serves_the_page_script_style_and_wasm_and_nothing_else() {
		for (name, media_type) in [
			("/", "text/html"),
			("/explorer.js", "text/javascript"),
			("/explorer.css", "text/css"),
			("/trail_check.js", "text/javascript"),
			("/trail_check_bg.wasm", "application/wasm"),
		] {
			let response = response(&format!("{PREFIX}{name}")).expect("served");
			assert_eq!(response.status(), 200);
			assert_eq!(response.headers()[http::header::CONTENT_TYPE], media_type, "{name}");
			assert!(response.headers()["content-security-policy"]
				.to_str()
				.unwrap()
				.contains("'self'"));
		}
		assert_eq!(response("/explorer").unwrap().status(), 301);
		assert!(response("/explorer/../Cargo.toml").is_none());
		assert!(response("/other").is_none());
	}

	#[test]
	fn the_bindings_export_the_trail_check() {
		let wasm = Site::get("trail_check_bg.wasm").unwrap().data;
		assert_eq!(&wasm[..4], b"\0asm");
		let module = Site::get("trail_check.js").unwrap().data;
		let module = std::str::from_utf8(&module).unwrap();
		assert!(module.contains("export function checkTrail("), "{module}");
		assert!(module.contains("as default"), "the module's initialiser");
		assert!(module.contains("'trail_check_bg.wasm', import.meta.url"), "finds its Wasm");
	}
}
