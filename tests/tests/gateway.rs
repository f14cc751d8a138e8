//! The gateway end to end, over real JSON-RPC, against a real dev node and the gateway's
//! embedded IPFS node: upload → anchored → finalised → read back byte-identical and
//! audited; bad inputs get their documented errors and change nothing; uploads in flight
//! survive the node and the gateway going down, and are anchored exactly once; a new
//! version supersedes a document and a version is marked entered in error; a ciphertext
//! altered in IPFS is reported as tampered; audit entries the chain refuses are kept as dead
//! letters, listed and counted, never lost, and more entries than one report holds go out as
//! several reports at once, each entry landing exactly once; a file put as a plain HTTP body
//! (`PUT /documents`) is the same upload under the same rules, and uploads nothing if its
//! credential is revoked while the body is sent; a node that hangs holds no scrape of
//! `/metrics`.

use medledger_gateway_api::{
	api::{
		audit::{AuditAction, AuditApiClient, Outcome, Subject},
		documents::{DocumentStatus, DocumentsApiClient, Upload, UploadState},
		explorer::ExplorerApiClient,
		members::MembersApiClient,
		proofs::ProofsApiClient,
	},
	values::{Account, Base64, Purpose, StaffRole},
};
use medledger_tests::{
	account, gateway_admin, raw_chain_spec, tempdir, token, wait_for, Client, Gateway, Hospital,
	Node, Steps, EVE, FERDIE,
};
use medledger_verifier::{Failure, TrustedSet, BATCHED_BUNDLE_FORMAT};
use serde_json::json;
use std::{
	fmt::Debug,
	io::{Read, Write},
	net::TcpStream,
	path::PathBuf,
	time::Duration,
};

const PATIENCE: Duration = Duration::from_secs(120);

/// Deterministic, incompressible-looking bytes (several IPFS chunks for large `len`).
fn file(len: usize, seed: u64) -> Vec<u8> {
	let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
	(0..len)
		.map(|_| {
			state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
			(state >> 33) as u8
		})
		.collect()
}

/// Every file under `dir`, at any depth.
fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
	let mut files = Vec::new();
	for entry in std::fs::read_dir(dir).unwrap() {
		let path = entry.unwrap().path();
		match path.is_dir() {
			true => files.extend(files_under(&path)),
			false => files.push(path),
		}
	}
	files
}

/// Uploads `bytes` for `patient` (a new document, not a version).
fn upload(c: &Client, patient: &str, bytes: &[u8]) -> Result<Upload, (i64, String)> {
	c.run(c.client.document_upload(
		account(patient),
		Base64(bytes.to_vec()),
		"application/octet-stream".into(),
		"34133-9".into(),
		None,
	))
}

/// The file of document `id`, read for treatment.
fn read(c: &Client, id: u64) -> Vec<u8> {
	c.run(c.client.document_get(id, Purpose::Treatment)).expect("read").content.0
}

/// `PUT /documents?{query}` over a raw connection, declaring `declared` bytes: the headers and
/// the first half of `body`, then `meanwhile`, then the rest; the whole answer as text.
fn raw_put(
	port: u16,
	token: &str,
	query: &str,
	declared: usize,
	body: &[u8],
	meanwhile: impl FnOnce(),
) -> String {
	let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connected");
	let head = format!(
		"PUT /documents?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
		 Content-Length: {declared}\r\nConnection: close\r\n\r\n"
	);
	stream.write_all(head.as_bytes()).expect("headers sent");
	let (first, rest) = body.split_at(body.len() / 2);
	stream.write_all(first).expect("the first half sent");
	std::thread::sleep(Duration::from_millis(300));
	meanwhile();
	stream.write_all(rest).expect("the rest sent");
	let mut answer = String::new();
	stream.read_to_string(&mut answer).expect("an answer");
	answer
}

fn code<T: Debug>(result: Result<T, (i64, String)>) -> i64 {
	result.expect_err("an error").0
}

/// The story's node, H1's gateway and its credentials.
struct Story {
	node: Node,
	node_base: PathBuf,
	gw: Gateway,
	/// H1's data directory.
	h1: PathBuf,
	/// Ferdie, auditor.
	auditor: String,
	/// Ferdie again, with a credential of its own for the rate limiter.
	spammer: String,
	/// H1's clinician.
	doc: String,
	/// The clinician's account.
	clinician: Account,
	/// H1's administrator.
	admin: String,
}

/// The first document: its id and its file.
struct First {
	document: u64,
	original: Vec<u8>,
}

