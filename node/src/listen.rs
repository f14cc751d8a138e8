//! Where the node listens and how it looks for peers, when the operator does not say.
//!
//! Substrate's own defaults suit a public network: listen on every interface (`0.0.0.0` and
//! `[::]`) and look for peers on the local network with mDNS. A hospital's node is neither
//! public nor looking: it talks to the consortium's authorised nodes (`crate::peers`) at the
//! addresses its operator configures. So, on every chain:
//!
//! - without `--listen-addr` and `--public-addr`, the node listens on `127.0.0.1` only (at
//!   `--port`, or 30333): reachable from another host only once the operator says where;
//! - mDNS is off unless `--mdns` is given (`--no-mdns` is then redundant, and accepted).

use sc_cli::NetworkParams;
use sc_network::{
	config::{NetworkConfiguration, TransportConfig},
	multiaddr::Protocol,
	Multiaddr,
};
use std::net::Ipv4Addr;

/// The p2p port when `--port` is not given (Substrate's).
const DEFAULT_PORT: u16 = 30333;

/// Applies the node's defaults to `network`, which sc-cli built from `params`; `mdns`: whether
/// the operator asked for mDNS.
pub fn apply_defaults(network: &mut NetworkConfiguration, params: &NetworkParams, mdns: bool) {
	if params.listen_addr.is_empty() && params.public_addr.is_empty() {
		let port = params.port.unwrap_or(DEFAULT_PORT);
		network.listen_addresses = vec![Multiaddr::empty()
			.with(Protocol::Ip4(Ipv4Addr::LOCALHOST))
			.with(Protocol::Tcp(port))];
	}
	if let TransportConfig::Normal { enable_mdns, .. } = &mut network.transport {
		*enable_mdns = mdns;
	}
}
