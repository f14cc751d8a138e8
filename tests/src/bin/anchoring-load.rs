//! Anchoring load generator: starts the 4-validator `local` network on loopback, submits
//! pre-signed extrinsics to it and prints, for one run, how many `system.remark` (the
//! chain's cheapest extrinsic: the ceiling), `documents.anchor`, documents through
//! `documents.anchor_batch` (a record each) and `documents.anchor_rooted_batch` (a record per
//! batch, under a Merkle root) and audited reads through `audit.record_access` it finalises
//! per second; the state each phase added per unit; and each validator's peak RSS.
//!
//! ```text
//! anchoring-load [REMARKS_PER_SENDER] [ANCHORS_PER_SENDER] [BATCHES_PER_SENDER] [BATCH_SIZE]
//!                [REPORTS_PER_SENDER] [READS_PER_REPORT] [ROOTED_BATCH_SIZE]
//! ```
//!
//! Batch and report sizes default to the runtime's bounds (`MaxBatchSize`,
//! `MaxRootedBatchSize`, `MaxAccessBatch`).
//!
//! The reads are granted reads of Eve's documents, each hospital's administrator reading one
//! its hospital issued (no consent needed: the check still reads the document and the
//! reader's standing), dated when signed.
//!
//! State growth is the bytes of every key and value in the finalised state, before and after
//! a phase, divided by its units — leaving out `System.Events`, the current block's events,
//! which every block replaces.
//!
//! Four senders (Alice–Dave, administrators of H1–H4) each submit their share to their own
//! hospital's node over JSON-RPC, on four connections each. Every extrinsic is signed before
//! the clock starts. Rates are counted from the finalised
//! blocks that hold the phase's extrinsics: units / (last block's timestamp − first block's
//! timestamp + one slot).

use codec::{Decode, Encode};
use frame_support::traits::Get;
use medledger_chain_client::{sign_extrinsic, Versions};
use medledger_primitives::{audit::Subject, Purpose};
use medledger_runtime::{RuntimeCall, UncheckedExtrinsic, SLOT_DURATION, VERSION};
use medledger_tests::{eves_document, rpc, start_local_net, tempdir, wait_for, Node};
use pallet_audit::AccessRecord;
use pallet_documents::NewDocument;
use serde_json::json;
use sp_core::H256;
use sp_crypto_hashing::twox_128;
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Charlie, Dave};
use sp_runtime::AccountId32;
use std::time::{Duration, Instant};

const SENDERS: [Sr25519Keyring; 4] = [Alice, Bob, Charlie, Dave];

/// Concurrent submitting connections per sender.
const LANES_PER_SENDER: usize = 4;

/// How long a phase may take to be finalised before the run gives up on it.
const PATIENCE: Duration = Duration::from_secs(900);

/// One kind of load: what each sender submits, and how many units (remarks, documents)
/// each extrinsic carries.
struct Phase {
	name: &'static str,
	unit: &'static str,
	extrinsics_per_sender: u32,
	units_per_extrinsic: u32,
	call: Box<dyn Fn(usize, u32, u32) -> RuntimeCall>,
}

/// What a phase reached.
struct Outcome {
	units: u64,
	extrinsics: u64,
	blocks: u64,
	seconds: f64,
	submit_seconds: f64,
	state_bytes: i64,
}