impl Story {
	/// A dev node (archive state) and H1's gateway (Alice, H1's delegate, as administrator,
	/// from the dev keys), whose administrator registers a clinician: the clinician's key
	/// stays at the gateway.
	fn start() -> Story {
		let dir = tempdir();
		let node_base = dir.join("node");
		let node = Node::start(
			"dev",
			&node_base,
			&[
				"--dev",
				"--state-pruning",
				"archive-canonical",
				"--blocks-pruning",
				"archive-canonical",
			],
		);
		node.wait_ready(PATIENCE);
		let hospital = Hospital::start(
			&dir.join("h1"),
			"1",
			"alice",
			node.rpc_port,
			&["--max-file-size", "1048576", "--rate-limit", "20"],
		);
		let (auditor, spammer) =
			(hospital.credential(FERDIE, "auditor"), hospital.credential(FERDIE, "auditor"));
		let Hospital { gateway: gw, dir: h1, admin } = hospital;
		let c = gw.client(&admin);
		let registered = c
			.run(c.client.staff_register("doc".into(), StaffRole::Clinician))
			.expect("clinician registered");
		let node_url = gw.node_url();
		let issue = ["credentials", "issue", "--key", "doc", "--node-url", &node_url];
		let doc = token(&gateway_admin(&h1, &issue));
		Story {
			node,
			node_base,
			gw,
			h1,
			auditor,
			spammer,
			doc,
			clinician: registered.account,
			admin,
		}
	}

	/// Upload → anchored → finalised → read back, byte-identical.
	fn upload_and_read_back(&self) -> First {
		let c = self.gw.client(&self.doc);
		let original = file(600_000, 1);
		let accepted = upload(&c, EVE, &original).expect("upload accepted");
		assert_eq!(accepted.state, UploadState::Accepted);
		assert!(accepted.cid.0.to_string().starts_with("Qm"), "CIDv0, kubo's default");
		let document = self.gw.finalised(&self.doc, accepted.id);
		let read = c.run(c.client.document_get(document, Purpose::Treatment)).expect("read");
		assert!(read.content.0 == original, "the file read back differs from the upload");
		assert_eq!(read.document.commitment, accepted.commitment);
		First { document, original }
	}

	/// A file put as a plain HTTP body (`PUT /documents`) is an upload like `document_upload`'s:
	/// anchored, finalised, read back byte-identical. The same rules hold: no credential,
	/// a caller who is not staff, a file over the limit (refused before its body is read), a
	/// malformed query — each refused with its documented error, and none accepted anything.
	fn put_a_file_as_a_plain_body(&self) {
		let original = file(300_000, 7);
		let query = format!("patient={EVE}&mediaType=application%2Fpdf&documentType=34133-9");
		let (status, accepted) = self.gw.put_document(Some(&self.doc), &query, &original);
		assert_eq!(status, 200, "{accepted}");
		assert_eq!(accepted["state"], "accepted", "{accepted}");
		let id = accepted["id"].as_u64().expect("an upload id");
		let document = self.gw.finalised(&self.doc, id);
		let c = self.gw.client(&self.doc);
		let read = c.run(c.client.document_get(document, Purpose::Treatment)).expect("read");
		assert!(read.content.0 == original, "the file read back differs from the one put");
		assert_eq!(read.document.media_type, "application/pdf");

		let refused = [
			(None, query.clone(), 1_000, 401, -32001),
			(Some(&self.auditor), query.clone(), 1_000, 403, -32002),
			(
				Some(&self.doc),
				"patient=nobody&mediaType=a&documentType=b".to_string(),
				10,
				400,
				-32005,
			),
			(Some(&self.doc), format!("patient={EVE}&mediaType=a"), 10, 400, -32005),
			(Some(&self.doc), format!("{query}&colour=blue"), 10, 400, -32005),
		];
		for (token, query, size, status, code) in refused {
			let (got, answer) =
				self.gw.put_document(token.map(String::as_str), &query, &vec![1; size]);
			assert_eq!((got, answer["code"].as_i64()), (status, Some(code)), "{query}: {answer}");
		}
		// A declared length over the limit is answered before a byte of the body is sent (a
		// client sending it would find the connection closed under it).
		let answer = raw_put(self.gw.port, &self.doc, &query, 1_048_577, &[], || {});
		assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
		assert!(answer.contains("-32004"), "{answer}");
		let next = upload(&c, EVE, b"after the refusals").expect("upload accepted");
		assert_eq!(next.id, id + 1, "a refused PUT accepted an upload");
	}

