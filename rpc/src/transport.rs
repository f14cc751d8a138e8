//! The accept loop: sockets (plain, or TLS with `crate::tls`'s settings) fed to jsonrpsee's
//! service, under the socket bounds of `crate::limits` — at most `MAX_CONNECTIONS` open and
//! `CONNECTIONS_PER_ADDRESS` from one IP address, the first bytes (or the TLS handshake) within `FIRST_REQUEST_TIMEOUT`, idle or slow headers
//! up to `IDLE_TIMEOUT`, HTTP/1.1 only (WebSocket upgrades need it). A failed, stalled or
//! refused socket ends only itself.

use crate::limits::{
	address_holder, Slots, CONNECTIONS_PER_ADDRESS, FIRST_REQUEST_TIMEOUT, IDLE_TIMEOUT,
	MAX_CONNECTIONS,
};
use hyper_util::{
	rt::{TokioIo, TokioTimer},
	service::TowerToHyperService,
};
use jsonrpsee::{
	core::BoxError,
	server::{
		stop_channel, HttpBody, HttpRequest, HttpResponse, ServerBuilder, ServerHandle,
		TowerService, TowerServiceBuilder,
	},
	Methods,
};
use std::{net::SocketAddr, sync::Arc, time::Duration};
use tokio::{
	io::{AsyncRead, AsyncWrite},
	net::TcpListener,
	sync::Semaphore,
};
use tokio_rustls::TlsAcceptor;

/// Serves `methods` with everything `builder` holds (limits, middleware) on `listener`, over
/// TLS with `tls`: what `builder.build(addr)?.start(methods)` does, with the socket bounds.
pub async fn serve<HttpMiddleware, RpcMiddleware>(
	listener: TcpListener,
	tls: Option<Arc<rustls::ServerConfig>>,
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
	let acceptor = tls.map(TlsAcceptor::from);
	let services = builder.to_service_builder();
	let methods: Methods = methods.into();
	let (stop, handle) = stop_channel();
	let open = Arc::new(Semaphore::new(MAX_CONNECTIONS));
	let per_address = Slots::new(CONNECTIONS_PER_ADDRESS);
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
			let Ok(permit) = open.clone().try_acquire_owned() else {
				tracing::debug!(%peer, "connection refused: {MAX_CONNECTIONS} open already");
				continue;
			};
			let address_slot = match address_holder(peer.ip()) {
				Some(holder) => match per_address.take(&holder) {
					Some(slot) => Some(slot),
					None => {
						tracing::debug!(%peer, "connection refused: {CONNECTIONS_PER_ADDRESS} open from its address");
						continue;
					}
				},
				None => None,
			};
			let (acceptor, stop, services, methods) =
				(acceptor.clone(), stop.clone(), services.clone(), methods.clone());
			// Each connection, handshake included, in its own task: a slow client never
			// holds up the others.
			tokio::spawn(async move {
				let _held = (permit, address_slot);
				let service = services.build(methods, stop.clone());
				let per_request =
					tower::service_fn(move |request: HttpRequest<hyper::body::Incoming>| {
						let mut service = service.clone();
						tower::Service::call(&mut service, request.map(HttpBody::new))
					});
				let Some(acceptor) = acceptor else {
					// `peek` waits for a byte itself (`readable` may wake without one).
					let mut first = [0; 1];
					let peeked = tokio::time::timeout(FIRST_REQUEST_TIMEOUT, tcp.peek(&mut first));
					if !matches!(peeked.await, Ok(Ok(1..))) {
						tracing::debug!(%peer, "a socket sent nothing: closed");
						return;
					}
					return connection(tcp, peer, per_request, stop).await;
				};
				let handshake = tokio::time::timeout(FIRST_REQUEST_TIMEOUT, acceptor.accept(tcp));
				let stream = tokio::select! {
					done = handshake => match done {
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
				connection(stream, peer, per_request, stop).await
			});
		}
		// The port closes before the last stop handle goes, so once `stopped()` returns
		// nothing connects.
		drop(listener);
	});
	Ok((local, handle))
}

/// Serves one connection until it ends or the server stops (then gracefully).
async fn connection<I, S>(io: I, peer: SocketAddr, service: S, stop: jsonrpsee::server::StopHandle)
where
	I: AsyncRead + AsyncWrite + Send + Unpin + 'static,
	S: tower::Service<HttpRequest<hyper::body::Incoming>, Response = HttpResponse>
		+ Clone
		+ Send
		+ 'static,
	S::Future: Send + 'static,
	S::Error: Into<BoxError>,
{
	// hyper's HTTP/1 server itself, not hyper-util's auto-detecting one: that one first
	// waits, with no time limit, for the bytes that tell HTTP/1 from HTTP/2. hyper's header
	// timer runs whenever a request is awaited: idle keep-alive time included.
	let conn = hyper::server::conn::http1::Builder::new()
		.timer(TokioTimer::new())
		.header_read_timeout(IDLE_TIMEOUT)
		.serve_connection(TokioIo::new(io), TowerToHyperService::new(service))
		.with_upgrades();
	tokio::pin!(conn);
	let result = tokio::select! {
		result = conn.as_mut() => result,
		_ = stop.shutdown() => {
			conn.as_mut().graceful_shutdown();
			conn.await
		}
	};
	if let Err(error) = result {
		tracing::debug!(%peer, %error, "a connection ended with an error");
	}
}