fn main() {
	let args: Vec<u32> = std::env::args().skip(1).map(|a| a.parse().expect("a number")).collect();
	let arg = |i: usize, default: u32| args.get(i).copied().unwrap_or(default);
	// The default batch sizes: the runtime's most documents per batch.
	use medledger_runtime::Runtime;
	let max_batch: u32 = <Runtime as pallet_documents::Config>::MaxBatchSize::get();
	let max_rooted: u32 = <Runtime as pallet_documents::Config>::MaxRootedBatchSize::get();
	let max_reads: u32 = <Runtime as pallet_audit::Config>::MaxAccessBatch::get();
	let phases = [
		Phase {
			name: "system.remark",
			unit: "remarks",
			extrinsics_per_sender: arg(0, 3000),
			units_per_extrinsic: 1,
			call: Box::new(|_, _, _| {
				RuntimeCall::System(frame_system::Call::remark { remark: b"load".to_vec() })
			}),
		},
		Phase {
			name: "documents.anchor",
			unit: "documents",
			extrinsics_per_sender: arg(1, 3000),
			units_per_extrinsic: 1,
			call: Box::new(|sender, index, _| {
				RuntimeCall::Documents(pallet_documents::Call::anchor {
					document: document(1, sender, index, 0),
				})
			}),
		},
		Phase {
			name: "documents.anchor_batch",
			unit: "documents",
			extrinsics_per_sender: arg(2, 4),
			units_per_extrinsic: arg(3, max_batch),
			call: Box::new(|sender, index, units| {
				RuntimeCall::Documents(pallet_documents::Call::anchor_batch {
					documents: (0..units).map(|n| document(2, sender, index, n)).collect(),
				})
			}),
		},
		Phase {
			name: "documents.anchor_rooted_batch",
			unit: "documents",
			extrinsics_per_sender: arg(2, 4),
			units_per_extrinsic: arg(6, max_rooted),
			call: Box::new(|sender, index, units| {
				RuntimeCall::Documents(pallet_documents::Call::anchor_rooted_batch {
					documents: (0..units).map(|n| document(3, sender, index, n)).collect(),
				})
			}),
		},
		Phase {
			name: "audit.record_access",
			unit: "reads",
			extrinsics_per_sender: arg(4, 20),
			units_per_extrinsic: arg(5, max_reads),
			// Each hospital's reads, of a document it issued: known once the anchors are final.
			call: Box::new(|_, _, _| unreachable!("built after the anchoring phases")),
		},
	];

	let dir = tempdir();
	eprintln!("starting the local network under {}", dir.display());
	let (nodes, _) = start_local_net(&dir, &["--pool-limit", "100000", "--pool-kbytes", "1000000"]);
	wait_for(PATIENCE, "finality to move", || nodes[0].finalized_number().filter(|n| *n >= 2));
	let genesis = hash_at(&nodes[0], 0);
	let mut nonces: Vec<u32> = SENDERS.iter().map(|_| 0).collect();

	let mut results = Vec::new();
	for mut phase in phases {
		if phase.name == "audit.record_access" {
			let read = first_documents(&nodes[0]);
			phase.call = Box::new(move |sender, _, units| {
				RuntimeCall::Audit(pallet_audit::Call::record_access {
					reads: vec![read(sender); units as usize],
				})
			});
		}
		eprintln!("{}: signing {} extrinsics per sender", phase.name, phase.extrinsics_per_sender);
		let batches: Vec<Vec<String>> = SENDERS
			.iter()
			.enumerate()
			.map(|(s, who)| {
				(0..phase.extrinsics_per_sender)
					.map(|i| {
						let call = (phase.call)(s, i, phase.units_per_extrinsic);
						let xt = sign(*who, nonces[s] + i, call, genesis);
						format!("0x{}", hex::encode(xt))
					})
					.collect()
			})
			.collect();
		for nonce in &mut nonces {
			*nonce += phase.extrinsics_per_sender;
		}
		let outcome = run(&nodes, &phase, batches);
		results.push((phase, outcome));
	}

	println!();
	println!(
		"{:<30} {:>10} {:>12} {:>8} {:>9} {:>12} {:>14} {:>18}",
		"load",
		"units",
		"extrinsics",
		"blocks",
		"seconds",
		"submit (s)",
		"finalised/s",
		"state bytes/unit"
	);
	for (phase, o) in &results {
		println!(
			"{:<30} {:>10} {:>12} {:>8} {:>9.1} {:>12.1} {:>10.0} {:<9} {:>10.1}",
			phase.name,
			o.units,
			o.extrinsics,
			o.blocks,
			o.seconds,
			o.submit_seconds,
			o.units as f64 / o.seconds,
			phase.unit,
			o.state_bytes as f64 / o.units.max(1) as f64
		);
	}
	let remark_rate = results[0].1.units as f64 / results[0].1.seconds;
	let anchor_rate = results[1].1.units as f64 / results[1].1.seconds;
	println!("anchor / remark rate: {:.2}", anchor_rate / remark_rate);
	for node in &nodes {
		println!("{} peak RSS: {} MiB", node.name, peak_rss_kib(node) / 1024);
	}
}