	/// A credential revoked while its holder is still sending a file: the PUT, whose headers
	/// were accepted, is refused (401) once the body has arrived, and nothing is uploaded —
	/// the next upload takes the next id.
	fn a_credential_revoked_mid_body_uploads_nothing(&self) {
		let node_url = self.gw.node_url();
		let issue = ["credentials", "issue", "--key", "doc", "--node-url", &node_url];
		let issued = gateway_admin(&self.h1, &issue);
		let (token, id) = (token(&issued), issued["id"].as_str().expect("an id").to_string());
		let c = self.gw.client(&self.doc);
		let before = upload(&c, EVE, b"before the slow PUT").expect("accepted").id;
		let body = file(200_000, 30);
		let query = format!("patient={EVE}&mediaType=application%2Fpdf&documentType=34133-9");
		let answer = raw_put(self.gw.port, &token, &query, body.len(), &body, || {
			gateway_admin(&self.h1, &["credentials", "revoke", &id]);
		});
		assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
		assert!(answer.to_ascii_lowercase().contains("www-authenticate: bearer"), "{answer}");
		assert!(
			answer.contains("error=\"invalid_token\""),
			"a revoked token is named invalid: {answer}"
		);
		let after = upload(&c, EVE, b"after the slow PUT").expect("accepted").id;
		assert_eq!(after, before + 1, "the PUT of a revoked credential was accepted");
	}

	/// The read is in Eve's audit trail, recorded on chain through the audit queue, and the
	/// trail's hash chain verifies.
	fn read_is_audited(&self) {
		let c = self.gw.client(&self.auditor);
		let trail = wait_for(PATIENCE, "the read to be audited", || {
			let trail = c.run(c.client.audit_trail(account(EVE), None, None)).ok()?;
			let reads = trail
				.entries
				.iter()
				.any(|e| e.entry.action == AuditAction::Read && e.entry.actor == self.clinician);
			reads.then_some(trail)
		});
		assert!(trail.verified, "{trail:?}");
	}

	/// Four reads' entries queued when the gateway went down (written into its store while
	/// it is stopped) go out in one batch when it starts again: two it reports rightly, one
	/// claimed as granted under a consent that does not exist, one dated two hours back.
	/// The chain refuses the batch; the gateway sends each alone: the two land in Eve's
	/// trail; the made-up grant is refused (`ReadNotAllowed`) and reported again as a refused
	/// read, so it lands too; the late one cannot land (`ReportedTooLate`) and is a dead
	/// letter with the chain's reason, listed for the administrator and counted in /metrics.
	/// Entries read = entries on chain + dead letters.
	fn no_audit_entry_is_lost(&mut self, document: u64) {
		use medledger_gateway::store::Store;
		use medledger_primitives::audit::{Outcome as Read, Refusal};
		let at = medledger_tests::now_ms() - 5_000;
		let late = at - 2 * 3_600_000;
		let read = |outcome, consent, at| clinicians_read(document, outcome, consent, at);
		self.gw.kill();
		Store::open(&self.h1)
			.expect("the gateway's store")
			.queue_access(&[
				read(Read::Refused(Refusal::NoConsent), None, at),
				read(Read::Success, Some(999_999), at),
				read(Read::Success, None, at),
				read(Read::Success, None, late),
			])
			.unwrap();
		self.gw.restart();

		let auditor = self.gw.client(&self.auditor);
		let recorded = wait_for(PATIENCE, "three entries to be recorded", || {
			let trail = auditor.run(auditor.client.audit_trail(account(EVE), None, None)).ok()?;
			let ours: Vec<Outcome> = trail
				.entries
				.iter()
				.filter(|e| e.entry.occurred_at == Some(at) && e.entry.actor == self.clinician)
				.map(|e| e.entry.outcome)
				.collect();
			(ours.len() >= 3).then_some(ours)
		});
		let no_consent = Outcome::Refused { refusal: Refusal::NoConsent };
		assert_eq!(
			recorded,
			[no_consent, Outcome::Success, no_consent],
			"the refused read, the hospital's own document, then the made-up grant as refused"
		);
		// The entries leave the queue once their blocks are final, the buried one with them.
		wait_for(PATIENCE, "the queue to empty", || self.audit_queue_empty().then_some(()));
		let admin = self.gw.client(&self.admin);
		let letters = admin.run(admin.client.audit_dead_letters(None, None)).expect("dead letters");
		assert_eq!(letters.len(), 1, "{letters:?}");
		let letter = &letters[0];
		assert_eq!((letter.at, letter.reported_by.as_str()), (late, "doc"));
		assert_eq!(letter.reader.as_ref(), Some(&self.clinician));
		assert!(letter.reason.contains("ReportedTooLate"), "{letter:?}");
		// Only the administrator lists them.
		let doc = self.gw.client(&self.doc);
		assert_eq!(code(doc.run(doc.client.audit_dead_letters(None, None))), -32002);

		let metrics = self.gw.metrics(Some(&self.admin)).expect("metrics for the administrator");
		assert!(metrics.contains("medledger_audit_dead_letters 1"), "{metrics}");
		assert!(metrics.contains("medledger_audit_queued 0"), "{metrics}");
		assert!(metrics.contains("medledger_audit_index_failed_passes 0"), "{metrics}");
		assert!(metrics.contains("medledger_audit_index_lag_blocks "), "{metrics}");
		assert_eq!(self.gw.metrics(None), Err(401));
		assert_eq!(self.gw.metrics(Some(&self.doc)), Err(403));
	}

