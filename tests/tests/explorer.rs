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

use medledger_chain_client::DomainEvent;
use medledger_gateway_api::{
	api::{
		audit::{AuditAction, AuditApiClient},
		consent::{ConsentApiClient, ScopeRequest},
		documents::DocumentsApiClient,
	},
	values::{Base64, Purpose},
};
use medledger_tests::{account, now_ms, wait_for, PatientCli, Steps, TwoHospitals, BOB, FERDIE};
use serde_json::{json, Value};
use std::{
	path::{Path, PathBuf},
	process::Command,
	time::Duration,
};

/// The scenario's hospitals, patient and auditor.
struct Scenario {
	hospitals: TwoHospitals,
	/// The patient's command line.
	cli: PatientCli,
	/// Ferdie's auditor credential at H1.
	auditor: String,
}

/// The documents H1 anchors for the patient.
struct Documents {
	summary: u64,
	lab: u64,
	corrected_lab: u64,
}

/// H2's two requests.
struct Consents {
	granted: u64,
	denied: u64,
}

impl Scenario {
	fn start() -> Scenario {
		let dir = medledger_tests::tempdir();
		let hospitals = TwoHospitals::start(&dir);
		let cli = hospitals.register_patient(&dir.join("patient/key.json"));
		let auditor = hospitals.h1.credential(FERDIE, "auditor");
		Scenario { hospitals, cli, auditor }
	}

	/// H1 anchors a discharge summary and a lab report for the patient. The lab report is
	/// then corrected: a new version supersedes it.
	fn anchor_documents(&self) -> Documents {
		let h1 = &self.hospitals.h1;
		let c = h1.gateway.client(&h1.admin);
		let upload = |content: &[u8], document_type: &str, supersedes: Option<u64>| {
			let accepted = c
				.run(c.client.document_upload(
					account(&self.cli.account),
					Base64(content.to_vec()),
					"application/fhir+json".into(),
					document_type.into(),
					supersedes,
				))
				.expect("upload accepted");
			h1.gateway.finalised(&h1.admin, accepted.id)
		};
		let summary = upload(
			br#"{"resourceType":"Composition","title":"Discharge summary"}"#,
			"18842-5",
			None,
		);
		let lab =
			upload(br#"{"resourceType":"DiagnosticReport","code":"2345-7"}"#, "11502-2", None);
		let corrected_lab = upload(
			br#"{"resourceType":"DiagnosticReport","code":"2345-7","status":"corrected"}"#,
			"11502-2",
			Some(lab),
		);
		Documents { summary, lab, corrected_lab }
	}

	/// H2 asks twice; she denies the research request and grants treatment; H2 reads; she
	/// revokes; H2's next read is refused (and audited as refused).
	fn consents_and_reads(&self, summary: u64) -> Consents {
		let (cli, h2) = (&self.cli, &self.hospitals.h2);
		let c = h2.gateway.client(&h2.admin);
		let request = |purpose: Purpose| {
			let written = c
				.run(c.client.consent_request(
					account(&cli.account),
					ScopeRequest::All(true),
					purpose,
					true,
					false,
					now_ms() - 1000,
					now_ms() + 86_400_000,
				))
				.expect("consent requested");
			assert!(
				written.events.iter().any(|e| matches!(e, DomainEvent::ConsentRequested { .. })),
				"{written:?}"
			);
		};
		request(Purpose::Treatment);
		request(Purpose::Research);
		let pending = cli.ok(&["requests"]);
		let id_of = |purpose: &str| {
			pending.as_array().unwrap().iter().find(|c| c["purpose"] == purpose).unwrap()["id"]
				.as_u64()
				.unwrap()
		};
		let (granted, denied) = (id_of("Treatment"), id_of("Research"));
		cli.ok(&["deny", &denied.to_string()]);
		cli.ok(&["grant", &granted.to_string()]);
		let read = || c.run(c.client.document_get(summary, Purpose::Treatment));
		read().expect("H2 reads under the grant");
		cli.ok(&["revoke", &granted.to_string()]);
		assert_eq!(read().unwrap_err().0, -32023);
		Consents { granted, denied }
	}

	/// Reads are audited by H2's gateway in the background: wait until both are on chain;
	/// the trail's length.
	fn reads_audited(&self) -> u64 {
		let c = self.hospitals.h1.gateway.client(&self.auditor);
		wait_for(Duration::from_secs(120), "H2's two reads in the trail", || {
			let trail =
				c.run(c.client.audit_trail(account(&self.cli.account), None, Some(1000))).ok()?;
			let reads = trail
				.entries
				.iter()
				.filter(|e| e.entry.organisation == Some(2) && e.entry.action == AuditAction::Read)
				.count();
			(reads >= 2).then_some(trail.head.seq)
		})
	}

	/// Everything the browser checks comes from here, and the pages themselves.
	fn scenario(&self, documents: &Documents, consents: &Consents, trail_length: u64) -> Value {
		json!({
			"url": format!("{}/explorer/", self.hospitals.h1.gateway.url()),
			"token": self.auditor,
			"patient": self.cli.account,
			"documents": {
				"summary": documents.summary,
				"lab": documents.lab,
				"correctedLab": documents.corrected_lab,
			},
			"consents": { "granted": consents.granted, "denied": consents.denied },
			"trailLength": trail_length,
			"trustFile": self.cli.trust,
			"staff": { "h2Admin": BOB },
			"output": output(),
		})
	}
}

/// Where the browser saves its screenshots.
fn output() -> PathBuf {
	Path::new(env!("CARGO_MANIFEST_DIR")).join("output/explorer")
}

/// `tests/js/explorer/browse.mjs` drives Chromium through every page with the scenario.
fn browse(scenario: &Value) {
	let root = Path::new(env!("CARGO_MANIFEST_DIR"));
	let status = Command::new("node")
		.arg(root.join("js/explorer/browse.mjs"))
		.arg(scenario.to_string())
		.current_dir(root.join("js"))
		.status()
		.expect("run node (scripts/setup installs it)");
	assert!(status.success(), "the browser checks failed (screenshots in {})", output().display());
}

/// The browser saved a screenshot of each page.
fn screenshots_of_every_page() {
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
			std::fs::read_dir(output()).unwrap().any(|f| f
				.unwrap()
				.file_name()
				.to_string_lossy()
				.contains(page)),
			"no screenshot of the {page} page"
		);
	}
}

#[test]
fn auditors_browse_the_explorer_in_chromium() {
	let scenario = Scenario::start();
	let documents = scenario.anchor_documents();
	let consents = scenario.consents_and_reads(documents.summary);
	let trail_length = scenario.reads_audited();
	let _ = std::fs::remove_dir_all(output());
	std::fs::create_dir_all(output()).unwrap();
	let mut steps = Steps::new();
	steps.check("the browser checks every page", || {
		browse(&scenario.scenario(&documents, &consents, trail_length))
	});
	steps.check("a screenshot of every page", screenshots_of_every_page);
	steps.finish();
}
