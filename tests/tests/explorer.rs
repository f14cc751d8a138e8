//! The auditors' explorer in a real headless Chromium, against a dev node and two
//! gateways on loopback.
//!
//! This test scripts the scenario through the portal and the patient's CLI — H1 anchors two
//! documents for a patient and corrects one (a new version); H2 asks for consent twice; the patient denies one request,
//! grants the other (the CLI wraps the key for H2); H2 reads; the patient revokes; H2's
//! next read is refused — then hands the explorer's address, Ferdie's auditor credential
//! and the scenario's ids to `tests/js/explorer/browse.mjs`, which drives Chromium through
//! every page (playwright-core), checks what each shows in domain language, feeds the trail
//! check tampered lists, downloads a proof and both compliance exports, and saves a
//! screenshot of each page under `tests/output/explorer/`.

use medledger_tests::{base64, now_ms, wait_for, TwoHospitals, BOB, FERDIE};
use serde_json::json;
use std::{path::Path, process::Command, time::Duration};

#[test]
fn auditors_browse_the_explorer_in_chromium() {
	let dir = medledger_tests::tempdir();
	let hospitals = TwoHospitals::start(&dir);
	let cli = hospitals.register_patient(&dir.join("patient/key.json"));
	let (h1, h2) = (&hospitals.h1, &hospitals.h2);
	let auditor = h1.credential(FERDIE, "auditor");

	// H1 anchors a discharge summary and a lab report for the patient.
	// The lab report is then corrected: a new version supersedes it.
	let upload = |content: &[u8], document_type: &str, supersedes: Option<u64>| {
		let accepted = h1
			.gateway
			.call(
				Some(&h1.admin),
				"document_upload",
				json!({ "patient": cli.account, "content": base64(content),
					"mediaType": "application/fhir+json", "documentType": document_type,
					"supersedes": supersedes }),
			)
			.expect("upload accepted");
		h1.gateway.finalised(&h1.admin, accepted["id"].as_u64().unwrap())
	};
	let summary =
		upload(br#"{"resourceType":"Composition","title":"Discharge summary"}"#, "18842-5", None);
	let lab = upload(br#"{"resourceType":"DiagnosticReport","code":"2345-7"}"#, "11502-2", None);
	let corrected_lab = upload(
		br#"{"resourceType":"DiagnosticReport","code":"2345-7","status":"corrected"}"#,
		"11502-2",
		Some(lab),
	);

	// H2 asks twice; she denies the research request and grants treatment; H2 reads;
	// she revokes; H2's next read is refused (and audited as refused).
	let request = |purpose: &str| {
		let written = h2
			.gateway
			.call(
				Some(&h2.admin),
				"consent_request",
				json!({ "patient": cli.account, "scope": { "all": true }, "purpose": purpose,
					"read": true, "write": false, "from": now_ms() - 1000, "to": now_ms() + 86_400_000 }),
			)
			.expect("consent requested");
		assert!(written["events"].to_string().contains("Requested"), "{written}");
	};
	request("treatment");
	request("research");
	let pending = cli.ok(&["requests"]);
	let id_of = |purpose: &str| {
		pending.as_array().unwrap().iter().find(|c| c["purpose"] == purpose).unwrap()["id"]
			.as_u64()
			.unwrap()
	};
	let (granted, denied) = (id_of("Treatment"), id_of("Research"));
	cli.ok(&["deny", &denied.to_string()]);
	cli.ok(&["grant", &granted.to_string()]);
	let read = |purpose: &str| {
		h2.gateway.call(
			Some(&h2.admin),
			"document_get",
			json!({ "id": summary, "purpose": purpose }),
		)
	};
	read("treatment").expect("H2 reads under the grant");
	cli.ok(&["revoke", &granted.to_string()]);
	assert_eq!(read("treatment").unwrap_err().0, -32023);

	// Reads are audited by H2's gateway in the background: wait until both are on chain.
	let trail_length = wait_for(Duration::from_secs(120), "H2's two reads in the trail", || {
		let trail = h1
			.gateway
			.call(Some(&auditor), "audit_trail", json!({ "patient": cli.account, "limit": 1000 }))
			.ok()?;
		let reads = trail["entries"]
			.as_array()?
			.iter()
			.filter(|e| e["organisation"] == 2 && e["action"] == "Read")
			.count();
		(reads >= 2).then_some(trail["head"]["seq"].as_u64()?)
	});

	// Everything the browser checks comes from here, and the pages themselves.
	let root = Path::new(env!("CARGO_MANIFEST_DIR"));
	let output = root.join("output/explorer");
	let _ = std::fs::remove_dir_all(&output);
	std::fs::create_dir_all(&output).unwrap();
	let scenario = json!({
		"url": format!("{}/explorer/", h1.gateway.url()),
		"token": auditor,
		"patient": cli.account,
		"documents": { "summary": summary, "lab": lab, "correctedLab": corrected_lab },
		"consents": { "granted": granted, "denied": denied },
		"trailLength": trail_length,
		"staff": { "h2Admin": BOB },
		"output": output,
	});
	let status = Command::new("node")
		.arg(root.join("js/explorer/browse.mjs"))
		.arg(scenario.to_string())
		.current_dir(root.join("js"))
		.status()
		.expect("run node (scripts/setup installs it)");
	assert!(status.success(), "the browser checks failed (screenshots in {})", output.display());
	for page in [
		"status",
		"blocks",
		"block",
		"document",
		"consent",
		"patient",
		"trail-broken",
		"organisation",
	] {
		assert!(
			std::fs::read_dir(&output).unwrap().any(|f| f
				.unwrap()
				.file_name()
				.to_string_lossy()
				.contains(page)),
			"no screenshot of the {page} page"
		);
	}
}
