//! Anchoring load generator: starts the 4-validator `local` network on loopback, submits
//! pre-signed extrinsics to it and prints, for one run, how many `system.remark` (the
//! chain's cheapest extrinsic: the ceiling), `documents.anchor`, documents through
//! `documents.anchor_batch` (a record each) and `documents.anchor_rooted_batch` (a record per
//! batch, under a Merkle root), patients registered, and audited reads through
//! `audit.record_access` it finalises per second; the state each phase added per unit; the
//! validators' CPU time per unit; and each validator's resident memory when the run starts
//! and its peak during each phase (the largest of the four in the table); and why the
//! authors stopped filling the phase's blocks (the pool ran dry, the block's weight, the
//! proposer's deadline), from the validators' logs.
//!
//! ```text
//! anchoring-load [REMARKS_PER_SENDER] [ANCHORS_PER_SENDER] [BATCHES_PER_SENDER] [BATCH_SIZE]
//!                [REPORTS_PER_SENDER] [READS_PER_REPORT] [ROOTED_BATCH_SIZE]
//!                [PATIENTS_PER_SENDER] [DISTINCT_REPORTS_PER_SENDER] [DISTINCT_READS_PER_REPORT]
//! ```
//!
//! Batch and report sizes default to the runtime's bounds (`MaxBatchSize`,
//! `MaxRootedBatchSize`, `MaxAccessBatch`), the patients to what a hospital may register in a
//! day (`MaxRegistrationsPerPeriod`). `NODE_ARGS` (whitespace-separated) adds flags to every
//! validator, to see what they change (`NODE_ARGS="--max-runtime-instances 2"`).
//!
//! Two kinds of audited reads. **Repeated**: each hospital's administrator reads one
//! document of Eve's its hospital issued, every read of a report the same (no consent needed:
//! the check still reads the document and the reader's standing) — charged one distinct read
//! and its repeats. **Distinct**: each hospital registers its own patients, anchors a document
//! for each in one rooted batch, and every read of a report is of another patient and
//! document — charged as distinct reads, the dearest. Reads are dated when signed.
//!
//! CPU time is the validators' user and system time (`/proc/<pid>/stat`) from the first
//! submission until the phase is final, over the units: on two cores shared by the four,
//! 2,000 ms of CPU a second divided by it bounds a phase that the CPU, not the block's
//! weight, stops.
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
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

const SENDERS: [Sr25519Keyring; 4] = [Alice, Bob, Charlie, Dave];

/// Concurrent submitting connections per sender.
const LANES_PER_SENDER: usize = 4;

/// How long a phase may take to be finalised before the run gives up on it.
const PATIENCE: Duration = Duration::from_secs(900);

/// What one extrinsic of a phase calls: from the sender, the extrinsic's index among the
/// sender's and the units it carries.
type MakeCall = Box<dyn Fn(usize, u32, u32) -> RuntimeCall>;

/// One kind of load: what each sender submits, and how many units (remarks, documents)
/// each extrinsic carries. `prepare` makes the calls from the finalised state the earlier
/// phases left (the documents a read names).
struct Phase {
	name: &'static str,
	unit: &'static str,
	extrinsics_per_sender: u32,
	units_per_extrinsic: u32,
	prepare: Box<dyn Fn(&Node) -> MakeCall>,
}

/// A phase whose calls do not depend on what came before.
fn ready(
	call: impl Fn(usize, u32, u32) -> RuntimeCall + Clone + 'static,
) -> Box<dyn Fn(&Node) -> MakeCall> {
	Box::new(move |_| Box::new(call.clone()))
}

/// What a phase reached.
struct Outcome {
	units: u64,
	extrinsics: u64,
	/// The finalised blocks holding the phase's extrinsics: (number, count of extrinsics).
	blocks: Vec<(u64, usize)>,
	seconds: f64,
	submit_seconds: f64,
	state_bytes: i64,
	cpu_ms: f64,
	/// Each validator's peak resident set during the phase.
	peak_rss_mib: Vec<u64>,
}

