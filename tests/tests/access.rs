//! The access matrix, generated from the API's declaration (`medledger_gateway_api::
//! METHODS`): every method × every kind of caller — none, a bad token, a patient, a
//! clinician, an administrator, an auditor — gets its answer or the documented refusal,
//! and a patient asking about another patient's records through any method is refused.
//!
//! The calls name patient B's records (B's account, document, consent) and are made with
//! patient A's credential among others, so "a patient never reaches another patient's
//! record" is checked on every method, not only those a story happens to use.

use medledger_gateway_api::{
	access::{Caller, Ownership},
	codes, ErrorKind, Method, METHODS,
};
use medledger_tests::{base64, gateway_admin, now_ms, tempdir, token, Hospital, Node, EVE, FERDIE};
use serde_json::{json, Map, Value};
use std::time::Duration;

const PATIENCE: Duration = Duration::from_secs(120);
/// Patient B: an account of a fixed seed, registered for this test (SS58 of `[0x42; 32]`).
const B_KEY: &str = "0x4242424242424242424242424242424242424242424242424242424242424242";

/// The records the calls name: all patient B's.
struct Records {
	patient: String,
	document: u64,
	upload: u64,
	consent: u64,
}

/// A value for parameter `name` of `method` that names B's records where it names any.
fn value(method: &Method, name: &str, b: &Records, call: usize) -> Value {
	let id = if method.name.starts_with("consent_") {
		b.consent
	} else if method.name == "upload_status" {
		b.upload
	} else {
		b.document
	};
	match name {
		"patient" | "account" | "actor" => json!(b.patient),
		"id" => json!(id),
		"organisation" => json!(1),
		"content" => json!(base64(b"matrix")),
		"salt" | "encryptionKey" => json!(format!("0x{}", "11".repeat(32))),
		"purpose" => json!("treatment"),
		"mediaType" => json!("text/plain"),
		"documentType" => json!("34133-9"),
		"scope" => json!({ "all": true }),
		"read" => json!(true),
		"write" => json!(false),
		"from" => json!(now_ms()),
		"to" => json!(now_ms() + 3_600_000),
		"reason" => json!("access matrix"),
		"name" => json!(format!("matrix{call}")),
		"role" => json!("clinician"),
		"extrinsic" => json!("0x00"),
		// A well-formed signature (sr25519) that signs nothing: the chain refuses it.
		"proof" => json!(format!("0x01{}", "00".repeat(64))),
		"format" => json!("csv"),
		"query" => json!("1"),
		"number" => json!(1),
		other => panic!("{}: no test value for parameter {other}", method.name),
	}
}

/// The parameters of a call to `method`: every required one, and `patient` wherever it is
/// declared (patients must name themselves).
fn params(method: &Method, b: &Records, call: usize) -> Value {
	let mut params = Map::new();
	let generator = &mut Default::default();
	for param in (method.params)(generator) {
		if param.required || param.name == "patient" {
			params.insert(param.name.into(), value(method, param.name, b, call));
		}
	}
	Value::Object(params)
}

