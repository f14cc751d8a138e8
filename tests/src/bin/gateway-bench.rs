//! Gateway benchmark: prints figures, asserts nothing.
//!
//! Starts a dev node (archive) and H1's gateway with embedded IPFS on loopback, then
//! measures, in one run:
//! - raw AES-256-GCM throughput over a 10 MB buffer (the AEAD the envelope uses), in-process;
//! - the upload's own work on the same file, in-process, step by step: sealing (the AEAD,
//!   the BLAKE2b commitment, two key wraps), the CID's DAG (SHA-256 over its blocks), and
//!   writing the envelope and syncing it to disk — their sum is the fastest an acknowledged
//!   upload can be, before HTTP and the gateway's store;
//! - the upload pipeline for a 10 MB file: `document_upload` over HTTP JSON-RPC (base64,
//!   sealing, spooling, fsync) until acknowledged, and on until the anchor is finalised;
//!   the same file put as a plain body (`PUT /documents`) until acknowledged;
//! - read latency: 100 concurrent clients each reading a 4 KiB document (`document_get`:
//!   consent check on chain, audit entry queued, IPFS, unwrap, decrypt, commitment check).
//!
//! - the proof bundle of that document (`document_proof`): its size, and the median time the
//!   offline verifier takes over it and the file (1,000 runs, in-process).
//!
//! Calls go as raw JSON-RPC over HTTP (ureq), as any outside client's would, so the figures
//! measure the wire and the gateway, not a client library, and stay comparable over time.
//!
//! `cargo run --release --locked -p medledger-tests --bin gateway-bench` (or `scripts/bench`);
//! `ROUNDS` sets the reads per client (default 20).

use aes_gcm::{aead::AeadInPlace, Aes256Gcm, KeyInit, Nonce};
use medledger_tests::{base64, gateway_admin, tempdir, token, Gateway, Node, EVE};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const TEN_MB: usize = 10 * 1024 * 1024;
const CLIENTS: usize = 100;

fn mb_per_s(bytes: usize, elapsed: Duration) -> f64 {
	bytes as f64 / (1024.0 * 1024.0) / elapsed.as_secs_f64()
}

fn raw_aead(buffer: &mut Vec<u8>) -> Duration {
	let cipher = Aes256Gcm::new(&[7u8; 32].into());
	let started = Instant::now();
	cipher.encrypt_in_place(Nonce::from_slice(&[1u8; 12]), b"", buffer).expect("encrypts");
	started.elapsed()
}

/// How long each step of an upload's own work takes on `file`, in-process: sealing, of which
/// the commitment alone, the CID's DAG, and writing the envelope to `dir` and syncing it.
struct UploadSteps {
	seal: Duration,
	commitment: Duration,
	dag: Duration,
	write_and_sync: Duration,
}

impl UploadSteps {
	fn measure(file: &[u8], dir: &std::path::Path) -> UploadSteps {
		use std::io::Write;
		let recipients = [
			medledger_envelope::PublicKey::from([9u8; 32]),
			medledger_envelope::PublicKey::from([10u8; 32]),
		];
		let time = |step: &mut dyn FnMut()| {
			let started = Instant::now();
			step();
			started.elapsed()
		};
		let mut sealed = None;
		let seal = time(&mut || sealed = Some(medledger_envelope::seal(1, file, &recipients)));
		let envelope = sealed.expect("sealed").expect("seals").envelope;
		let commitment = time(&mut || {
			std::hint::black_box(medledger_primitives::commitment(1, &[7; 32], file));
		});
		let dag = time(&mut || {
			std::hint::black_box(medledger_gateway::ipfs::Dag::of(&envelope).root());
		});
		let write_and_sync = time(&mut || {
			let mut out = std::fs::File::create(dir.join("envelope")).expect("a file");
			out.write_all(&envelope).expect("written");
			out.sync_all().expect("synced");
		});
		UploadSteps { seal, commitment, dag, write_and_sync }
	}

	fn total(&self) -> Duration {
		self.seal + self.dag + self.write_and_sync
	}
}

