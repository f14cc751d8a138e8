//! What anyone — a member with a credential, or an outsider with a socket — can make the
//! gateway hold, and for how long: each bound in one place, with why it is what it is.
//! `docs/ARCHITECTURE.md` lists them for operators.
//!
//! - **Sockets**: at most [`MAX_CONNECTIONS`] HTTP connections open at once, and
//!   [`CONNECTIONS_PER_ADDRESS`] from one IP address (beyond, a new socket is closed at
//!   once), and as many WebSocket connections and in-flight requests
//!   (jsonrpsee's own guard; 429 beyond); a new socket that sends nothing within
//!   [`FIRST_REQUEST_TIMEOUT`] is closed, and so is a connection idle between requests, or
//!   slow to send a request's headers, for [`IDLE_TIMEOUT`]. A request without a valid
//!   credential is answered, or dropped (408), within [`FIRST_REQUEST_TIMEOUT`], body
//!   included: a stranger cannot hold a socket by sending a body slowly.
//! - **Per credential**: at most [`CONNECTIONS_PER_CREDENTIAL`] WebSocket connections and
//!   HTTP requests in flight ([`Slots`], as for addresses); one more is answered HTTP 429. So one credential
//!   (a patient's, a stolen one) cannot take the connections every other caller needs.
//! - **Bodies, before they are read**: a request without a valid credential may carry at most
//!   [`UNAUTHENTICATED_BODY`] (enough for `rpc.discover`), a credential's the configured
//!   upload limit; a `Content-Length` over the bound is answered 413 without reading a
//!   byte, and a body without one is cut off at the bound.
//! - **Parameters**: a method that carries no file takes at most [`MAX_PARAMS`] bytes of
//!   parameters; every string that names something (account, hash, CID) is bounded by its
//!   type before it is decoded (`medledger_gateway_api::values`).
//! - **WebSockets**: pinged every [`WS_PING_INTERVAL`]; a peer that has not answered within
//!   [`WS_INACTIVE_LIMIT`] is dropped, so a vanished client frees its slot.

use std::{
	collections::HashMap,
	hash::Hash,
	net::{IpAddr, Ipv4Addr, Ipv6Addr},
	sync::Arc,
	time::Duration,
};

/// Open sockets at once. Each costs a descriptor and a task; a thousand is far above what
/// a hospital's apps hold, and far below the process's descriptor limit.
pub const MAX_CONNECTIONS: usize = 1_000;

/// Open sockets from one IP address: a quarter of [`MAX_CONNECTIONS`], so one host —
/// an outsider's, before any credential is seen — cannot take every socket and lock the
/// hospital's apps out. (Apps behind one proxy share its address: a quarter is still far
/// more than they hold.) See [`address_holder`] for what counts as one address.
pub const CONNECTIONS_PER_ADDRESS: usize = MAX_CONNECTIONS / 4;

/// What a socket from `ip` counts against for [`CONNECTIONS_PER_ADDRESS`]: its IPv4
/// address (an IPv4-mapped IPv6 one as IPv4), or its IPv6 /64 — one host has a whole /64
/// to pick addresses from. `None` for 127.0.0.1 and ::1, where a TLS reverse proxy on this
/// host connects from (README): every client behind it would share one bound, and the
/// proxy bounds its own clients.
pub fn address_holder(ip: IpAddr) -> Option<IpAddr> {
	match ip.to_canonical() {
		IpAddr::V4(v4) if v4 == Ipv4Addr::LOCALHOST => None,
		IpAddr::V6(v6) if v6 == Ipv6Addr::LOCALHOST => None,
		IpAddr::V6(v6) => {
			let prefix = u128::from(v6) & !((1u128 << 64) - 1);
			Some(IpAddr::V6(Ipv6Addr::from(prefix)))
		}
		v4 => Some(v4),
	}
}

/// WebSocket connections and in-flight HTTP requests of one credential. An app holds one
/// or two subscriptions and a few requests at a time; sixteen leaves room for retries.
pub const CONNECTIONS_PER_CREDENTIAL: usize = 16;

/// Longest request body without a valid credential, in bytes: `rpc.discover` is ~60 bytes.
pub const UNAUTHENTICATED_BODY: u64 = 4 * 1024;