#[test]
fn every_method_answers_each_caller_or_refuses_as_documented() {
	let dir = tempdir();
	let node = Node::start(
		"dev",
		&dir.join("node"),
		&["--dev", "--state-pruning", "archive-canonical", "--blocks-pruning", "archive-canonical"],
	);
	node.wait_ready(PATIENCE);
	let h1 =
		Hospital::start(&dir.join("h1"), "1", "alice", node.rpc_port, &["--rate-limit", "1000"]);
	let gw = &h1.gateway;
	let admin = h1.admin.clone();

	// Patient B, a clinician, and B's records: a document, an upload, a consent request.
	let b_account = account_of(B_KEY);
	let genesis = medledger_tests::rpc(node.rpc_port, "chain_getBlockHash", json!([0])).unwrap();
	let genesis: sp_core::H256 = serde_json::from_value(genesis).expect("a hash");
	gw.call(
		Some(&admin),
		"patient_register",
		json!({ "account": b_account, "encryptionKey": format!("0x{}", "22".repeat(32)),
			"proof": key_proof(B_KEY, [0x22; 32], 1, genesis) }),
	)
	.expect("B registered");
	let registered = gw
		.call(Some(&admin), "staff_register", json!({ "name": "doc", "role": "clinician" }))
		.expect("clinician registered");
	assert!(registered["account"].is_string());
	let node_url = h1.gateway.node_url();
	let issue = ["credentials", "issue", "--key", "doc", "--node-url", &node_url];
	let clinician = token(&gateway_admin(&h1.dir, &issue));
	let uploaded = gw
		.call(
			Some(&clinician),
			"document_upload",
			json!({ "patient": b_account, "content": base64(b"B's record"),
				"mediaType": "text/plain", "documentType": "34133-9" }),
		)
		.expect("B's document accepted");
	let upload = uploaded["id"].as_u64().unwrap();
	let document = gw.finalised(&clinician, upload);
	let requested = gw
		.call(
			Some(&clinician),
			"consent_request",
			json!({ "patient": b_account, "scope": { "all": true }, "purpose": "treatment",
				"read": true, "write": false, "from": now_ms(), "to": now_ms() + 3_600_000 }),
		)
		.expect("consent requested");
	let consent = requested["events"]
		.as_array()
		.unwrap()
		.iter()
		.find(|e| e["kind"] == "consentRequested")
		.and_then(|e| e["consent"].as_u64())
		.expect("the request's event names the consent");
	let b = Records { patient: b_account.clone(), document, upload, consent };

	// Patient A (Eve) with a record of her own, and the other callers.
	let patient_a = h1.credential(EVE, "patient");
	let auditor = h1.credential(FERDIE, "auditor");
	let callers: [(&str, Option<&str>, Option<Caller>); 6] = [
		("no credential", None, None),
		("a bad token", Some("mlg_not-a-credential"), None),
		("patient A", Some(&patient_a), Some(Caller::Patient)),
		("a clinician", Some(&clinician), Some(Caller::Clinician)),
		("an administrator", Some(&admin), Some(Caller::Admin)),
		("an auditor", Some(&auditor), Some(Caller::Auditor)),
	];
	let documented: Vec<i64> = codes().iter().map(|c| i64::from(c.code)).collect();
	let code = |kind: ErrorKind| i64::from(kind.code());

	let mut call = 0;
	for method in METHODS.iter().filter(|m| !m.subscription) {
		for (who, credential, kind) in &callers {
			call += 1;
			let answer = gw.call(*credential, method.name, params(method, &b, call));
			let context = format!("{} by {who}: {answer:?}", method.name);
			match kind {
				None => {
					assert_eq!(answer.unwrap_err().0, code(ErrorKind::Unauthenticated), "{context}")
				}
				Some(kind) if !method.callers.contains(kind) => {
					assert_eq!(answer.unwrap_err().0, code(ErrorKind::Forbidden), "{context}")
				}
				Some(Caller::Patient) if method.ownership != Ownership::None => {
					// Every such call names B's records: refused, whatever it is.
					assert_eq!(answer.unwrap_err().0, code(ErrorKind::Forbidden), "{context}")
				}
				Some(_) => match answer {
					Ok(result) => {
						if *kind == Some(Caller::Patient) {
							assert!(!result.to_string().contains(&b_account), "{context}");
						}
					}
					Err((code, _)) => assert!(
						documented.contains(&code)
							&& code != i64::from(ErrorKind::Unauthenticated.code())
							&& code != i64::from(ErrorKind::Forbidden.code()),
						"an allowed caller gets an answer or a documented error: {context}"
					),
				},
			}
		}
	}

	// The subscription: no WebSocket without a valid credential; every member may open one.
	// The challenge (RFC 6750) tells a missing token from one that does not stand.
	let realm = "Bearer realm=\"medledger\"";
	assert_eq!(gw.websocket_refused(None), Some((401, Some(realm.to_string()))));
	assert_eq!(
		gw.websocket_refused(Some("mlg_not-a-credential")),
		Some((401, Some(format!("{realm}, error=\"invalid_token\""))))
	);
	for (_, credential, _) in &callers[2..] {
		assert_eq!(gw.websocket_refusal(*credential), None);
	}

	// Patient A still reaches her own records (the refusals above are about B's).
	let own = gw.call(Some(&patient_a), "audit_trail", json!({ "patient": EVE }));
	assert!(own.is_ok(), "{own:?}");
	let own = gw.call(Some(&patient_a), "member_get", json!({ "account": EVE }));
	assert_eq!(own.unwrap()["account"], EVE);
}

/// The SS58 account of an sr25519 seed.
/// The key statement's signature by `seed`'s account, as `medledger keys statement` makes
/// it (SCALE `MultiSignature`, `0x` hex).
fn key_proof(
	seed: &str,
	encryption_key: [u8; 32],
	hospital: u32,
	genesis: sp_core::H256,
) -> String {
	use sp_core::Pair;
	let pair = sp_core::sr25519::Pair::from_string(seed, None).expect("a seed");
	let account = sp_runtime::AccountId32::from(pair.public());
	let statement = pallet_consortium::KeyStatement {
		account: &account,
		encryption_key: &encryption_key,
		registrar: Some(hospital),
		genesis,
	};
	let proof: sp_runtime::MultiSignature = pair.sign(&statement.message()).into();
	format!("0x{}", hex::encode(codec::Encode::encode(&proof)))
}

fn account_of(seed: &str) -> String {
	use sp_core::{crypto::Ss58Codec, Pair};
	let pair = sp_core::sr25519::Pair::from_string(seed, None).expect("a seed");
	sp_runtime::AccountId32::from(pair.public()).to_ss58check()
}
