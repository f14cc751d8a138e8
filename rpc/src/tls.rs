//! TLS for the portal (rustls, ring): the certificate and key a hospital gives the gateway,
//! and an accept loop that serves the same jsonrpsee service as plain HTTP over each TLS
//! connection. Plain HTTP is served on loopback only (`crate::config` refuses otherwise),
//! so a credential never crosses a network unencrypted.

use anyhow::Context;
use jsonrpsee::{
	core::BoxError,
	server::{
		serve_with_graceful_shutdown, stop_channel, HttpBody, HttpRequest, HttpResponse,
		ServerBuilder, ServerHandle, TowerService, TowerServiceBuilder,
	},
	Methods,
};
use rustls_pki_types::{pem::PemObject, CertificateDer, PrivateKeyDer};
use std::{net::SocketAddr, path::Path, sync::Arc, time::Duration};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// How long a client may take to finish its handshake: a silent socket is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The server's TLS settings from PEM files: `cert` holds the certificate chain (leaf
/// first), `key` its private key. ALPN offers HTTP/1.1 only (WebSocket upgrades need it).
pub fn server_config(cert: &Path, key: &Path) -> anyhow::Result<Arc<rustls::ServerConfig>> {
	let read =
		|path: &Path| std::fs::read(path).with_context(|| format!("reading {}", path.display()));
	let chain = CertificateDer::pem_slice_iter(&read(cert)?)
		.collect::<Result<Vec<_>, _>>()
		.with_context(|| format!("{} is not a PEM certificate chain", cert.display()))?;
	anyhow::ensure!(!chain.is_empty(), "{} holds no certificate", cert.display());
	// The key's bytes are not put in any error.
	let key = PrivateKeyDer::from_pem_slice(&read(key)?)
		.map_err(|_| anyhow::anyhow!("{} is not a PEM private key", key.display()))?;
	let provider = Arc::new(rustls::crypto::ring::default_provider());
	let mut config = rustls::ServerConfig::builder_with_provider(provider)
		.with_safe_default_protocol_versions()?
		.with_no_client_auth()
		.with_single_cert(chain, key)
		.context("the TLS certificate does not match its key, or the key type is unsupported")?;
	config.alpn_protocols = vec![b"http/1.1".to_vec()];
	Ok(Arc::new(config))
}

/// Serves `methods` with everything `builder` holds (limits, middleware) over TLS on
/// `listener`: the TLS twin of `builder.build(addr)?.start(methods)`. A failed or stalled
/// handshake ends only that connection.
pub async fn serve<HttpMiddleware, RpcMiddleware>(
	listener: TcpListener,
	tls: Arc<rustls::ServerConfig>,
	builder: ServerBuilder<HttpMiddleware, RpcMiddleware>,
	methods: impl Into<Methods>,
) -> anyhow::Result<(SocketAddr, ServerHandle)>
where
	TowerServiceBuilder<RpcMiddleware, HttpMiddleware>: Clone + Send + 'static,
	TowerService<RpcMiddleware, HttpMiddleware>: tower::Service<HttpRequest, Response = HttpResponse, Error = BoxError>
		+ Clone
		+ Send
		+ 'static,
	<TowerService<RpcMiddleware, HttpMiddleware> as tower::Service<HttpRequest>>::Future:
		Send + 'static,
{
	let local = listener.local_addr()?;
	let acceptor = TlsAcceptor::from(tls);
	let services = builder.to_service_builder();
	let methods: Methods = methods.into();
	let (stop, handle) = stop_channel();
	tokio::spawn(async move {
		loop {
			let (tcp, peer) = tokio::select! {
				accepted = listener.accept() => match accepted {
					Ok(accepted) => accepted,
					Err(error) => {
						// Out of descriptors, say: back off rather than spin.
						tracing::warn!(%error, "accepting a connection failed");
						tokio::time::sleep(Duration::from_millis(100)).await;
						continue;
					}
				},
				_ = stop.clone().shutdown() => break,
			};
			let (acceptor, stop, services, methods) =
				(acceptor.clone(), stop.clone(), services.clone(), methods.clone());
			// Each connection, handshake included, in its own task: a slow client never
			// holds up the others.
			tokio::spawn(async move {
				let stream = tokio::select! {
					done = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)) => match done {
						Ok(Ok(stream)) => stream,
						Ok(Err(error)) => {
							tracing::debug!(%peer, %error, "TLS handshake failed");
							return;
						}
						Err(_) => {
							tracing::debug!(%peer, "TLS handshake timed out");
							return;
						}
					},
					_ = stop.clone().shutdown() => return,
				};
				let service = services.build(methods, stop.clone());
				let per_request =
					tower::service_fn(move |request: HttpRequest<hyper::body::Incoming>| {
						let mut service = service.clone();
						tower::Service::call(&mut service, request.map(HttpBody::new))
					});
				if let Err(error) =
					serve_with_graceful_shutdown(stream, per_request, stop.shutdown()).await
				{
					tracing::debug!(%peer, %error, "a TLS connection ended with an error");
				}
			});
		}
		// The port closes before the last stop handle goes, so once `stopped()` returns
		// nothing connects.
		drop(listener);
	});
	Ok((local, handle))
}