	/// More entries queued than one report holds (`MaxAccessBatch`, 500) go out as several
	/// reports at once, one of them holding a made-up grant: that report is refused and
	/// halved while the others land. Every entry lands exactly once — none lost, none sent
	/// twice by a report retried while another was in flight — and the made-up grant lands
	/// as a refused read.
	fn reports_in_flight_land_each_entry_once(&mut self, document: u64) {
		use medledger_gateway::store::{QueuedAccess, Store};
		use medledger_primitives::audit::Outcome as Read;
		const QUEUED: usize = 1_501;
		let at = medledger_tests::now_ms() - 3_000;
		let entries: Vec<QueuedAccess> = (0..QUEUED)
			.map(|i| {
				// The tenth is claimed as granted under a consent that does not exist.
				let consent = (i == 10).then_some(999_999);
				clinicians_read(document, Read::Success, consent, at)
			})
			.collect();
		self.gw.kill();
		Store::open(&self.h1).expect("the gateway's store").queue_access(&entries).unwrap();
		self.gw.restart();

		let landed = self.recorded_at(at);
		let refused = landed.iter().filter(|o| **o != Outcome::Success).count();
		assert_eq!(
			(landed.len(), refused),
			(QUEUED, 1),
			"each entry once; the made-up grant refused"
		);
		let admin = self.gw.client(&self.admin);
		let letters = admin.run(admin.client.audit_dead_letters(None, None)).expect("dead letters");
		assert_eq!(letters.len(), 1, "no new dead letter: {letters:?}");
	}

	/// The gateway dies (SIGKILL) with a report in the node's pool, before it hears that the
	/// report is in a block: the report lands while its entry is still queued. Restarted, the
	/// gateway must find it on chain, not sign that entry again: the read is recorded once.
	fn a_report_the_gateway_died_over_lands_once(&mut self) {
		use medledger_gateway::store::{KeptReport, Store};
		const ATTEMPTS: usize = 3;
		// The pool's extrinsics, as hex.
		let pending = || {
			let pool = self.node.rpc("author_pendingExtrinsics", json!([])).expect("the pool");
			let pool = pool.as_array().cloned().unwrap_or_default();
			pool.iter().filter_map(|xt| xt.as_str().map(String::from)).collect::<Vec<_>>()
		};
		let c = self.gw.client(&self.doc);
		// A document of its own: the first one's stored ciphertext was altered above.
		let accepted = upload(&c, EVE, b"read while the gateway dies").expect("upload accepted");
		let document = self.gw.finalised(&self.doc, accepted.id);
		let before = self.recorded(|_| true).len();
		for attempt in 1..=ATTEMPTS {
			// An earlier attempt's entry leaves the queue once its block is final.
			wait_for(PATIENCE, "the queue to empty", || self.audit_queue_empty().then_some(()));
			read(&c, document);
			// Polled tightly: a block takes the report within a slot (2 s). The queue is asked
			// now and then too: a report in and out of the pool between two polls is heard of.
			let deadline = std::time::Instant::now() + PATIENCE;
			let in_pool = (1u32..).find_map(|poll| {
				let pool = pending();
				if !pool.is_empty() {
					return Some(pool);
				}
				if poll % 40 == 0 && self.audit_queue_empty() {
					return Some(pool);
				}
				assert!(std::time::Instant::now() < deadline, "the read's report was never sent");
				std::thread::sleep(Duration::from_millis(5));
				None
			});
			let in_pool = in_pool.unwrap_or_default();
			if in_pool.is_empty() {
				// Its report came and went between two looks: nothing shown yet, try again.
				assert!(attempt < ATTEMPTS, "the report was never seen in the pool");
				continue;
			}
			self.gw.kill();
			wait_for(PATIENCE, "the report to leave the pool for a block", || {
				pending().is_empty().then_some(())
			});
			let store = Store::open(&self.h1).expect("the store");
			let kept = store.kept_reports().unwrap();
			let queued = store.counts().unwrap().audit_queued;
			drop(store);
			self.gw.restart();
			// The attack holds only if the gateway died holding the report the pool had.
			let seen = |report: &KeptReport| {
				in_pool.contains(&format!("0x{}", hex::encode(&report.signed.extrinsic)))
			};
			if !kept.iter().any(|(_, report)| seen(report)) {
				// It heard back before it died, or the pool held something else: try again.
				assert!(attempt < ATTEMPTS, "the gateway never died holding its report");
				continue;
			}
			assert_eq!(queued, 1, "the landed report's entry was still queued");
			let reads = self.recorded(|_| true).len() - before;
			assert_eq!(reads, attempt, "each read recorded once");
			let metrics = self.gw.metrics(Some(&self.admin)).expect("metrics");
			assert!(metrics.contains("medledger_audit_reports_unsettled 0"), "{metrics}");
			return;
		}
	}

