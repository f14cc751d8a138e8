//! Where a node listens and whom it talks to, played by an outsider on the network: a node
//! started with no network flags is reachable on loopback only and announces itself to no
//! one (no mDNS); and even a development chain accepts as peers only its hospitals'
//! authorised node keys, from genesis on.

use medledger_tests::{tempdir, wait_for, Node, ALICE_PEER_ID, LOCAL_VALIDATORS};
use serde_json::json;
use std::{collections::HashSet, time::Duration};

/// The sockets process `pid` holds: (protocol, local address as the kernel prints it in
/// hex `address:port`, state), read from `/proc` as `ss` would.
fn sockets(pid: u32) -> Vec<(&'static str, String, String)> {
	let inodes: HashSet<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
		.expect("the node's descriptors")
		.filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok())
		.filter_map(|link| {
			let link = link.to_string_lossy().into_owned();
			Some(link.strip_prefix("socket:[")?.strip_suffix(']')?.to_string())
		})
		.collect();
	let mut found = Vec::new();
	for protocol in ["tcp", "tcp6", "udp", "udp6"] {
		let table = std::fs::read_to_string(format!("/proc/{pid}/net/{protocol}")).unwrap();
		for line in table.lines().skip(1) {
			let fields: Vec<&str> = line.split_whitespace().collect();
			if inodes.contains(fields[9]) {
				found.push((protocol, fields[1].to_string(), fields[3].to_string()));
			}
		}
	}
	found
}

/// Whether a `/proc/net` local address (`0100007F:1F90`, or 32 hex digits for IPv6) is
/// loopback.
fn is_loopback(address: &str) -> bool {
	let host = address.split(':').next().unwrap();
	host == "0100007F" || host == "00000000000000000000000001000000"
}

fn port(address: &str) -> u16 {
	u16::from_str_radix(address.split(':').nth(1).unwrap(), 16).unwrap()
}

/// TCP state `0A`: listening.
const LISTEN: &str = "0A";

#[test]
fn a_node_without_network_flags_listens_on_loopback_only_and_runs_no_mdns() {
	let dir = tempdir();
	let node = Node::start_with_network_defaults(
		"alice",
		&dir.join("alice"),
		&["--chain", "local", "--alice", "--node-key", LOCAL_VALIDATORS[0].1],
	);
	node.wait_ready(Duration::from_secs(120));
	let pid = node.pid().unwrap();
	let held = sockets(pid);
	let listening: Vec<_> =
		held.iter().filter(|(p, _, state)| p.starts_with("tcp") && state == LISTEN).collect();
	assert!(!listening.is_empty(), "the node listens somewhere: {held:?}");
	for (protocol, address, _) in &listening {
		assert!(is_loopback(address), "{protocol} listener on {address}: not loopback");
	}
	// mDNS answers on UDP port 5353 of every interface; the node opens no such socket.
	for (protocol, address, _) in held.iter().filter(|(p, ..)| p.starts_with("udp")) {
		assert_ne!(port(address), 5353, "{protocol} socket on {address}: mDNS is running");
		assert!(is_loopback(address), "{protocol} socket on {address}: not loopback");
	}
}

/// Bob's node key is H2's, authorised at genesis; a node with a key of its own is not, even
/// when it knows where Alice listens.
#[test]
fn a_dev_chain_accepts_only_authorised_nodes_as_peers() {
	let dir = tempdir();
	let alice =
		Node::start("alice", &dir.join("alice"), &["--dev", "--node-key", LOCAL_VALIDATORS[0].1]);
	alice.wait_ready(Duration::from_secs(120));
	let bootnode = format!("/ip4/127.0.0.1/tcp/{}/p2p/{ALICE_PEER_ID}", alice.p2p_port);
	let peers =
		|node: &Node| node.rpc("system_peers", json!([])).unwrap().as_array().unwrap().len();

	let outsider = Node::start(
		"outsider",
		&dir.join("outsider"),
		&["--chain", "dev", "--bootnodes", &bootnode],
	);
	outsider.wait_ready(Duration::from_secs(120));
	let bob = Node::start(
		"bob",
		&dir.join("bob"),
		&["--chain", "dev", "--node-key", LOCAL_VALIDATORS[1].1, "--bootnodes", &bootnode],
	);
	bob.wait_ready(Duration::from_secs(120));
	wait_for(Duration::from_secs(60), "Alice to accept Bob", || (peers(&alice) == 1).then_some(()));
	// By the time the authorised node is in, the outsider, started first, has had its chance.
	assert_eq!(peers(&outsider), 0, "the outsider became a peer");
	let ids: Vec<String> = alice
		.rpc("system_peers", json!([]))
		.unwrap()
		.as_array()
		.unwrap()
		.iter()
		.map(|p| p["peerId"].as_str().unwrap().to_string())
		.collect();
	assert_eq!(ids, vec!["12D3KooWHdiAxVd8uMQR1hGWXccidmfCwLqcMpGwR6QcTP6QRMuD".to_string()]);
}