fn main() {
	let args: Vec<u32> = std::env::args().skip(1).map(|a| a.parse().expect("a number")).collect();
	let arg = |i: usize, default: u32| args.get(i).copied().unwrap_or(default);
	// The default batch sizes: the runtime's most documents per batch.
	use medledger_runtime::Runtime;
	let max_batch: u32 = <Runtime as pallet_documents::Config>::MaxBatchSize::get();
	let max_rooted: u32 = <Runtime as pallet_documents::Config>::MaxRootedBatchSize::get();
	let max_reads: u32 = <Runtime as pallet_audit::Config>::MaxAccessBatch::get();
	let max_patients: u32 =
		<Runtime as pallet_consortium::Config>::MaxRegistrationsPerPeriod::get();
	let patients_per_sender = arg(7, max_patients);
	assert!(
		(1..=max_patients.min(max_rooted)).contains(&patients_per_sender),
		"a hospital registers its patients in a day and anchors their documents in one batch"
	);

	let dir = tempdir();
	eprintln!("starting the local network under {}", dir.display());
	let node_args = std::env::var("NODE_ARGS").unwrap_or_default();
	// Pools raised so that a phase's pre-signed extrinsics all wait in them: the lanes
	// submit each sender's nonces out of order, and a default pool keeps only a tenth of its
	// 8,192 transactions in its future queue — it drops the rest and the sender's later
	// nonces wait for ever.
	let mut flags = vec!["--pool-limit", "100000", "--pool-kbytes", "1000000"];
	flags.extend(node_args.split_whitespace());
	let (nodes, bases) = start_local_net(&dir, &flags);
	let logs: Vec<PathBuf> = bases.iter().map(|base| base.with_extension("log")).collect();
	wait_for(PATIENCE, "finality to move", || nodes[0].finalized_number().filter(|n| *n >= 2));
	let genesis = hash_at(&nodes[0], 0);
	for node in &nodes {
		println!(
			"{} resident at the start: {} MiB",
			node.name,
			proc_status_kib(node, "VmRSS:") / 1024
		);
	}
	let patients = Rc::new(Patients::new(patients_per_sender));

	let phases = [
		Phase {
			name: "system.remark",
			unit: "remarks",
			extrinsics_per_sender: arg(0, 3000),
			units_per_extrinsic: 1,
			prepare: ready(|_, _, _| {
				RuntimeCall::System(frame_system::Call::remark { remark: b"load".to_vec() })
			}),
		},
		Phase {
			name: "documents.anchor",
			unit: "documents",
			extrinsics_per_sender: arg(1, 3000),
			units_per_extrinsic: 1,
			prepare: ready(|sender, index, _| {
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
			prepare: ready(|sender, index, units| {
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
			prepare: ready(|sender, index, units| {
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
			prepare: Box::new(|node| {
				let read = first_documents(node);
				Box::new(move |sender, _, units| {
					RuntimeCall::Audit(pallet_audit::Call::record_access {
						reads: vec![read(sender); units as usize],
					})
				})
			}),
		},
		Phase {
			name: "consortium.register_member",
			unit: "patients",
			extrinsics_per_sender: patients_per_sender,
			units_per_extrinsic: 1,
			prepare: Box::new({
				let patients = patients.clone();
				move |_| {
					let patients = patients.clone();
					Box::new(move |sender, n, _| patients.registration(sender, n, genesis))
				}
			}),
		},
		Phase {
			name: "anchor_rooted_batch, a patient each",
			unit: "documents",
			extrinsics_per_sender: 1,
			units_per_extrinsic: patients_per_sender,
			prepare: Box::new({
				let patients = patients.clone();
				move |_| {
					let patients = patients.clone();
					Box::new(move |sender, _, units| {
						RuntimeCall::Documents(pallet_documents::Call::anchor_rooted_batch {
							documents: (0..units).map(|n| patients.document(sender, n)).collect(),
						})
					})
				}
			}),
		},
		Phase {
			name: "record_access, all distinct",
			unit: "reads",
			extrinsics_per_sender: arg(8, 20),
			units_per_extrinsic: arg(9, max_reads / 2).min(patients_per_sender),
			prepare: Box::new(move |node| {
				let patients = patients.clone();
				let first = patients.first_documents(node);
				let now = signed_at();
				Box::new(move |sender, index, units| {
					// Report `index` reads the next `units` patients, round the hospital's.
					let reads = (0..units)
						.map(|k| (index * units + k) % patients.per_sender)
						.map(|n| patients.read(sender, n, first[sender], now))
						.collect();
					RuntimeCall::Audit(pallet_audit::Call::record_access { reads })
				})
			}),
		},
	];

	let mut nonces: Vec<u32> = SENDERS.iter().map(|_| 0).collect();
	let mut results = Vec::new();
	for phase in phases {
		let call = (phase.prepare)(&nodes[0]);
		eprintln!("{}: signing {} extrinsics per sender", phase.name, phase.extrinsics_per_sender);
		let batches: Vec<Vec<String>> = SENDERS
			.iter()
			.enumerate()
			.map(|(s, who)| {
				(0..phase.extrinsics_per_sender)
					.map(|i| {
						let xt = sign(
							*who,
							nonces[s] + i,
							call(s, i, phase.units_per_extrinsic),
							genesis,
						);
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
		"{:<36} {:>10} {:>12} {:>8} {:>9} {:>12} {:>14} {:>18} {:>13} {:>14}",
		"load",
		"units",
		"extrinsics",
		"blocks",
		"seconds",
		"submit (s)",
		"finalised/s",
		"state bytes/unit",
		"CPU ms/unit",
		"peak RSS (MiB)"
	);
	for (phase, o) in &results {
		println!(
			"{:<36} {:>10} {:>12} {:>8} {:>9.1} {:>12.1} {:>10.0} {:<9} {:>10.1} {:>13.3} {:>14}",
			phase.name,
			o.units,
			o.extrinsics,
			o.blocks.len(),
			o.seconds,
			o.submit_seconds,
			o.units as f64 / o.seconds,
			phase.unit,
			o.state_bytes as f64 / o.units.max(1) as f64,
			o.cpu_ms / o.units.max(1) as f64,
			o.peak_rss_mib.iter().max().copied().unwrap_or(0),
		);
	}
	println!();
	let proposals = proposals(&logs);
	for (phase, o) in &results {
		let mut ends = BTreeMap::new();
		let mut longest_build_ms = 0;
		for block in &o.blocks {
			let (end, build_ms) =
				proposals.get(block).map_or(("not in a log", 0), |(e, ms)| (e, *ms));
			*ends.entry(end).or_insert(0) += 1;
			longest_build_ms = longest_build_ms.max(build_ms);
		}
		let ends: Vec<String> = ends.iter().map(|(end, n)| format!("{end} ×{n}")).collect();
		println!(
			"{}: its blocks ended by {}; the longest took {longest_build_ms} ms to build",
			phase.name,
			ends.join(", "),
		);
	}
	let remark_rate = results[0].1.units as f64 / results[0].1.seconds;
	let anchor_rate = results[1].1.units as f64 / results[1].1.seconds;
	println!("anchor / remark rate: {:.2}", anchor_rate / remark_rate);
	for (n, node) in nodes.iter().enumerate() {
		let peak = results.iter().map(|(_, o)| o.peak_rss_mib[n]).max().unwrap_or(0);
		let end = proc_status_kib(node, "VmRSS:") / 1024;
		println!("{} peak RSS: {peak} MiB (resident at the end: {end} MiB)", node.name);
	}
}

/// Each hospital's own patients for the distinct reads: keys from the seeds
/// `BLAKE2b-256("load/<hospital>/<n>")`, registered by the hospital's administrator.
struct Patients {
	per_sender: u32,
	pairs: Vec<Vec<sp_core::sr25519::Pair>>,
}

impl Patients {
	fn new(per_sender: u32) -> Patients {
		use sp_core::Pair;
		let pairs = (0..SENDERS.len())
			.map(|s| {
				(0..per_sender)
					.map(|n| {
						// From a seed of its own: a derivation path would stretch the
						// development phrase (PBKDF2) once for each of the thousands.
						let seed =
							sp_crypto_hashing::blake2_256(format!("load/{s}/{n}").as_bytes());
						sp_core::sr25519::Pair::from_seed(&seed)
					})
					.collect()
			})
			.collect();
		Patients { per_sender, pairs }
	}

	fn account(&self, sender: usize, n: u32) -> AccountId32 {
		use sp_core::Pair;
		self.pairs[sender][n as usize].public().into()
	}

	/// Patient `n` of hospital `sender + 1`, registered by its administrator with the key
	/// statement the patient signed.
	fn registration(&self, sender: usize, n: u32, genesis: H256) -> RuntimeCall {
		use sp_core::Pair;
		let who = self.account(sender, n);
		let encryption_key = sp_crypto_hashing::blake2_256(&who.encode());
		let statement = pallet_consortium::KeyStatement {
			account: &who,
			encryption_key: &encryption_key,
			registrar: Some(sender as u32 + 1),
			genesis,
		};
		let proof = self.pairs[sender][n as usize].sign(&statement.message()).into();
		RuntimeCall::Consortium(pallet_consortium::Call::register_member {
			who,
			role: pallet_consortium::Role::Patient,
			encryption_key,
			proof,
		})
	}

	/// The document hospital `sender + 1` anchors for its patient `n`.
	fn document(&self, sender: usize, n: u32) -> NewDocument<AccountId32> {
		NewDocument { patient: self.account(sender, n), ..document(4, sender, 0, n) }
	}

	/// The id of each hospital's first patient's document: its batch numbers them in order.
	fn first_documents(&self, node: &Node) -> Vec<u64> {
		let at = hash_at(node, node.finalized_number().expect("a finalised head"));
		(0..SENDERS.len())
			.map(|s| {
				let commitment = self.document(s, 0).commitment;
				let args = (commitment, s as u32 + 1).encode();
				let answer: Option<u64> = state_call(node, "DocumentsApi_document_id", &args, at);
				answer.expect("the hospital's batch is final")
			})
			.collect()
	}

	/// Hospital `sender + 1`'s administrator's read of its patient `n`'s document.
	fn read(&self, sender: usize, n: u32, first: u64, at: u64) -> AccessRecord<AccountId32> {
		AccessRecord {
			patient: self.account(sender, n),
			subject: Subject::Document(first + u64::from(n)),
			consent: None,
			purpose: Some(Purpose::Treatment),
			outcome: medledger_primitives::audit::Outcome::Success,
			at,
		}
	}
}

/// Submits each sender's extrinsics to its own node from its own thread, then follows the
/// finalised chain until every extrinsic of the phase is in it.
fn run(nodes: &[Node], phase: &Phase, batches: Vec<Vec<String>>) -> Outcome {
	let start_block = nodes[0].finalized_number().expect("a finalised head");
	let state_before = state_bytes(&nodes[0], start_block);
	let expected = batches.iter().map(|b| b.len() as u64).sum::<u64>();
	let ports: Vec<u16> = nodes.iter().map(|n| n.rpc_port).collect();
	let cpu_before: u64 = nodes.iter().map(cpu_ticks).sum();
	for node in nodes {
		reset_peak_rss(node);
	}
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

	let (mut extrinsics, mut units, mut first, mut last) = (0, 0, None, 0);
	let mut blocks = Vec::new();
	let mut next = start_block + 1;
	let deadline = Instant::now() + PATIENCE;
	while extrinsics < expected && Instant::now() < deadline {
		let head = nodes[0].finalized_number().unwrap_or(0);
		while next <= head {
			let found = ours(&nodes[0], next);
			if found.extrinsics > 0 {
				blocks.push((next, found.in_block));
				first.get_or_insert(found.timestamp);
				last = found.timestamp;
				extrinsics += found.extrinsics;
				units += found.units;
			}
			next += 1;
		}
		std::thread::sleep(Duration::from_millis(500));
	}
	if extrinsics < expected {
		eprintln!("{}: only {extrinsics} of {expected} finalised in time", phase.name);
	}
	let cpu_ms = (nodes.iter().map(cpu_ticks).sum::<u64>() - cpu_before) as f64 * 1000.0
		/ clock_ticks_per_second();
	let peak_rss_mib = nodes.iter().map(|n| proc_status_kib(n, "VmHWM:") / 1024).collect();
	let seconds = (last - first.unwrap_or(last) + SLOT_DURATION) as f64 / 1000.0;
	let state_bytes = state_bytes(&nodes[0], next - 1) as i64 - state_before as i64;
	Outcome {
		units,
		extrinsics,
		blocks,
		seconds,
		submit_seconds,
		state_bytes,
		cpu_ms,
		peak_rss_mib,
	}
}

/// Each block the validators authored, by number and count of extrinsics (its hash in the
/// log is the unsealed header's, not the block's): why its author stopped adding
/// transactions (`NoMoreTransactions`, `HitBlockWeightLimit`, `HitDeadline`,
/// `HitBlockSizeLimit`) and how many milliseconds it took to build, from the
/// `Prepared block for proposing` lines of their logs. What stops a phase's blocks is the
/// bound that stops the phase: the pool running dry, the weight, or the proposer's time.
fn proposals(logs: &[PathBuf]) -> BTreeMap<(u64, usize), (String, u64)> {
	let mut proposals = BTreeMap::new();
	for log in logs {
		let text = std::fs::read_to_string(log).expect("a validator's log");
		for line in text.lines().filter(|l| l.contains("Prepared block for proposing")) {
			let field = |after: &str, until: char| {
				line.split_once(after).and_then(|(_, rest)| rest.split(until).next())
			};
			let number = field("proposing at ", ' ').and_then(|n| n.parse().ok());
			let count = field("extrinsics_count: ", ' ').and_then(|n| n.trim().parse().ok());
			let (Some(number), Some(count), Some(end), Some(ms)) =
				(number, count, field("end: ", ';'), field(" (", ' '))
			else {
				continue;
			};
			proposals.insert((number, count), (end.to_string(), ms.parse().unwrap_or(0)));
		}
	}
	proposals
}

/// What a finalised block holds of the load.
struct Found {
	/// All its extrinsics, inherents included (what its author's log counts).
	in_block: usize,
	timestamp: u64,
	/// The load's extrinsics in it.
	extrinsics: u64,
	/// The units those that succeeded carry: a failed one (a batch over the limit, a refused
	/// read) anchored or recorded nothing.
	units: u64,
}

/// What block `number` holds of the load.
fn ours(node: &Node, number: u64) -> Found {
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
			| RuntimeCall::Documents(pallet_documents::Call::anchor { .. })
			| RuntimeCall::Consortium(pallet_consortium::Call::register_member { .. }) => {
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
	Found { in_block: extrinsics_of_block.len(), timestamp, extrinsics, units }
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
			let page: Vec<(u64, pallet_documents::Document<medledger_runtime::Runtime>)> =
				state_call(node, "DocumentsApi_documents_by_organisation", &args, at);
			page.first().expect("the hospital anchored documents").0
		})
		.collect();
	let now = signed_at();
	move |sender| AccessRecord {
		patient: Sr25519Keyring::Eve.to_account_id(),
		subject: Subject::Document(documents[sender]),
		consent: None,
		purpose: Some(Purpose::Treatment),
		outcome: medledger_primitives::audit::Outcome::Success,
		at: now,
	}
}

/// The time a read is dated when signed: a little before now, so that no block that takes
/// it, whose time is its slot's start, is earlier than the read.
fn signed_at() -> u64 {
	medledger_tests::now_ms() - 2 * SLOT_DURATION
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

/// Runtime API `method`'s answer to `args` at block `at`.
fn state_call<T: Decode>(node: &Node, method: &str, args: &[u8], at: H256) -> T {
	let answer = node.rpc("state_call", json!([method, hex_of(args), at])).expect(method);
	let bytes = hex::decode(answer.as_str().expect("hex").trim_start_matches("0x")).expect("hex");
	T::decode(&mut &bytes[..]).expect("the runtime API's answer")
}

fn hex_of(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

fn hash_at(node: &Node, number: u64) -> H256 {
	let hash = node.rpc("chain_getBlockHash", json!([number])).expect("block hash");
	hash.as_str().expect("a hash").parse().expect("a 32-byte hash")
}

/// A memory figure of the node's process, in KiB: `VmRSS:` (resident now) or `VmHWM:`
/// (its peak).
fn proc_status_kib(node: &Node, field: &str) -> u64 {
	let pid = node.pid().expect("running");
	let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
	status
		.lines()
		.find_map(|line| line.strip_prefix(field))
		.and_then(|v| v.split_whitespace().next())
		.and_then(|kib| kib.parse().ok())
		.expect("the field in /proc status")
}

/// Starts the node's peak resident set (`VmHWM`) again from what is resident now, so that
/// the peak read after a phase is that phase's.
fn reset_peak_rss(node: &Node) {
	let pid = node.pid().expect("running");
	std::fs::write(format!("/proc/{pid}/clear_refs"), "5").expect("clear_refs");
}

/// The node's user and system CPU time so far, in clock ticks (`/proc/<pid>/stat`).
fn cpu_ticks(node: &Node) -> u64 {
	let pid = node.pid().expect("running");
	let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("proc stat");
	// The fields after the command name, which is in parentheses and may hold spaces:
	// utime and stime are the 14th and 15th fields of the line.
	let fields: Vec<&str> =
		stat.rsplit_once(')').expect("a command name").1.split_whitespace().collect();
	fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime")
}

/// The kernel's clock ticks per second, the unit of `/proc/<pid>/stat`'s times.
fn clock_ticks_per_second() -> f64 {
	let out = std::process::Command::new("getconf").arg("CLK_TCK").output().expect("getconf");
	String::from_utf8_lossy(&out.stdout).trim().parse().expect("CLK_TCK")
}