	/// Whether the gateway's audit queue is empty, as its metrics say.
	fn audit_queue_empty(&self) -> bool {
		let metrics = self.gw.metrics(Some(&self.admin));
		metrics.is_ok_and(|m| m.contains("medledger_audit_queued 0"))
	}

	/// The outcomes of Eve's trail entries by the clinician dated `at`.
	fn recorded_at(&self, at: u64) -> Vec<Outcome> {
		self.recorded(|occurred| occurred == Some(at))
	}

	/// The outcomes of Eve's trail entries by the clinician whose time passes `when`, once the
	/// gateway's queue is empty and its index has filed every block that was final by then
	/// (an entry sent twice would show in them).
	fn recorded(&self, when: impl Fn(Option<u64>) -> bool) -> Vec<Outcome> {
		let metrics = || self.gw.metrics(Some(&self.admin)).ok();
		wait_for(PATIENCE * 2, "every queued entry to be recorded", || {
			self.audit_queue_empty().then_some(())
		});
		let best = self.node.best_number().expect("a best block");
		wait_for(PATIENCE, "the blocks holding them final and filed", || {
			let filed = metrics()?.contains("medledger_audit_index_lag_blocks 0");
			(self.node.finalized_number()? >= best && filed).then_some(())
		});
		let auditor = self.gw.client(&self.auditor);
		let mut landed = Vec::new();
		let mut from = 1;
		loop {
			let page =
				auditor.run(auditor.client.audit_trail(account(EVE), Some(from), Some(1_000)));
			let page = page.expect("Eve's trail");
			let Some(last) = page.entries.last() else { break };
			from = last.entry.seq + 1;
			landed.extend(
				page.entries
					.iter()
					.filter(|e| when(e.entry.occurred_at) && e.entry.actor == self.clinician)
					.map(|e| e.entry.outcome),
			);
		}
		landed
	}

	/// Bad input: each its own documented error; nothing is accepted or anchored.
	fn bad_input_is_refused(&self, document: u64) {
		let gw = &self.gw;
		let (doc, auditor) = (gw.client(&self.doc), gw.client(&self.auditor));
		// Raw: the typed client always presents a credential.
		assert_eq!(code(gw.call(None, "document_list", json!({ "patient": EVE }))), -32001);
		let forged = gw.client("mlg_forged");
		assert_eq!(
			code(forged.run(forged.client.document_list(
				Some(account(EVE)),
				None,
				None,
				None,
				None
			))),
			-32001
		);
		assert_eq!(code(upload(&auditor, EVE, b"x")), -32002, "auditors do not upload");
		// Raw: the typed client cannot send a file that is not base64.
		assert_eq!(
			code(gw.call(
				Some(&self.doc),
				"document_upload",
				json!({ "patient": EVE, "content": "not base64!", "mediaType": "text/plain", "documentType": "x" })
			)),
			-32005
		);
		assert_eq!(code(upload(&doc, EVE, &file(1_200_000, 2))), -32004, "oversize");
		assert_eq!(code(upload(&doc, FERDIE, b"x")), -32010, "Ferdie is no patient");
		assert_eq!(code(doc.run(doc.client.document_get(999, Purpose::Treatment))), -32011);
		// Raw: the typed client cannot send a purpose the API does not know.
		assert_eq!(
			code(gw.call(
				Some(&self.doc),
				"document_get",
				json!({ "id": document, "purpose": "gossip" })
			)),
			-32005
		);
		assert_eq!(
			code(doc.run(doc.client.document_upload(
				account(EVE),
				Base64(b"note".to_vec()),
				String::new(),
				"x".into(),
				None,
			))),
			-32005
		);
		let spammer = gw.client(&self.spammer);
		let limited = (0..60)
			.map(|_| spammer.run(spammer.client.upload_status(1)))
			.filter(|r| matches!(r, Err((-32003, _))))
			.count();
		assert!(limited > 0, "60 calls at once exceed 20/s with bursts of 40");
		assert!(auditor.run(auditor.client.document_status(document)).is_ok());
		// Nothing was accepted or anchored by any of them.
		assert_eq!(code(doc.run(doc.client.upload_status(2))), -32012);
		let listed =
			auditor.run(auditor.client.document_list(Some(account(EVE)), None, None, None, None));
		assert_eq!(listed.unwrap().len(), 1);
		// A list asked complete through a block the node has not finalised is answered "not
		// ready" at once, not held for the index: naming a far block holds no slot.
		let far = Some(u64::MAX / 2);
		let far =
			auditor.run(auditor.client.document_list(Some(account(EVE)), None, None, None, far));
		assert_eq!(code(far), -32043);
		// A batch of more calls than the gateway takes is refused whole: one request cannot
		// hold its slot through thousands of calls.
		let batch: Vec<_> = (0..65)
			.map(
				|id| json!({ "jsonrpc": "2.0", "id": id, "method": "upload_status", "params": { "id": 1 } }),
			)
			.collect();
		let reply: serde_json::Value = ureq::post(&format!("http://127.0.0.1:{}", gw.port))
			.header("Authorization", &format!("Bearer {}", self.auditor))
			.send_json(&batch)
			.expect("an answer")
			.body_mut()
			.read_json()
			.expect("JSON");
		assert!(reply.is_object() && reply["error"].is_object(), "{reply}");
	}