/// Submits each sender's extrinsics to its own node from its own thread, then follows the
/// finalised chain until every extrinsic of the phase is in it.
fn run(nodes: &[Node], phase: &Phase, batches: Vec<Vec<String>>) -> Outcome {
	let start_block = nodes[0].finalized_number().expect("a finalised head");
	let state_before = state_bytes(&nodes[0], start_block);
	let expected = batches.iter().map(|b| b.len() as u64).sum::<u64>();
	let ports: Vec<u16> = nodes.iter().map(|n| n.rpc_port).collect();
	let started = Instant::now();
	std::thread::scope(|scope| {
		for (batch, port) in batches.iter().zip(ports) {
			// Several connections per sender, each taking every n-th nonce, so submission
			// keeps ahead of block production; the pool orders the nonces.
			for lane in 0..LANES_PER_SENDER {
				scope.spawn(move || {
					for xt in batch.iter().skip(lane).step_by(LANES_PER_SENDER) {
						rpc(port, "author_submitExtrinsic", json!([xt]))
							.expect("accepted by the pool");
					}
				});
			}
		}
	});
	let submit_seconds = started.elapsed().as_secs_f64();
	eprintln!(
		"{}: {expected} submitted in {submit_seconds:.1} s; waiting for finality",
		phase.name
	);

	let (mut extrinsics, mut units, mut first, mut last, mut blocks) = (0, 0, None, 0, 0);
	let mut next = start_block + 1;
	let deadline = Instant::now() + PATIENCE;
	while extrinsics < expected && Instant::now() < deadline {
		let head = nodes[0].finalized_number().unwrap_or(0);
		while next <= head {
			let (timestamp, found) = ours(&nodes[0], next);
			if found.0 > 0 {
				first.get_or_insert(timestamp);
				last = timestamp;
				blocks += 1;
				extrinsics += found.0;
				units += found.1;
			}
			next += 1;
		}
		std::thread::sleep(Duration::from_millis(500));
	}
	if extrinsics < expected {
		eprintln!("{}: only {extrinsics} of {expected} finalised in time", phase.name);
	}
	let seconds = (last - first.unwrap_or(last) + SLOT_DURATION) as f64 / 1000.0;
	let state_bytes = state_bytes(&nodes[0], next - 1) as i64 - state_before as i64;
	Outcome { units, extrinsics, blocks, seconds, submit_seconds, state_bytes }
}

/// Block `number`'s timestamp, how many load extrinsics it holds, and how many units those
/// that succeeded carry: a failed one (a batch over the limit, a refused read) anchored or
/// recorded nothing.
fn ours(node: &Node, number: u64) -> (u64, (u64, u64)) {
	let hash = node.rpc("chain_getBlockHash", json!([number])).expect("block hash");
	let block = node.rpc("chain_getBlock", json!([hash])).expect("block");
	let failed = failed_extrinsics(node, &hash);
	let mut timestamp = 0;
	let (mut extrinsics, mut units) = (0, 0);
	let extrinsics_of_block = block["block"]["extrinsics"].as_array().expect("extrinsics");
	for (index, xt) in extrinsics_of_block.iter().enumerate() {
		let succeeded = !failed.contains(&(index as u32));
		let bytes = hex::decode(xt.as_str().unwrap().trim_start_matches("0x")).unwrap();
		let xt = UncheckedExtrinsic::decode(&mut &bytes[..]).expect("an extrinsic of this runtime");
		match xt.function {
			RuntimeCall::Timestamp(pallet_timestamp::Call::set { now }) => timestamp = now,
			RuntimeCall::System(frame_system::Call::remark { .. })
			| RuntimeCall::Documents(pallet_documents::Call::anchor { .. }) => {
				extrinsics += 1;
				units += u64::from(succeeded);
			}
			RuntimeCall::Documents(
				pallet_documents::Call::anchor_batch { documents }
				| pallet_documents::Call::anchor_rooted_batch { documents },
			) => {
				extrinsics += 1;
				units += if succeeded { documents.len() as u64 } else { 0 };
			}
			RuntimeCall::Audit(pallet_audit::Call::record_access { reads }) => {
				extrinsics += 1;
				units += if succeeded { reads.len() as u64 } else { 0 };
			}
			_ => {}
		}
	}
	(timestamp, (extrinsics, units))
}