/// Most calls in one JSON-RPC batch: each call is checked and rate-limited alone, and all of
/// them are answered on one request's slot, so an unbounded batch would hold that slot as
/// long as its sender liked. No client of the gateway sends batches this large.
pub const MAX_BATCH: u32 = 64;

/// Longest parameters of a method that carries no file, in bytes. The largest such call is
/// a patient's grant relayed with a wrap for each of up to 500 documents (`MaxWraps`):
/// about 130 KiB in hex.
pub const MAX_PARAMS: usize = 256 * 1024;

/// Time a new socket (or a TLS handshake) has to start: a socket that sends nothing is
/// closed, so silent sockets cannot pile up.
pub const FIRST_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Time a connection may stay idle between requests, or take to send a request's headers.
/// Longer than the first wait: clients keep connections open in pools, and one closed under
/// a request being sent fails that request.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// How often the gateway pings each WebSocket peer.
pub const WS_PING_INTERVAL: Duration = Duration::from_secs(30);

/// How long a WebSocket peer may take to answer a ping before it is dropped.
pub const WS_INACTIVE_LIMIT: Duration = Duration::from_secs(60);

/// The connections each holder — a credential, an IP address — holds now, each at most
/// `most`.
pub struct Slots<K> {
	most: usize,
	held: parking_lot::Mutex<HashMap<K, usize>>,
}

/// One holder's connection or request; its slot is free again when the last clone is
/// dropped (the socket closed, the WebSocket connection closed, the HTTP request answered).
#[derive(Clone)]
pub struct Slot<K: Eq + Hash + Clone> {
	_held: Arc<Held<K>>,
}

/// The held slot itself (dropping it frees it).
struct Held<K: Eq + Hash + Clone> {
	slots: Arc<Slots<K>>,
	holder: K,
}

impl<K: Eq + Hash + Clone> Slots<K> {
	/// Slots of at most `most` per holder.
	pub fn new(most: usize) -> Arc<Self> {
		Arc::new(Slots { most, held: Default::default() })
	}

	/// A slot for `holder`, or `None` when it holds `most` already.
	pub fn take(self: &Arc<Self>, holder: &K) -> Option<Slot<K>> {
		let mut held = self.held.lock();
		let count = held.entry(holder.clone()).or_default();
		if *count >= self.most {
			return None;
		}
		*count += 1;
		let held = Held { slots: self.clone(), holder: holder.clone() };
		Some(Slot { _held: Arc::new(held) })
	}
}

impl<K: Eq + Hash + Clone> Drop for Held<K> {
	fn drop(&mut self) {
		let mut held = self.slots.held.lock();
		if let Some(count) = held.get_mut(&self.holder) {
			*count -= 1;
			if *count == 0 {
				held.remove(&self.holder);
			}
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn an_ipv6_host_counts_as_its_64_and_this_hosts_proxy_not_at_all() {
		let holder = |text: &str| address_holder(text.parse().unwrap());
		assert_eq!(holder("2001:db8::1"), holder("2001:db8::ffff:1"));
		assert_ne!(holder("2001:db8::1"), holder("2001:db8:0:1::1"));
		assert_eq!(holder("::ffff:192.0.2.7"), holder("192.0.2.7"));
		assert_eq!(holder("127.0.0.3"), Some("127.0.0.3".parse().unwrap()));
		assert_eq!((holder("127.0.0.1"), holder("::1")), (None, None));
	}

	#[test]
	fn a_holder_holds_a_bounded_number_of_slots_and_frees_them() {
		let slots = Slots::new(CONNECTIONS_PER_CREDENTIAL);
		let a = "a".to_string();
		let held: Vec<_> =
			(0..CONNECTIONS_PER_CREDENTIAL).map(|_| slots.take(&a).expect("free")).collect();
		assert!(slots.take(&a).is_none());
		// Another holder is not affected.
		let other = slots.take(&"b".to_string()).expect("free");
		let copy = held[0].clone();
		drop(held);
		// A clone (a call's extensions) keeps its slot until it goes too.
		assert_eq!(slots.held.lock().get("a"), Some(&1));
		drop((copy, other));
		assert!(slots.held.lock().is_empty());
	}
}