	/// Outbox: uploads accepted, then the node and the gateway go down before they are
	/// anchored; the gateway restarts first, the node later; each is anchored exactly once —
	/// the three together, in one rooted batch, whose documents are listed, read and proved
	/// like any other: a proof is a format-2 bundle (the leaf and its Merkle path from the
	/// gateway's index) that verifies offline against the chain spec, and fails once its path
	/// is altered.
	fn outbox_survives_restarts(&mut self) {
		let files: Vec<Vec<u8>> = (10..13).map(|seed| file(50_000, seed)).collect();
		let mut ids = Vec::new();
		{
			let doc = self.gw.client(&self.doc);
			for bytes in &files {
				ids.push(upload(&doc, EVE, bytes).expect("accepted").id);
			}
		}
		self.node.kill();
		self.gw.kill();
		self.gw.restart();
		std::thread::sleep(Duration::from_secs(3));
		let doc = self.gw.client(&self.doc);
		let waiting = doc.run(doc.client.upload_status(ids[2])).unwrap();
		assert!(
			!matches!(waiting.state, UploadState::Finalised { .. }),
			"the node is down: {waiting:?}"
		);
		self.node.restart(&self.node_base);
		self.node.wait_ready(PATIENCE);
		let documents: Vec<u64> = ids.iter().map(|id| self.gw.finalised(&self.doc, *id)).collect();
		let auditor = self.gw.client(&self.auditor);
		let listed = auditor
			.run(auditor.client.document_list(Some(account(EVE)), None, None, None, None))
			.unwrap();
		assert_eq!(listed.len(), 4, "the first document and three from the outbox, none twice");
		for (document, bytes) in documents.iter().zip(&files) {
			assert!(&read(&doc, *document) == bytes);
		}
		let spec = raw_chain_spec(self.h1.parent().unwrap(), "dev");
		let trusted = TrustedSet::from_json(&std::fs::read_to_string(spec).unwrap()).unwrap();
		let mut bundle = wait_for(PATIENCE, "a justified proof", || {
			let proof = doc.client.document_proof(documents[1], None, Some(Purpose::Treatment));
			doc.run(proof).ok()
		});
		assert_eq!(bundle.format, BATCHED_BUNDLE_FORMAT);
		let verified = medledger_verifier::verify(&bundle, &trusted, Some(&files[1]))
			.expect("a batched document's proof verifies offline");
		assert!(verified.batch.is_some());
		bundle.batch.as_mut().unwrap().path[0][0] ^= 1;
		let altered = medledger_verifier::verify(&bundle, &trusted, Some(&files[1]));
		assert!(matches!(altered, Err(Failure::BatchPathInvalid { .. })), "{altered:?}");
	}

