//! The consent story through two hospitals' gateways, each its own process with its own
//! keys and its own embedded IPFS node (peered over the consortium's swarm key on
//! loopback): H1 issues Eve's documents; H2's clinician is refused without consent, after a
//! pending request, after a denial, after revocation and after expiry — each with its own
//! error, each refusal audited — and reads byte-identical files (fetched from H1's IPFS
//! node) under a grant and under break-glass. Eve signs her decisions herself; the gateway
//! only relays them. Documents anchored after the grant and during break-glass are readable
//! because H1's gateway wraps their keys for H2. A WebSocket subscriber sees the story as
//! notifications; the compliance reports of both hospitals are valid FHIR R4 and CSV. H2
//! corrects (amends) H1's document only once Eve grants it write access.

use medledger_chain_client::{sign_extrinsic, Versions};
use medledger_runtime::RuntimeCall;
use medledger_tests::{
	base64, gateway_admin, now_ms, tempdir, token, unbase64, wait_for, Gateway, Node, TwoHospitals,
	BOB, EVE, FERDIE,
};
use serde_json::{json, Value};
use sp_core::Pair;
use std::time::Duration;

const PATIENCE: Duration = Duration::from_secs(120);

/// Eve, as her own tools would act: her well-known dev keys, signing locally.
struct Patient<'a> {
	node: &'a Node,
	gateway: &'a Gateway,
	token: String,
}

impl Patient<'_> {
	fn encryption_secret() -> medledger_envelope::StaticSecret {
		sp_crypto_hashing::blake2_256(b"medledger-dev-encryption//Eve").into()
	}

	/// Signs `call` with Eve's key and relays it through the gateway.
	fn relay(&self, call: RuntimeCall) -> Result<Value, (i64, String)> {
		let nonce = self.node.rpc("system_accountNextIndex", json!([EVE])).unwrap();
		let version = self.node.rpc("state_getRuntimeVersion", json!([])).unwrap();
		let genesis = self.node.rpc("chain_getBlockHash", json!([0])).unwrap();
		let versions = Versions {
			spec_version: version["specVersion"].as_u64().unwrap() as u32,
			tx_version: version["transactionVersion"].as_u64().unwrap() as u32,
			genesis: genesis.as_str().unwrap().parse().unwrap(),
		};
		let eve = sp_core::sr25519::Pair::from_string("//Eve", None).unwrap();
		let xt = sign_extrinsic(&eve, call, nonce.as_u64().unwrap() as u32, versions);
		self.gateway.call(
			Some(&self.token),
			"consent_relay",
			json!({ "extrinsic": format!("0x{}", hex::encode(xt)) }),
		)
	}

	/// Her document's data key, unwrapped from its envelope with her key, wrapped for
	/// the hospital whose encryption key is `to` (`0x` hex).
	fn wrap_for(&self, document: u64, to: &str) -> (u64, Vec<u8>) {
		let envelope = self
			.gateway
			.call(Some(&self.token), "document_envelope", json!({ "id": document }))
			.expect("her own envelope");
		let key = medledger_envelope::unwrap_own(
			&unbase64(&envelope["envelope"]),
			&Self::encryption_secret(),
		)
		.expect("the envelope carries a wrap for the patient");
		let to: [u8; 32] = hex::decode(to.trim_start_matches("0x")).unwrap().try_into().unwrap();
		let wrapped = medledger_envelope::wrap(&key, &to.into()).unwrap();
		(document, wrapped.to_vec())
	}

	fn grant(&self, id: u64, wraps: Vec<(u64, Vec<u8>)>) {
		self.relay(RuntimeCall::Consent(pallet_consent::Call::grant { id, wraps }))
			.expect("grant relayed");
	}
}

fn upload(gw: &Gateway, token: &str, bytes: &[u8]) -> u64 {
	let accepted = gw
		.call(
			Some(token),
			"document_upload",
			json!({
				"patient": EVE,
				"content": base64(bytes),
				"mediaType": "application/fhir+json",
				"documentType": "34133-9",
			}),
		)
		.expect("upload accepted");
	gw.finalised(token, accepted["id"].as_u64().unwrap())
}

