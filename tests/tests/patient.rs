//! The patient's story through the `medledger` CLI, against a dev node and two gateways on
//! loopback: keys made by the patient and registered by H1's admin; a document anchored by
//! H1, listed, fetched and decrypted with the patient's key; a proof bundle verified offline
//! against the chain spec (and a trust file made from it), with tampered inputs refused by
//! exit code; H2's request granted (the CLI wraps the key for H2, which then reads the
//! document), another denied, the grant revoked; the audit trail complete. Notifications
//! reach each subscriber only as far as they concern it: her, another patient, another
//! hospital.

use medledger_tests::{
	base64, node_binary, now_ms, unbase64, wait_for, Notifications, TwoHospitals, BOB, EVE,
};
use serde_json::{json, Value};
use std::{path::Path, process::Command, time::Duration};

const PATIENCE: Duration = Duration::from_secs(120);

#[test]
fn patient_story_with_the_cli() {
	let dir = medledger_tests::tempdir();
	let hospitals = TwoHospitals::start(&dir);

	// The patient makes her keys (the key file holds no secret in the clear; `keys show`
	// needs no passphrase); H1's admin registers her public keys and issues her credential.
	let key_file = dir.join("patient/key.json");
	let cli = hospitals.register_patient(&key_file);
	let account = cli.account.clone();
	assert_eq!(cli.ok(&["keys", "show"])["account"], account.as_str());
	let eve = hospitals.h1.credential(EVE, "patient");
	let TwoHospitals { mut node, h1, h2 } = hospitals;
	let (h1_admin, h2_admin) = (h1.admin, h2.admin);
	let (h1, h2) = (h1.gateway, h2.gateway);

	// No WebSocket opens without a valid credential. Three subscribers: she and Eve (another
	// patient) at H1, H2's administrator at H2; Eve gets a document of her own.
	assert_eq!(h1.websocket_refusal(None), Some(401));
	assert_eq!(h1.websocket_refusal(Some("mlg_not-a-credential")), Some(401));
	let subscribers = Subscribers {
		her: h1.subscribe(&cli.token),
		eve: h1.subscribe(&eve),
		h2_staff: h2.subscribe(&h2_admin),
	};
	let eves = h1
		.call(
			Some(&h1_admin),
			"document_upload",
			json!({ "patient": EVE, "content": base64(b"Eve's lab result"),
				"mediaType": "text/plain", "documentType": "11502-2" }),
		)
		.expect("Eve's upload accepted");
	h1.finalised(&h1_admin, eves["id"].as_u64().unwrap());

	// H1 anchors her discharge summary; she lists and fetches it, decrypted with her key.
	let file = br#"{"resourceType":"Composition","title":"Discharge summary"}"#.repeat(3000);
	let accepted = h1
		.call(
			Some(&h1_admin),
			"document_upload",
			json!({ "patient": account, "content": base64(&file),
				"mediaType": "application/fhir+json", "documentType": "18842-5" }),
		)
		.expect("upload accepted");
	let doc = h1.finalised(&h1_admin, accepted["id"].as_u64().unwrap());
	let listed = cli.ok(&["documents"]);
	assert_eq!(listed.as_array().unwrap().len(), 1);
	assert_eq!(listed[0]["id"], doc);
	let fetched = dir.join("patient/summary.json");
	cli.ok(&["fetch", &doc.to_string(), "--out", fetched.to_str().unwrap()]);
	assert_eq!(std::fs::read(&fetched).unwrap(), file);

	// Her proof bundle verifies offline against the chain spec and a trust file from it.
	let bundle = dir.join("patient/proof.json");
	cli.ok(&["proof", &doc.to_string(), "--out", bundle.to_str().unwrap()]);
	let spec = dir.join("spec.json");
	let built = Command::new(node_binary())
		.args(["build-spec", "--chain", "dev", "--raw"])
		.output()
		.expect("build-spec");
	std::fs::write(&spec, &built.stdout).unwrap();
	let trust = dir.join("patient/trust.json");
	cli.ok(&["trust", "--chain-spec", spec.to_str().unwrap(), "--out", trust.to_str().unwrap()]);
	let (f, b) = (fetched.to_str().unwrap(), bundle.to_str().unwrap());
	for trusted in [&spec, &trust] {
		let verdict = cli.ok(&["verify", f, "--proof", b, "--trust", trusted.to_str().unwrap()]);
		assert_eq!(verdict["verified"], true);
		assert_eq!(verdict["anchor"]["patient"], account.as_str());
		assert_eq!(verdict["anchor"]["organisation"], 1);
	}
	let t = trust.to_str().unwrap();
	// Refused, each with its reason and exit code: an altered file, an altered record, the
	// local testnet's spec (another chain), an unreadable file.
	let altered = dir.join("patient/altered.json");
	let mut bytes = file.clone();
	bytes[10] ^= 1;
	std::fs::write(&altered, &bytes).unwrap();
	let (code, verdict) =
		cli.run(&["verify", altered.to_str().unwrap(), "--proof", b, "--trust", t]);
	assert_eq!((code, verdict["failure"].as_str()), (8, Some("commitmentMismatch")));
	let mut tampered: Value = serde_json::from_slice(&std::fs::read(&bundle).unwrap()).unwrap();
	let record = tampered["document"]["record"].as_str().unwrap().to_string();
	let flipped = if record.ends_with('0') { "1" } else { "0" };
	tampered["document"]["record"] = format!("{}{flipped}", &record[..record.len() - 1]).into();
	let tampered_path = dir.join("patient/tampered.json");
	std::fs::write(&tampered_path, tampered.to_string()).unwrap();
	let (code, verdict) =
		cli.run(&["verify", f, "--proof", tampered_path.to_str().unwrap(), "--trust", t]);
	assert_eq!((code, verdict["failure"].as_str()), (7, Some("recordMismatch")));
	let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("../chain-spec/local-raw.json");
	let (code, verdict) = cli.run(&["verify", f, "--proof", b, "--trust", local.to_str().unwrap()]);
	assert_eq!((code, verdict["failure"].as_str()), (4, Some("wrongChain")));
	let (code, _) = cli.run(&["verify", "/nonexistent", "--proof", b, "--trust", t]);
	assert_eq!(code, 2);

	// Staff giving a purpose get the salt in the bundle (an audited read); it verifies too.
	let staff_bundle = h1
		.call(Some(&h1_admin), "document_proof", json!({ "id": doc, "purpose": "treatment" }))
		.expect("staff proof");
	assert!(staff_bundle["document"]["salt"].is_string());
	let no_salt = h1.call(Some(&h1_admin), "document_proof", json!({ "id": doc })).unwrap();
	assert!(no_salt["document"].get("salt").is_none());

	// H2 asks twice. She denies one and grants the other: the CLI wraps the document's key
	// for H2, whose clinician then reads the document from H1's IPFS node.
	let request = |purpose: &str| {
		h2.call(
			Some(&h2_admin),
			"consent_request",
			json!({ "patient": account, "scope": { "all": true }, "purpose": purpose,
				"read": true, "write": false, "from": now_ms() - 1000, "to": now_ms() + 3_600_000 }),
		)
		.expect("consent requested");
	};
	request("treatment");
	request("research");
	let pending = cli.ok(&["requests"]);
	assert_eq!(pending.as_array().unwrap().len(), 2, "{pending}");
	let by_purpose = |purpose: &str| {
		pending.as_array().unwrap().iter().find(|c| c["purpose"] == purpose).unwrap()["id"]
			.as_u64()
			.unwrap()
			.to_string()
	};
	let (treatment, research) = (by_purpose("Treatment"), by_purpose("Research"));
	cli.ok(&["deny", &research]);
	cli.ok(&["grant", &treatment]);
	assert!(cli.ok(&["requests"]).as_array().unwrap().is_empty());
	let granted = h1
		.call(Some(&cli.token), "consent_get", json!({ "id": treatment.parse::<u64>().unwrap() }))
		.unwrap();
	assert_eq!(granted["status"], "Granted");
	assert_eq!(granted["wraps"], 1);
	let read = h2
		.call(Some(&h2_admin), "document_get", json!({ "id": doc, "purpose": "treatment" }))
		.expect("H2 reads under the grant, with the patient's wrap");
	assert_eq!(unbase64(&read["content"]), file);

	// She revokes; H2 is refused.
	cli.ok(&["revoke", &treatment]);
	let refused = h2
		.call(Some(&h2_admin), "document_get", json!({ "id": doc, "purpose": "treatment" }))
		.unwrap_err();
	assert_eq!(refused.0, -32023);

	// Her trail holds every step — anchoring, requests, decisions, wraps, H2's reads —
	// and the CLI checks the hash chain itself.
	let trail = wait_for(PATIENCE, "H2's reads in the trail", || {
		let trail = cli.ok(&["trail"]);
		let reads = trail["entries"]
			.as_array()
			.unwrap()
			.iter()
			.filter(|e| e["organisation"] == 2 && e["action"] == "Read")
			.count();
		(reads >= 2).then_some(trail)
	});
	assert_eq!(trail["complete"], true, "{trail}");
	assert_eq!(
		trail["entries"].as_array().unwrap().len() as u64,
		trail["head"]["seq"].as_u64().unwrap()
	);

	// A wrong passphrase opens nothing and signs nothing.
	let output = Command::new(node_binary().with_file_name("medledger"))
		.args(["--json", "revoke", &treatment])
		.env("MEDLEDGER_KEY_FILE", &key_file)
		.env("MEDLEDGER_GATEWAY", h1.url())
		.env("MEDLEDGER_TOKEN", &cli.token)
		.env("MEDLEDGER_PASSPHRASE", "wrong")
		.output()
		.unwrap();
	assert_eq!(output.status.code(), Some(1));
	assert!(String::from_utf8_lossy(&output.stdout).contains("passphrase"));
	subscribers.each_saw_only_its_own(&account);
	node.kill();
}