	/// A correction: a new version supersedes the first document, which stays readable; the
	/// version chain and the audit trail show both. Then entered in error: the status
	/// changes, the record stays; neither can be done twice.
	fn amend_and_mark_entered_in_error(&self, first: &First) {
		let document = first.document;
		let (doc, auditor) = (self.gw.client(&self.doc), self.gw.client(&self.auditor));
		let corrected = file(2_000, 20);
		let amend = |previous: u64| {
			doc.run(doc.client.document_upload(
				account(EVE),
				Base64(corrected.clone()),
				"application/octet-stream".into(),
				"34133-9".into(),
				Some(previous),
			))
		};
		let second = self.gw.finalised(&self.doc, amend(document).expect("amendment accepted").id);
		let status = |id: u64| auditor.run(auditor.client.document_status(id)).unwrap();
		assert_eq!(status(document).status, DocumentStatus::Superseded { by: second });
		assert_eq!(status(second).previous, Some(document));
		assert!(read(&doc, second) == corrected && read(&doc, document) == first.original);
		assert_eq!(code(amend(document)), -32005, "already superseded");
		assert_eq!(code(amend(999)), -32011);
		// Entered in error.
		let mark = |id: u64| doc.run(doc.client.document_mark_entered_in_error(id));
		mark(second).expect("marked entered in error");
		assert_eq!(status(second).status, DocumentStatus::EnteredInError { superseded_by: None });
		assert_eq!(code(mark(second)), -32040, "already entered in error");
		assert_eq!(code(amend(second)), -32005, "an entry in error is not amended");
		let explorer = auditor.run(auditor.client.explorer_document(second)).unwrap();
		let versions: Vec<u64> = explorer.versions.iter().map(|v| v.id).collect();
		assert_eq!(versions, [document, second]);
		// The trail comes from the audit index, which files blocks once they are final.
		let updates = || {
			let trail = auditor.run(auditor.client.audit_trail(account(EVE), None, None));
			trail
				.unwrap()
				.entries
				.iter()
				.filter(|e| e.entry.action == AuditAction::Update)
				.map(|e| match e.entry.subject {
					Subject::Document(id) => id,
					other => panic!("an update of {other:?}, not of a document"),
				})
				.collect::<Vec<_>>()
		};
		wait_for(PATIENCE, "the amendment and the mark to be audited", || {
			(updates() == [document, second]).then_some(())
		});
	}

	/// The audit index is a cache of the chain: deleted, it is rebuilt from the blocks; a
	/// gateway killed (SIGKILL) while rebuilding resumes where its last commit left it.
	/// Either way every answer equals the one before — no entry missing, none twice — and the
	/// trail verifies against the chain's head.
	fn audit_index_rebuilds_and_resumes(&mut self) {
		let answers = |gw: &Gateway| {
			let auditor = gw.client(&self.auditor);
			let trail = auditor.run(auditor.client.audit_trail(account(EVE), None, Some(1000)));
			let hospital = auditor.client.audit_by_organisation(1, None, None, Some(1000));
			let hospital = auditor.run(hospital);
			// Complete: every entry up to the head the chain keeps at the block last filed.
			let trail = trail.ok().filter(|t| t.entries.len() as u64 == t.head.seq)?;
			Some((trail, hospital.ok()?))
		};
		let (before, hospital) = wait_for(PATIENCE, "a complete trail", || answers(&self.gw));
		assert!(before.verified && !before.entries.is_empty(), "{before:?}");
		for killed_while_rebuilding in [false, true] {
			self.gw.kill();
			std::fs::remove_file(self.h1.join("index.redb")).expect("the index's file");
			self.gw.restart();
			if killed_while_rebuilding {
				std::thread::sleep(Duration::from_millis(200));
				self.gw.kill();
				self.gw.restart();
			}
			let (trail, by_hospital) = wait_for(PATIENCE, "the index rebuilt", || {
				answers(&self.gw).filter(|(t, _)| t.head.seq >= before.head.seq)
			});
			assert!(trail.verified, "{trail:?}");
			// Uploads of the earlier steps may still be anchoring: the rebuilt answers begin
			// with the earlier ones.
			assert_eq!(trail.entries[..before.entries.len()], before.entries[..]);
			assert_eq!(by_hospital[..hospital.len()], hospital[..]);
		}
	}

	/// A ciphertext altered in IPFS's repository is reported as tampered, not served.
	fn tampered_ciphertext_is_reported(&mut self, document: u64) {
		self.gw.kill();
		let blocks = self.h1.join("ipfs/repo/blockstore");
		let largest = files_under(&blocks)
			.into_iter()
			.max_by_key(|path| std::fs::metadata(path).unwrap().len())
			.expect("blocks in the IPFS block store");
		let mut bytes = std::fs::read(&largest).unwrap();
		let middle = bytes.len() / 2;
		bytes[middle] ^= 0x01;
		std::fs::write(&largest, bytes).unwrap();
		self.gw.restart();
		let doc = self.gw.client(&self.doc);
		assert_eq!(
			code(doc.run(doc.client.document_get(document, Purpose::Treatment))),
			-32030,
			"a 256 KiB block of the first document was altered"
		);
	}