/// H2's hospital asks Eve for read access to all her documents until `to`; the consent id.
fn request(gw: &Gateway, token: &str, to: u64) -> u64 {
	gw.call(
		Some(token),
		"consent_request",
		json!({ "patient": EVE, "scope": { "all": true }, "purpose": "treatment",
			"read": true, "write": false, "from": now_ms() - 1000, "to": to }),
	)
	.expect("consent requested");
	let consents = gw.call(Some(token), "consent_list", json!({ "organisation": 2 })).unwrap();
	consents.as_array().unwrap().iter().map(|c| c["id"].as_u64().unwrap()).max().unwrap()
}

fn read(gw: &Gateway, token: &str, document: u64) -> Result<Vec<u8>, (i64, String)> {
	gw.call(Some(token), "document_get", json!({ "id": document, "purpose": "treatment" }))
		.map(|r| unbase64(&r["content"]))
}

#[test]
fn consent_story_across_two_gateways() {
	let dir = tempdir();
	// H1 (Alice's hospital) and H2 (Bob's), each with its own keys and IPFS node, H2's peered
	// with H1's over the shared key. Eve (patient) and Ferdie (auditor) hold credentials at H1.
	let hospitals = TwoHospitals::start(&dir);
	let (h1, h2) = (&hospitals.h1.gateway, &hospitals.h2.gateway);
	let (h1_admin, h2_admin) = (&hospitals.h1.admin, &hospitals.h2.admin);
	let eve = hospitals.h1.credential(EVE, "patient");
	let auditor = hospitals.h1.credential(FERDIE, "auditor");
	let notifications = h1.subscribe(&auditor);
	let started = now_ms();
	h2.call(Some(h2_admin), "staff_register", json!({ "name": "carol", "role": "clinician" }))
		.expect("clinician registered at H2");
	let carol =
		token(&gateway_admin(&hospitals.h2.dir, &["credentials", "issue", "--key", "carol"]));

	let patient = Patient { node: &hospitals.node, gateway: h1, token: eve };
	let h2_key = h1.call(Some(h1_admin), "member_get", json!({ "account": BOB })).unwrap()
		["encryptionKey"]
		.as_str()
		.unwrap()
		.to_string();
	let file_a = br#"{"resourceType":"DiagnosticReport","status":"final","id":"a"}"#.repeat(5000);
	let a = upload(h1, h1_admin, &file_a);

	// Refused, each with its reason: no consent, request pending, request denied.
	assert_eq!(read(h2, &carol, a).unwrap_err().0, -32021, "no consent");
	let pending = request(h2, h2_admin, now_ms() + 3_600_000);
	assert_eq!(read(h2, &carol, a).unwrap_err().0, -32020, "request not decided");
	patient
		.relay(RuntimeCall::Consent(pallet_consent::Call::deny { id: pending }))
		.expect("deny relayed");
	assert_eq!(read(h2, &carol, a).unwrap_err().0, -32022, "denied");

	// Granted, with Eve's wrap of A's key for H2: H2 reads A from H1's IPFS node.
	let granted = request(h2, h2_admin, now_ms() + 3_600_000);
	patient.grant(granted, vec![patient.wrap_for(a, &h2_key)]);
	assert!(read(h2, &carol, a).expect("read under the grant") == file_a);
	// B is anchored after the grant: H1's gateway wraps its key for H2.
	let file_b = b"progress note after the grant".repeat(100);
	let b = upload(h1, h1_admin, &file_b);
	let read_b = wait_for(PATIENCE, "H1 to wrap B's key for H2", || read(h2, &carol, b).ok());
	assert!(read_b == file_b);
	// Only the patient relays, and only consent decisions.
	assert_eq!(
		h2.call(Some(&carol), "consent_relay", json!({ "extrinsic": "0x00" })).unwrap_err().0,
		-32002
	);
	assert_eq!(
		patient
			.relay(RuntimeCall::Documents(pallet_documents::Call::mark_entered_in_error { id: a }))
			.unwrap_err()
			.0,
		-32005
	);

	// Revoked: refused again.
	patient
		.relay(RuntimeCall::Consent(pallet_consent::Call::revoke { id: granted }))
		.expect("revoke relayed");
	assert_eq!(read(h2, &carol, a).unwrap_err().0, -32023, "revoked");

	// A short grant runs out.
	let until = now_ms() + 15_000;
	let short = request(h2, h2_admin, until);
	patient.grant(short, vec![patient.wrap_for(a, &h2_key)]);
	while now_ms() < until + 4_000 {
		std::thread::sleep(Duration::from_secs(1));
	}
	assert_eq!(read(h2, &carol, a).unwrap_err().0, -32024, "expired");

	// Break-glass: H2's clinician opens emergency access; H1's gateway wraps every one of
	// Eve's H1 documents for H2, and H2 reads them.
	h2.call(
		Some(&carol),
		"consent_breakGlass",
		json!({ "patient": EVE, "reason": "unconscious in ER" }),
	)
	.expect("break-glass");
	let read_b =
		wait_for(PATIENCE, "H1 to wrap B's key for the emergency", || read(h2, &carol, b).ok());
	assert!(read_b == file_b);
	assert!(read(h2, &carol, a).expect("A under break-glass") == file_a);

	// Every read is in Eve's trail: five refusals and the successful reads, all by H2's
	// clinician; the trail verifies.
	let trail = wait_for(PATIENCE, "H2's reads to be audited", || {
		let trail = h1
			.call(Some(&auditor), "audit_trail", json!({ "patient": EVE, "limit": 1000 }))
			.ok()?;
		let refusals: Vec<String> = trail["entries"]
			.as_array()?
			.iter()
			.filter(|e| e["action"] == "Read" && e["outcome"]["result"] == "refused")
			.map(|e| e["outcome"]["refusal"].as_str().unwrap().to_string())
			.collect();
		(refusals.len() == 5).then_some((trail, refusals))
	});
	assert_eq!(
		trail.1,
		["NoConsent", "ConsentNotGranted", "ConsentDenied", "ConsentRevoked", "ConsentExpired"]
	);
	assert_eq!(trail.0["verified"], true, "{}", trail.0);
	let statuses: Vec<Value> = [pending, granted, short]
		.iter()
		.map(|id| {
			h1.call(Some(&auditor), "consent_get", json!({ "id": id })).unwrap()["status"].clone()
		})
		.collect();
	assert_eq!(statuses, ["Denied", "Revoked", "Expired"]);

	// A consent's history: its request, grant with Eve's wrap, H1's wrap of B, the reads
	// under it, its revocation.
	let history = h1.call(Some(&auditor), "consent_history", json!({ "id": granted })).unwrap();
	let actions: Vec<&str> = history["events"]
		.as_array()
		.unwrap()
		.iter()
		.map(|e| e["action"].as_str().unwrap())
		.collect();
	assert_eq!(actions.first(), Some(&"Create"), "{history}");
	assert!(actions.iter().filter(|a| **a == "Read").count() >= 2, "{history}");
	assert!(actions.iter().filter(|a| **a == "Execute").count() >= 2, "wraps: {history}");
	// Patients see their own records only.
	let ferdie_trail = h1.call(Some(&patient.token), "audit_trail", json!({ "patient": FERDIE }));
	assert_eq!(ferdie_trail.unwrap_err().0, -32002);

	// The subscriber saw the story.
	let kinds = notifications.kinds();
	for kind in [
		"consentRequested",
		"consentGranted",
		"consentDenied",
		"consentRevoked",
		"breakGlass",
		"documentAdded",
		"documentAccessed",
		"finalised",
	] {
		assert!(kinds.contains(kind), "no {kind} notification in {kinds:?}");
	}

	// Compliance reports for the period: H2's consents and reads, H1's documents.
	let period = json!({ "from": started, "to": now_ms() + 1 });
	let report = |org: u32, format: &str| {
		let mut params = period.clone();
		params["organisation"] = org.into();
		params["format"] = format.into();
		h1.call(Some(&auditor), "audit_report", params).expect("report")
	};
	let bundle = report(2, "fhir");
	let counts = validate_fhir(&dir, &bundle);
	assert_eq!(counts["Consent"], 4, "three requests and the break-glass: {counts}");
	assert!(counts["AuditEvent"].as_u64().unwrap() >= 9, "{counts}");
	let counts = validate_fhir(&dir, &report(1, "fhir"));
	assert_eq!(counts["DocumentReference"], 2, "{counts}");
	let csv = report(2, "csv");
	let rows: Vec<&str> = csv.as_str().unwrap().lines().collect();
	assert!(rows[0].starts_with("record,id,time,patient,actor,organisation,action"));
	assert_eq!(rows.iter().filter(|r| r.starts_with("consent,")).count(), 4);
	assert_eq!(
		rows.iter().filter(|r| r.starts_with("audit,") && r.contains("refused")).count(),
		5,
		"{csv}"
	);

	// Another hospital corrects a document only under the patient's write consent: H2's
	// amendment of A is refused under read-only grants, then anchored under a write grant.
	let amend = || {
		h2.call(
			Some(&carol),
			"document_upload",
			json!({ "patient": EVE, "content": base64(b"corrected at H2"),
				"mediaType": "text/plain", "documentType": "34133-9", "supersedes": a }),
		)
	};
	let refused = amend().unwrap_err().0;
	assert!((-32029..=-32020).contains(&refused), "no write consent: {refused}");
	h2.call(
		Some(h2_admin),
		"consent_request",
		json!({ "patient": EVE, "scope": { "documents": [a] }, "purpose": "treatment",
			"read": false, "write": true, "from": now_ms() - 1000, "to": now_ms() + 3_600_000 }),
	)
	.expect("write consent requested");
	let consents = h2.call(Some(&carol), "consent_list", json!({ "organisation": 2 })).unwrap();
	let write =
		consents.as_array().unwrap().iter().map(|c| c["id"].as_u64().unwrap()).max().unwrap();
	patient.grant(write, vec![]);
	let upload = amend().expect("amendment accepted under the write grant");
	let corrected = h2.finalised(&carol, upload["id"].as_u64().unwrap());
	let status = |id: u64| h1.call(Some(&auditor), "document_status", json!({ "id": id })).unwrap();
	assert_eq!(status(a)["status"], json!({ "state": "superseded", "by": corrected }));
	assert_eq!(status(corrected)["organisation"], 2);
	let trail = h1.call(Some(&auditor), "audit_trail", json!({ "patient": EVE, "limit": 1000 }));
	let update = trail.unwrap()["entries"]
		.as_array()
		.unwrap()
		.iter()
		.find(|e| e["action"] == "Update" && e["subject"]["document"] == a)
		.cloned()
		.expect("the amendment is audited");
	assert_eq!(
		(update["organisation"].as_u64(), update["consent"].as_u64()),
		(Some(2), Some(write))
	);
}

/// Validates a FHIR R4 Bundle with Python's fhir.resources (R4 models); the resource counts.
fn validate_fhir(dir: &std::path::Path, bundle: &Value) -> Value {
	let path = dir.join("bundle.json");
	std::fs::write(&path, serde_json::to_vec_pretty(bundle).unwrap()).unwrap();
	let python = std::env::var("MEDLEDGER_FHIR_PYTHON").unwrap_or_else(|_| {
		format!("{}/.cache/medledger/fhir-venv/bin/python", std::env::var("HOME").unwrap())
	});
	let script = concat!(env!("CARGO_MANIFEST_DIR"), "/fhir/validate.py");
	let output = std::process::Command::new(&python)
		.args([script, path.to_str().unwrap()])
		.output()
		.unwrap_or_else(|e| panic!("{python} (scripts/setup installs it): {e}"));
	assert!(
		output.status.success(),
		"not valid FHIR R4: {}\n{bundle:#}",
		String::from_utf8_lossy(&output.stderr)
	);
	serde_json::from_slice(&output.stdout).unwrap()
}