/// The indices of block `hash`'s extrinsics that failed, from its events.
fn failed_extrinsics(node: &Node, hash: &serde_json::Value) -> Vec<u32> {
	let key = [twox_128(b"System"), twox_128(b"Events")].concat();
	let events = node.rpc("state_getStorage", json!([hex_of(&key), hash])).expect("events");
	let bytes = events.as_str().map(|e| hex::decode(e.trim_start_matches("0x")).expect("hex"));
	let records: Vec<frame_system::EventRecord<medledger_runtime::RuntimeEvent, H256>> = bytes
		.map(|b| Decode::decode(&mut &b[..]).expect("this runtime's events"))
		.unwrap_or_default();
	records
		.into_iter()
		.filter_map(|record| match (record.phase, record.event) {
			(
				frame_system::Phase::ApplyExtrinsic(index),
				medledger_runtime::RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
					..
				}),
			) => Some(index),
			_ => None,
		})
		.collect()
}

/// A document of Eve (the `local` chain's patient), unique per phase, sender, extrinsic and
/// position.
fn document(phase: u8, sender: usize, index: u32, n: u32) -> NewDocument<AccountId32> {
	let seed = (phase, sender as u8, index, n).encode();
	eves_document(medledger_primitives::commitment(sender as u32 + 1, &[7; 32], &seed))
}

/// An immortal extrinsic signed by `who` for the compiled runtime.
fn sign(who: Sr25519Keyring, nonce: u32, call: RuntimeCall, genesis: H256) -> Vec<u8> {
	let versions = Versions {
		spec_version: VERSION.spec_version,
		tx_version: VERSION.transaction_version,
		genesis,
	};
	sign_extrinsic(&who.pair(), call, nonce, versions)
}

/// For each sender, a granted read by its hospital of a document the hospital issued to Eve
/// (the first one of its that the finalised state lists), dated now.
fn first_documents(node: &Node) -> impl Fn(usize) -> AccessRecord<AccountId32> {
	let at = hash_at(node, node.finalized_number().expect("a finalised head"));
	let documents: Vec<u64> = (1..=SENDERS.len() as u32)
		.map(|org| {
			let args = (org, None::<u64>, 1u32).encode();
			let answer = node
				.rpc(
					"state_call",
					json!(["DocumentsApi_documents_by_organisation", hex_of(&args), at]),
				)
				.expect("documents of a hospital");
			let bytes =
				hex::decode(answer.as_str().expect("hex").trim_start_matches("0x")).expect("hex");
			let page =
				Vec::<(u64, pallet_documents::Document<medledger_runtime::Runtime>)>::decode(
					&mut &bytes[..],
				)
				.expect("a page of documents");
			page.first().expect("the hospital anchored documents").0
		})
		.collect();
	let now = medledger_tests::now_ms();
	move |sender| AccessRecord {
		patient: Sr25519Keyring::Eve.to_account_id(),
		subject: Subject::Document(documents[sender]),
		consent: None,
		purpose: Some(Purpose::Treatment),
		outcome: medledger_primitives::audit::Outcome::Success,
		at: now,
	}
}

/// Bytes of every key and value in block `number`'s state but `System.Events`.
fn state_bytes(node: &Node, number: u64) -> u64 {
	let at = hash_at(node, number);
	let events = [twox_128(b"System"), twox_128(b"Events")].concat();
	let (mut total, mut after) = (0u64, None::<String>);
	loop {
		let keys =
			node.rpc("state_getKeysPaged", json!(["0x", 1000, after, at])).expect("a page of keys");
		let keys: Vec<String> = serde_json::from_value(keys).expect("keys");
		let Some(last) = keys.last().cloned() else { return total };
		let values = node.rpc("state_queryStorageAt", json!([keys, at])).expect("values");
		for change in values[0]["changes"].as_array().expect("changes") {
			let key = hex::decode(change[0].as_str().unwrap().trim_start_matches("0x")).unwrap();
			if key == events {
				continue;
			}
			let value = change[1].as_str().map_or(0, |v| (v.len() - 2) / 2);
			total += (key.len() + value) as u64;
		}
		after = Some(last);
	}
}

fn hex_of(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

fn hash_at(node: &Node, number: u64) -> H256 {
	let hash = node.rpc("chain_getBlockHash", json!([number])).expect("block hash");
	hash.as_str().expect("a hash").parse().expect("a 32-byte hash")
}

/// The process's peak resident set (VmHWM), in KiB.
fn peak_rss_kib(node: &Node) -> u64 {
	let pid = node.pid().expect("running");
	let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
	status
		.lines()
		.find_map(|line| line.strip_prefix("VmHWM:"))
		.and_then(|v| v.split_whitespace().next())
		.and_then(|kib| kib.parse().ok())
		.expect("VmHWM in /proc status")
}