fn upload(gw: &Gateway, token: &str, bytes: &[u8]) -> (u64, Duration) {
	let started = Instant::now();
	let accepted = gw
		.call(
			Some(token),
			"document_upload",
			json!({ "patient": EVE, "content": base64(bytes), "mediaType": "application/octet-stream", "documentType": "34133-9" }),
		)
		.expect("upload accepted");
	(accepted["id"].as_u64().unwrap(), started.elapsed())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
	sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

fn main() {
	let rounds: usize = std::env::var("ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(20);
	let dir = tempdir();
	let mut node = Node::start(
		"dev",
		&dir.join("node"),
		&["--dev", "--state-pruning", "archive-canonical", "--blocks-pruning", "archive-canonical"],
	);
	node.wait_ready(Duration::from_secs(120));
	let h1 = dir.join("h1");
	gateway_admin(&h1, &["keys", "init", "--organisation", "1", "--dev", "alice"]);
	let node_url = format!("ws://127.0.0.1:{}", node.rpc_port);
	let issue = ["credentials", "issue", "--key", "alice", "--node-url", &node_url];
	let token = token(&gateway_admin(&h1, &issue));
	// A credential has at most 16 requests in flight (`limits::CONNECTIONS_PER_CREDENTIAL`):
	// the readers share ten, as ten apps' worth of staff would.
	let readers: Vec<String> =
		(0..CLIENTS / 10).map(|_| medledger_tests::token(&gateway_admin(&h1, &issue))).collect();
	let gw = Gateway::start(&h1, node.rpc_port, &["--rate-limit", "100000"]);

	let file: Vec<u8> = (0..TEN_MB).map(|i| (i * 7919 % 251) as u8).collect();
	let mut buffer = file.clone();
	let aead = raw_aead(&mut buffer);
	let steps = UploadSteps::measure(&file, &dir);

	// Warm-up (connections, first IPFS write), then the measured upload.
	let (warm, _) = upload(&gw, &token, &file[..1024]);
	gw.finalised(&token, warm);
	let started = Instant::now();
	let (id, acknowledged) = upload(&gw, &token, &file);
	let document = gw.finalised(&token, id);
	let to_final = started.elapsed();

	// The same file put as a plain HTTP body (`PUT /documents`).
	let query = format!("patient={EVE}&mediaType=application%2Foctet-stream&documentType=34133-9");
	let started = Instant::now();
	let (status, answer) = gw.put_document(Some(&token), &query, &file);
	let put = started.elapsed();
	assert_eq!(status, 200, "{answer}");

	let (small, _) = upload(&gw, &token, &file[..4096]);
	let small = gw.finalised(&token, small);
	let latencies = std::sync::Mutex::new(Vec::with_capacity(CLIENTS * rounds));
	let errors = std::sync::atomic::AtomicUsize::new(0);
	let reads_started = Instant::now();
	std::thread::scope(|scope| {
		for client in 0..CLIENTS {
			let (reader, gw, latencies, errors) =
				(&readers[client % readers.len()], &gw, &latencies, &errors);
			scope.spawn(move || {
				for _ in 0..rounds {
					let started = Instant::now();
					let result: Result<Value, _> = gw.call(
						Some(reader),
						"document_get",
						json!({ "id": small, "purpose": "treatment" }),
					);
					let elapsed = started.elapsed();
					match result {
						Ok(_) => latencies.lock().unwrap().push(elapsed),
						Err(error) => {
							if errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed) == 0 {
								eprintln!("first read error: {error:?}");
							}
						}
					}
				}
			});
		}
	});
	let wall = reads_started.elapsed();
	let mut latencies = latencies.into_inner().unwrap();
	latencies.sort();

	// The proof bundle, once a stored justification covers the document.
	let bundle = medledger_tests::wait_for(Duration::from_secs(120), "a proof bundle", || {
		gw.call(Some(&token), "document_proof", json!({ "id": small, "purpose": "treatment" })).ok()
	});
	let bundle_json = serde_json::to_string(&bundle).unwrap();
	let bundle = medledger_verifier::ProofBundle::from_json(&bundle_json).unwrap();
	let spec = std::process::Command::new(medledger_tests::node_binary())
		.args(["build-spec", "--chain", "dev", "--raw"])
		.output()
		.expect("build-spec");
	let trusted =
		medledger_verifier::TrustedSet::from_json(&String::from_utf8_lossy(&spec.stdout)).unwrap();
	let mut verify_times: Vec<Duration> = (0..1000)
		.map(|_| {
			let started = Instant::now();
			medledger_verifier::verify(&bundle, &trusted, Some(&file[..4096])).expect("verifies");
			started.elapsed()
		})
		.collect();
	verify_times.sort();

	println!("raw AES-256-GCM, 10 MiB in-process:        {:8.1} MiB/s", mb_per_s(TEN_MB, aead));
	println!(
		"upload 10 MiB, acknowledged (durable):     {:8.1} MiB/s ({:.2} s)",
		mb_per_s(TEN_MB, acknowledged),
		acknowledged.as_secs_f64()
	);
	println!(
		"upload 10 MiB as a plain body (PUT), acknowledged: {:8.1} MiB/s ({:.2} s; {:.2} × raw AEAD)",
		mb_per_s(TEN_MB, put),
		put.as_secs_f64(),
		aead.as_secs_f64() / put.as_secs_f64(),
	);
	let ms = |d: Duration| d.as_secs_f64() * 1000.0;
	println!(
		"the upload's own work on 10 MiB, in-process: seal {:.1} ms (commitment alone {:.1} ms), CID's DAG {:.1} ms, write and sync {:.1} ms: {:.1} ms in all, {:.1} MiB/s at most ({:.2} × raw AEAD)",
		ms(steps.seal),
		ms(steps.commitment),
		ms(steps.dag),
		ms(steps.write_and_sync),
		ms(steps.total()),
		mb_per_s(TEN_MB, steps.total()),
		aead.as_secs_f64() / steps.total().as_secs_f64(),
	);
	println!(
		"upload 10 MiB, anchor finalised:           {:8.1} MiB/s ({:.2} s, document {document})",
		mb_per_s(TEN_MB, to_final),
		to_final.as_secs_f64()
	);
	println!(
		"reads of a 4 KiB document, {CLIENTS} clients × {rounds}: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms, {:.0} reads/s, {} errors",
		percentile(&latencies, 0.50).as_secs_f64() * 1000.0,
		percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
		latencies.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
		latencies.len() as f64 / wall.as_secs_f64(),
		errors.into_inner(),
	);
	println!(
		"proof bundle of a 4 KiB document: {} bytes JSON ({} trie nodes, {} headers, justification {} bytes)",
		bundle_json.len(),
		bundle.storage_proof.len(),
		bundle.headers.len(),
		bundle.finality.justification.len(),
	);
	println!(
		"offline verification (bundle + 4 KiB file), 1000 runs: median {:.3} ms, p99 {:.3} ms",
		percentile(&verify_times, 0.50).as_secs_f64() * 1000.0,
		percentile(&verify_times, 0.99).as_secs_f64() * 1000.0,
	);
	drop(gw);
	node.kill();
}
