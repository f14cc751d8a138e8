//! Audited reads end to end through two gateways: prints figures, asserts nothing.
//!
//! Starts a dev node (archive) and two hospitals' gateways on loopback (H1, Alice's; H2,
//! Bob's). Each hospital anchors a 4 KiB document of Eve's; then `CLIENTS` clients per
//! gateway read their own hospital's document `ROUNDS` times each (`document_get`: the read
//! checked against the chain, its audit entry queued, the file decrypted and checked; each
//! gateway reports its reads on chain in `audit.record_access`). Prints the reads answered
//! per second, and the audit entries finalised per second: every read adds one entry to
//! Eve's trail, whose head the state keeps, read at the finalised block from before the
//! first read until the trail holds every read; and the size of H1's index file per entry.
//!
//! `cargo run --release --locked -p medledger-tests --bin audited-reads`; `ROUNDS` sets the
//! reads per client (default 50), `CLIENTS` the clients per gateway (default 50).

use codec::Decode;
use medledger_primitives::audit::TrailHead;
use medledger_tests::{base64, gateway_admin, tempdir, token, wait_for, Hospital, Node, EVE};
use serde_json::{json, Value};
use std::{
	sync::atomic::{AtomicUsize, Ordering},
	time::{Duration, Instant},
};

fn env(name: &str, default: usize) -> usize {
	std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Eve's trail head in the node's finalised state: (block number, entries in her trail).
fn eves_trail_at_finalised(node: &Node) -> (u64, u64) {
	let eve = sp_keyring::Sr25519Keyring::Eve.to_account_id();
	let key = pallet_audit::Trails::<medledger_runtime::Runtime>::hashed_key_for(&eve);
	let hash = node.rpc("chain_getFinalizedHead", json!([])).expect("finalised head");
	let header = node.rpc("chain_getHeader", json!([hash])).expect("its header");
	let number =
		u64::from_str_radix(header["number"].as_str().unwrap().trim_start_matches("0x"), 16)
			.expect("a block number");
	let stored = node
		.rpc("state_getStorage", json!([format!("0x{}", hex::encode(key)), hash]))
		.expect("Eve's trail head");
	let seq = match stored.as_str() {
		Some(hex_value) => {
			let bytes = hex::decode(hex_value.trim_start_matches("0x")).expect("hex");
			TrailHead::decode(&mut &bytes[..]).expect("a trail head").seq
		}
		None => 0,
	};
	(number, seq)
}

/// The 4 KiB document hospital `h` anchors for Eve, once finalised.
fn anchored(h: &Hospital) -> u64 {
	let content: Vec<u8> = (0..4096u32).map(|i| (i * 31 % 251) as u8).collect();
	let accepted = h
		.gateway
		.call(
			Some(&h.admin),
			"document_upload",
			json!({ "patient": EVE, "content": base64(&content), "mediaType": "application/octet-stream", "documentType": "34133-9" }),
		)
		.expect("upload accepted");
	h.gateway.finalised(&h.admin, accepted["id"].as_u64().expect("an upload id"))
}

fn main() {
	let (rounds, clients) = (env("ROUNDS", 50), env("CLIENTS", 50));
	let dir = tempdir();
	let node = Node::start(
		"dev",
		&dir.join("node"),
		&["--dev", "--state-pruning", "archive-canonical", "--blocks-pruning", "archive-canonical"],
	);
	node.wait_ready(Duration::from_secs(120));
	let no_rate_limit = ["--rate-limit", "1000000"];
	let hospitals = [
		Hospital::start(&dir.join("h1"), "1", "alice", node.rpc_port, &no_rate_limit),
		Hospital::start(&dir.join("h2"), "2", "bob", node.rpc_port, &no_rate_limit),
	];
	let delegates = ["alice", "bob"];
	// A credential has at most 16 requests in flight (`limits::CONNECTIONS_PER_CREDENTIAL`):
	// ten clients share one, as an app's staff would.
	let readers: Vec<Vec<String>> = hospitals
		.iter()
		.zip(delegates)
		.map(|(h, key)| {
			let node_url = h.gateway.node_url();
			let issue = ["credentials", "issue", "--key", key, "--node-url", &node_url];
			(0..clients.div_ceil(10)).map(|_| token(&gateway_admin(&h.dir, &issue))).collect()
		})
		.collect();
	let documents: Vec<u64> = hospitals.iter().map(anchored).collect();

	// One read at each gateway first (connections, caches), its entry final before the clock
	// starts.
	let (_, start) = eves_trail_at_finalised(&node);
	for ((h, readers), document) in hospitals.iter().zip(&readers).zip(&documents) {
		let read = json!({ "id": document, "purpose": "treatment" });
		h.gateway.call(Some(&readers[0]), "document_get", read).expect("a first read");
	}
	let before = wait_for(Duration::from_secs(120), "the first reads in the trail", || {
		let (_, seq) = eves_trail_at_finalised(&node);
		(seq >= start + 2).then_some(seq)
	});
	let errors = AtomicUsize::new(0);
	let started = Instant::now();
	std::thread::scope(|scope| {
		for (h, (readers, document)) in hospitals.iter().zip(readers.iter().zip(&documents)) {
			for client in 0..clients {
				let (reader, errors) = (&readers[client / 10], &errors);
				scope.spawn(move || {
					for _ in 0..rounds {
						let read: Result<Value, _> = h.gateway.call(
							Some(reader),
							"document_get",
							json!({ "id": document, "purpose": "treatment" }),
						);
						if let Err(error) = read {
							if errors.fetch_add(1, Ordering::Relaxed) == 0 {
								eprintln!("first read error: {error:?}");
							}
						}
					}
				});
			}
		}
	});
	let answered_in = started.elapsed();
	let errors = errors.into_inner();
	let reads = (2 * clients * rounds - errors) as u64;
	// The finalised trail sampled until it holds every read: the first sample past the
	// reads' start and the last give the chain's intake once entries flow, apart from the lag
	// before the first report is final.
	let mut first_final: Option<(Instant, u64)> = None;
	let (last_block, entries) =
		wait_for(Duration::from_secs(600), "every read in the finalised trail", || {
			let (number, seq) = eves_trail_at_finalised(&node);
			if seq > before && first_final.is_none() {
				first_final = Some((Instant::now(), seq));
			}
			(seq >= before + reads).then_some((number, seq))
		});
	let finalised_in = started.elapsed();
	let intake = first_final
		.filter(|(_, seq)| *seq < entries)
		.map(|(at, seq)| (entries - seq) as f64 / at.elapsed().as_secs_f64());

	if errors > 0 {
		// A read that failed after its entry was queued still adds one: the wait above may
		// have ended before every answered read's entry was final.
		println!("NOT VALID: {errors} reads failed");
	}
	println!(
		"audited reads through two gateways ({clients} clients each × {rounds} reads of a 4 KiB document): {reads} answered, {errors} errors"
	);
	println!(
		"answered: {:.0} reads/s ({:.1} s); finalised on chain: {:.0} entries/s ({:.1} s, all in the finalised trail at block #{last_block})",
		reads as f64 / answered_in.as_secs_f64(),
		answered_in.as_secs_f64(),
		reads as f64 / finalised_in.as_secs_f64(),
		finalised_in.as_secs_f64(),
	);
	if let Some(intake) = intake {
		println!("the chain's intake once entries flow: {intake:.0} entries finalised/s");
	}
	// Every gateway indexes every entry of the chain; Eve's are nearly all of them here. Its
	// follower files finalised blocks within a second or so.
	std::thread::sleep(Duration::from_secs(5));
	let index = dir.join("h1/index.redb");
	let bytes = std::fs::metadata(&index).map_or(0, |m| m.len());
	println!(
		"H1's index file: {bytes} bytes with Eve's {entries} entries (≈ {:.0} bytes per entry: redb's file with its free and preallocated pages, an upper bound)",
		bytes as f64 / entries as f64
	);
}