/// The story's WebSocket subscribers.
struct Subscribers {
	/// The patient of the story, at H1.
	her: Notifications,
	/// Eve, another patient, at H1.
	eve: Notifications,
	/// H2's administrator (Bob), at H2.
	h2_staff: Notifications,
}

impl Subscribers {
	/// Each subscriber received the events it may see — and nothing else: a patient only
	/// events about herself (and the finality of what she signed, never the hospital's own
	/// writes), staff only events concerning their hospital.
	fn each_saw_only_its_own(&self, her_account: &str) {
		let expected = |subscriber: &Notifications, kinds: &[&str]| {
			wait_for(PATIENCE, &format!("notifications {kinds:?}"), || {
				let seen = subscriber.kinds();
				kinds.iter().all(|k| seen.contains(*k)).then_some(())
			})
		};
		let story = ["consentRequested", "consentGranted", "consentDenied", "consentRevoked"];
		expected(
			&self.her,
			&[&story[..], &["documentAdded", "documentAccessed", "finalised"]].concat(),
		);
		expected(&self.eve, &["documentAdded"]);
		expected(&self.h2_staff, &[&story[..], &["documentAccessed", "finalised"]].concat());

		let her = self.her.received();
		let is_finality = |n: &Value| n["kind"] == "finalised";
		assert!(
			her.iter().filter(|n| !is_finality(n)).all(|n| n["patient"] == her_account),
			"{her:?}"
		);
		// Her three decisions (deny, grant, revoke), relayed for her; not H1's anchors, audit
		// reports or key wraps.
		assert_eq!(her.iter().filter(|n| is_finality(n)).count(), 3, "{her:?}");
		let eve = self.eve.received();
		assert!(eve.iter().all(|n| n["patient"] == EVE && !is_finality(n)), "{eve:?}");
		let h2 = self.h2_staff.received();
		let concerns_h2 = |n: &Value| {
			n["organisation"] == 2
				|| (n["kind"] == "documentAccessed" && n["actor"] == BOB)
				|| is_finality(n)
		};
		assert!(h2.iter().all(concerns_h2), "{h2:?}");
	}
}
