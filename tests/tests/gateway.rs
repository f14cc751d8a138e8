//! The gateway end to end, over real JSON-RPC, against a real dev node and the gateway's
//! embedded IPFS node: upload → anchored → finalised → read back byte-identical and
//! audited; bad inputs get their documented errors and change nothing; uploads in flight
//! survive the node and the gateway going down, and are anchored exactly once; a new
//! version supersedes a document and a version is marked entered in error; a ciphertext
//! altered in IPFS is reported as tampered.

use medledger_tests::{
	base64, gateway_admin, tempdir, token, unbase64, wait_for, Gateway, Hospital, Node, EVE, FERDIE,
};
use serde_json::{json, Value};
use std::time::Duration;

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

fn upload(gw: &Gateway, token: &str, patient: &str, bytes: &[u8]) -> Result<Value, (i64, String)> {
	gw.call(
		Some(token),
		"document_upload",
		json!({
			"patient": patient,
			"content": base64(bytes),
			"mediaType": "application/octet-stream",
			"documentType": "34133-9",
		}),
	)
}

fn code(result: Result<Value, (i64, String)>) -> i64 {
	result.expect_err("an error").0
}

#[test]
fn upload_read_errors_and_outbox_recovery() {
	let dir = tempdir();
	let node_base = dir.join("node");
	let mut node = Node::start(
		"dev",
		&node_base,
		&["--dev", "--state-pruning", "archive-canonical", "--blocks-pruning", "archive-canonical"],
	);
	node.wait_ready(PATIENCE);

	// H1's gateway: Alice (H1's delegate) as administrator, from the dev keys.
	let hospital = Hospital::start(
		&dir.join("h1"),
		"1",
		"alice",
		node.rpc_port,
		&["--max-file-size", "1048576", "--rate-limit", "20"],
	);
	let (auditor, spammer) =
		(hospital.credential(FERDIE, "auditor"), hospital.credential(FERDIE, "auditor"));
	let Hospital { gateway: mut gw, dir: h1, admin } = hospital;

	// The administrator registers a clinician, whose key stays at the gateway.
	let registered = gw
		.call(Some(&admin), "staff_register", json!({ "name": "doc", "role": "clinician" }))
		.expect("clinician registered");
	let clinician_account = registered["account"].as_str().unwrap().to_string();
	let doc = token(&gateway_admin(&h1, &["credentials", "issue", "--key", "doc"]));

	// Upload → anchored → finalised → read back, byte-identical.
	let original = file(600_000, 1);
	let accepted = upload(&gw, &doc, EVE, &original).expect("upload accepted");
	assert_eq!(accepted["state"], "accepted");
	assert!(accepted["cid"].as_str().unwrap().starts_with("Qm"), "CIDv0, kubo's default");
	let document = gw.finalised(&doc, accepted["id"].as_u64().unwrap());
	let read = gw
		.call(Some(&doc), "document_get", json!({ "id": document, "purpose": "treatment" }))
		.expect("read");
	assert!(unbase64(&read["content"]) == original, "the file read back differs from the upload");
	assert_eq!(read["document"]["commitment"], accepted["commitment"]);

	// The read is in Eve's audit trail, recorded on chain through the audit queue, and the
	// trail's hash chain verifies.
	let trail = wait_for(PATIENCE, "the read to be audited", || {
		let trail = gw.call(Some(&auditor), "audit_trail", json!({ "patient": EVE })).ok()?;
		let reads = trail["entries"]
			.as_array()?
			.iter()
			.any(|e| e["action"] == "Read" && e["actor"] == clinician_account.as_str());
		reads.then_some(trail)
	});
	assert_eq!(trail["verified"], true, "{trail}");

	// Bad input: each its own documented error.
	let small = base64(b"note");
	assert_eq!(code(gw.call(None, "document_list", json!({ "patient": EVE }))), -32001);
	assert_eq!(
		code(gw.call(Some("mlg_forged"), "document_list", json!({ "patient": EVE }))),
		-32001
	);
	assert_eq!(code(upload(&gw, &auditor, EVE, b"x")), -32002, "auditors do not upload");
	assert_eq!(
		code(gw.call(
			Some(&doc),
			"document_upload",
			json!({ "patient": EVE, "content": "not base64!", "mediaType": "text/plain", "documentType": "x" })
		)),
		-32005
	);
	assert_eq!(code(upload(&gw, &doc, EVE, &file(1_200_000, 2))), -32004, "oversize");
	assert_eq!(code(upload(&gw, &doc, FERDIE, b"x")), -32010, "Ferdie is no patient");
	assert_eq!(
		code(gw.call(Some(&doc), "document_get", json!({ "id": 999, "purpose": "treatment" }))),
		-32011
	);
	assert_eq!(
		code(gw.call(Some(&doc), "document_get", json!({ "id": document, "purpose": "gossip" }))),
		-32005
	);
	assert_eq!(
		code(gw.call(
			Some(&doc),
			"document_upload",
			json!({ "patient": EVE, "content": small, "mediaType": "", "documentType": "x" })
		)),
		-32005
	);
	let limited = (0..60)
		.map(|_| gw.call(Some(&spammer), "upload_status", json!({ "id": 1 })))
		.filter(|r| matches!(r, Err((-32003, _))))
		.count();
	assert!(limited > 0, "60 calls at once exceed 20/s with bursts of 40");
	assert!(gw.call(Some(&auditor), "document_status", json!({ "id": document })).is_ok());
	// Nothing was accepted or anchored by any of them.
	assert_eq!(code(gw.call(Some(&doc), "upload_status", json!({ "id": 2 }))), -32012);
	let listed = gw.call(Some(&auditor), "document_list", json!({ "patient": EVE })).unwrap();
	assert_eq!(listed.as_array().unwrap().len(), 1);

	// Outbox: uploads accepted, then the node and the gateway go down before they are
	// anchored; the gateway restarts first, the node later; each is anchored exactly once.
	let files: Vec<Vec<u8>> = (10..13).map(|seed| file(50_000, seed)).collect();
	let mut ids = Vec::new();
	for bytes in &files {
		ids.push(upload(&gw, &doc, EVE, bytes).expect("accepted")["id"].as_u64().unwrap());
	}
	node.kill();
	gw.kill();
	gw.restart();
	std::thread::sleep(Duration::from_secs(3));
	let waiting = gw.call(Some(&doc), "upload_status", json!({ "id": ids[2] })).unwrap();
	assert_ne!(waiting["state"], "finalised", "the node is down: {waiting}");
	node.restart(&node_base);
	node.wait_ready(PATIENCE);
	let documents: Vec<u64> = ids.iter().map(|id| gw.finalised(&doc, *id)).collect();
	let listed = gw.call(Some(&auditor), "document_list", json!({ "patient": EVE })).unwrap();
	let listed = listed.as_array().unwrap();
	assert_eq!(listed.len(), 4, "the first document and three from the outbox, none twice");
	for (document, bytes) in documents.iter().zip(&files) {
		let read = gw
			.call(Some(&doc), "document_get", json!({ "id": document, "purpose": "treatment" }))
			.expect("read");
		assert!(&unbase64(&read["content"]) == bytes);
	}

	// A correction: a new version supersedes the first document, which stays readable; the
	// version chain and the audit trail show both.
	let corrected = file(2_000, 20);
	let amend = |previous: u64| {
		gw.call(
			Some(&doc),
			"document_upload",
			json!({
				"patient": EVE,
				"content": base64(&corrected),
				"mediaType": "application/octet-stream",
				"documentType": "34133-9",
				"supersedes": previous,
			}),
		)
	};
	let second =
		gw.finalised(&doc, amend(document).expect("amendment accepted")["id"].as_u64().unwrap());
	let status = |id: u64| gw.call(Some(&auditor), "document_status", json!({ "id": id })).unwrap();
	assert_eq!(status(document)["status"], json!({ "state": "superseded", "by": second }));
	assert_eq!(status(second)["previous"], document);
	let read = |id: u64| {
		let read = gw.call(Some(&doc), "document_get", json!({ "id": id, "purpose": "treatment" }));
		unbase64(&read.expect("read")["content"])
	};
	assert!(read(second) == corrected && read(document) == original);
	assert_eq!(code(amend(document)), -32005, "already superseded");
	assert_eq!(code(amend(999)), -32011);
	// Entered in error: the status changes, the record stays; neither can be done twice.
	let mark = |id: u64| gw.call(Some(&doc), "document_markEnteredInError", json!({ "id": id }));
	mark(second).expect("marked entered in error");
	assert_eq!(status(second)["status"]["state"], "enteredInError");
	assert_eq!(code(mark(second)), -32040, "already entered in error");
	assert_eq!(code(amend(second)), -32005, "an entry in error is not amended");
	let explorer = gw.call(Some(&auditor), "explorer_document", json!({ "id": second })).unwrap();
	let versions: Vec<&Value> =
		explorer["versions"].as_array().unwrap().iter().map(|v| &v["id"]).collect();
	assert_eq!(versions, [&json!(document), &json!(second)]);
	let trail = gw.call(Some(&auditor), "audit_trail", json!({ "patient": EVE })).unwrap();
	let updates = trail["entries"]
		.as_array()
		.unwrap()
		.iter()
		.filter(|e| e["action"] == "Update")
		.map(|e| e["subject"]["document"].as_u64().unwrap())
		.collect::<Vec<_>>();
	assert_eq!(updates, [document, second], "the amendment and the mark are audited");

	// A ciphertext altered in IPFS's repository is reported as tampered, not served.
	gw.kill();
	let blocks = h1.join("ipfs/repo/blockstore");
	let largest = files_under(&blocks)
		.into_iter()
		.max_by_key(|path| std::fs::metadata(path).unwrap().len())
		.expect("blocks in the IPFS block store");
	let mut bytes = std::fs::read(&largest).unwrap();
	let middle = bytes.len() / 2;
	bytes[middle] ^= 0x01;
	std::fs::write(&largest, bytes).unwrap();
	gw.restart();
	assert_eq!(
		code(gw.call(
			Some(&doc),
			"document_get",
			json!({ "id": document, "purpose": "treatment" })
		)),
		-32030,
		"a 256 KiB block of the first document was altered"
	);
}