	/// The node hangs (SIGSTOP: its socket stays open, nothing answers). A scrape of
	/// `/metrics` is still answered, not held: the caller's standing as the chain gave it
	/// last, the queue and dead-letter counts from the store, and no index lag (that needs
	/// the node). Once the node runs again, so do uploads, reads and the lag.
	fn a_hung_node_holds_no_scrape(&self) {
		let paused = Paused::node(&self.node);
		let metrics = self.gw.metrics(Some(&self.admin)).expect("metrics while the node hangs");
		assert!(metrics.contains("medledger_audit_queued "), "{metrics}");
		assert!(!metrics.contains("medledger_audit_index_lag_blocks"), "{metrics}");
		drop(paused);
		let c = self.gw.client(&self.doc);
		let accepted = upload(&c, EVE, b"after the hang").expect("upload accepted");
		let document = self.gw.finalised(&self.doc, accepted.id);
		assert_eq!(read(&c, document), b"after the hang");
		let metrics = self.gw.metrics(Some(&self.admin)).expect("metrics");
		assert!(metrics.contains("medledger_audit_index_lag_blocks "), "{metrics}");
	}
}

/// A process stopped (SIGSTOP) until dropped (SIGCONT), whatever the step does meanwhile.
struct Paused(u32);

impl Paused {
	fn node(node: &Node) -> Paused {
		let pid = node.pid().expect("the node runs");
		assert!(signal(pid, "-STOP"), "kill -STOP {pid}");
		Paused(pid)
	}
}

impl Drop for Paused {
	fn drop(&mut self) {
		// No assertion here: a panic while a failed step unwinds would abort the whole story.
		let _ = signal(self.0, "-CONT");
	}
}

/// The clinician's (`doc`'s) read of Eve's `document` at `at`, as the gateway queues it.
fn clinicians_read(
	document: u64,
	outcome: medledger_primitives::audit::Outcome,
	consent: Option<u64>,
	at: u64,
) -> medledger_gateway::store::QueuedAccess {
	medledger_gateway::store::QueuedAccess {
		signer: "doc".into(),
		reader: None,
		record: pallet_audit::AccessRecord {
			patient: account(EVE).0,
			subject: medledger_primitives::audit::Subject::Document(document),
			consent,
			purpose: Some(medledger_primitives::Purpose::Treatment),
			outcome,
			at,
		},
	}
}

fn signal(pid: u32, signal: &str) -> bool {
	let sent = std::process::Command::new("kill").args([signal, &pid.to_string()]).status();
	sent.is_ok_and(|status| status.success())
}

#[test]
fn upload_read_errors_and_outbox_recovery() {
	let mut story = Story::start();
	let mut steps = Steps::new();
	let first =
		steps.need("upload, finalise, read back byte-identical", || story.upload_and_read_back());
	steps.check("the read is audited; the trail verifies", || story.read_is_audited());
	steps
		.check("no audit entry is lost: refused ones are dead letters, listed and counted", || {
			story.no_audit_entry_is_lost(first.document)
		});
	steps.check("bad input gets its documented error, changes nothing", || {
		story.bad_input_is_refused(first.document)
	});
	steps.check("uploads in flight survive the node and the gateway going down", || {
		story.outbox_survives_restarts()
	});
	steps.check("a new version supersedes; a version is entered in error", || {
		story.amend_and_mark_entered_in_error(&first)
	});
	steps.check("the audit index rebuilds from the chain, and resumes after a kill", || {
		story.audit_index_rebuilds_and_resumes()
	});
	steps.check("an altered ciphertext is reported as tampered", || {
		story.tampered_ciphertext_is_reported(first.document)
	});
	steps.check("a file put as a plain HTTP body is the same upload, under the same rules", || {
		story.put_a_file_as_a_plain_body()
	});
	steps.check("a credential revoked while its PUT's body is sent uploads nothing", || {
		story.a_credential_revoked_mid_body_uploads_nothing()
	});
	steps.check("a hung node holds no scrape of /metrics", || story.a_hung_node_holds_no_scrape());
	// Last: they make Eve's trail longer than the first page the steps above read.
	steps.check("several reports in flight land each entry exactly once", || {
		story.reports_in_flight_land_each_entry_once(first.document)
	});
	steps.check("a report the gateway died over lands once", || {
		story.a_report_the_gateway_died_over_lands_once()
	});
	steps.finish();
}
