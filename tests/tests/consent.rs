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

use medledger_gateway_api::{
	api::{
		audit::{AuditAction, AuditApiClient, Outcome, Report, ReportFormat, Subject},
		consent::{ConsentApiClient, ConsentStatus, ScopeRequest},
		documents::{DocumentStatus, DocumentsApiClient},
		members::MembersApiClient,
	},
	values::{Account, Base64, Hex32, HexBytes, Purpose, StaffRole},
	Written,
};
use medledger_primitives::audit::Refusal;
use medledger_runtime::RuntimeCall;
use medledger_tests::{
	account, gateway_admin, gateway_binary, now_ms, tempdir, token, wait_for, Client, Gateway,
	Node, Notifications, Steps, TwoHospitals, BOB, EVE, FERDIE, TEST_PASSPHRASE,
};
use serde_json::{json, Value};
use std::{path::PathBuf, time::Duration};

const PATIENCE: Duration = Duration::from_secs(120);

/// Eve, as her own tools would act: her well-known dev keys, signing locally.
struct Patient<'a> {
	node: &'a Node,
	/// Her client of H1's gateway.
	client: Client,
}

impl Patient<'_> {
	fn encryption_secret() -> medledger_envelope::StaticSecret {
		sp_crypto_hashing::blake2_256(b"medledger-dev-encryption//Eve").into()
	}

	/// Signs `call` with Eve's key and relays it through the gateway.
	fn relay(&self, call: RuntimeCall) -> Result<Written, (i64, String)> {
		let xt = self.node.signed("//Eve", call);
		let c = &self.client;
		c.run(c.client.patient_relay(HexBytes(xt)))
	}

	/// Her document's data key, unwrapped from its envelope with her key, wrapped for
	/// the hospital whose encryption key is `to`.
	fn wrap_for(&self, document: u64, to: Hex32) -> (u64, Vec<u8>) {
		let c = &self.client;
		let envelope = c.run(c.client.document_envelope(document)).expect("her own envelope");
		let key = medledger_envelope::unwrap_own(&envelope.envelope.0, &Self::encryption_secret())
			.expect("the envelope carries a wrap for the patient");
		let wrapped = medledger_envelope::wrap(&key, &to.0.into()).unwrap();
		(document, wrapped.to_vec())
	}

	/// Grants consent `id` for the terms the gateway shows (an honest gateway here).
	fn grant(&self, id: u64, wraps: Vec<(u64, Vec<u8>)>) {
		let c = &self.client;
		let consent = c.run(c.client.consent_get(id)).expect("the request");
		let terms = consent.terms().expect("a scope").hash();
		self.relay(RuntimeCall::Consent(pallet_consent::Call::grant { id, terms, wraps }))
			.expect("grant relayed");
	}
}

/// Uploads `bytes` for Eve and waits until it is finalised; the document id.
fn upload(gw: &Gateway, token: &str, bytes: &[u8]) -> u64 {
	let c = gw.client(token);
	let accepted = c
		.run(c.client.document_upload(
			account(EVE),
			Base64(bytes.to_vec()),
			"application/fhir+json".into(),
			"34133-9".into(),
			None,
		))
		.expect("upload accepted");
	gw.finalised(token, accepted.id)
}

/// The newest of organisation 2's consents, as `c` lists them.
fn newest_consent_of_h2(c: &Client) -> u64 {
	let consents = c.run(c.client.consent_list(None, Some(2), None, None)).unwrap();
	consents.iter().map(|c| c.id).max().unwrap()
}

/// H2's hospital asks Eve for read access to all her documents until `to`; the consent id.
fn request(gw: &Gateway, token: &str, to: u64) -> u64 {
	let c = gw.client(token);
	c.run(c.client.consent_request(
		account(EVE),
		ScopeRequest::All(true),
		Purpose::Treatment,
		true,
		false,
		now_ms() - 1000,
		to,
	))
	.expect("consent requested");
	newest_consent_of_h2(&c)
}

/// Document `document` read for treatment.
fn read(c: &Client, document: u64) -> Result<Vec<u8>, (i64, String)> {
	read_for(c, document, Purpose::Treatment)
}

/// Document `document` read for `purpose`.
fn read_for(c: &Client, document: u64, purpose: Purpose) -> Result<Vec<u8>, (i64, String)> {
	c.run(c.client.document_get(document, purpose)).map(|r| r.content.0)
}

/// The story's hospitals, credentials and first document.
struct Story {
	dir: PathBuf,
	hospitals: TwoHospitals,
	/// Eve's patient credential at H1.
	eve: String,
	/// Ferdie's auditor credential at H1.
	auditor: String,
	/// H2's clinician Carol.
	carol: String,
	/// Her account.
	carol_account: Account,
	/// What an auditor subscribed at H1 receives.
	notifications: Notifications,
	/// When the story started (ms), for the reports' period.
	started: u64,
	/// H2's encryption key, which Eve wraps documents' keys to.
	h2_key: Hex32,
	/// H1's first document for Eve, and its file.
	a: u64,
	file_a: Vec<u8>,
}

/// What the grant step leaves for the later ones.
struct Granted {
	/// The granted (later revoked) consent.
	id: u64,
	/// B, anchored after the grant, and its file.
	b: u64,
	file_b: Vec<u8>,
}

impl Story {
	/// H1 (Alice's hospital) and H2 (Bob's), each with its own keys and IPFS node, H2's
	/// peered with H1's over the shared key. Eve (patient) and Ferdie (auditor) hold
	/// credentials at H1; Ferdie subscribes; H2 registers its clinician Carol; H1 anchors
	/// Eve's document A.
	fn start() -> Story {
		let dir = tempdir();
		let hospitals = TwoHospitals::start(&dir);
		let eve = hospitals.h1.credential(EVE, "patient");
		let auditor = hospitals.h1.credential(FERDIE, "auditor");
		let notifications = hospitals.h1.gateway.subscribe(&auditor);
		let started = now_ms();
		let h2_admin = hospitals.h2.gateway.client(&hospitals.h2.admin);
		let carol_account = h2_admin
			.run(h2_admin.client.staff_register("carol".into(), StaffRole::Clinician))
			.expect("clinician registered at H2")
			.account;
		let node_url = hospitals.h2.gateway.node_url();
		let issue = ["credentials", "issue", "--key", "carol", "--node-url", &node_url];
		let carol = token(&gateway_admin(&hospitals.h2.dir, &issue));
		let h1_admin = hospitals.h1.gateway.client(&hospitals.h1.admin);
		let h2_key = h1_admin
			.run(h1_admin.client.member_get(account(BOB)))
			.unwrap()
			.expect("Bob is a member")
			.encryption_key;
		let file_a =
			br#"{"resourceType":"DiagnosticReport","status":"final","id":"a"}"#.repeat(5000);
		let a = upload(&hospitals.h1.gateway, &hospitals.h1.admin, &file_a);
		Story {
			dir,
			hospitals,
			eve,
			auditor,
			carol,
			carol_account,
			notifications,
			started,
			h2_key,
			a,
			file_a,
		}
	}

	fn h1(&self) -> &Gateway {
		&self.hospitals.h1.gateway
	}

	fn h2(&self) -> &Gateway {
		&self.hospitals.h2.gateway
	}

	/// Eve, signing with her keys and relaying through H1.
	fn patient(&self) -> Patient<'_> {
		Patient { node: &self.hospitals.node, client: self.h1().client(&self.eve) }
	}

	/// Refused, each with its reason: no consent, request pending, request denied. The
	/// denied request.
	fn refused_before_a_grant(&self) -> u64 {
		let (h2, h2_admin, carol) =
			(self.h2(), &self.hospitals.h2.admin, self.h2().client(&self.carol));
		assert_eq!(read(&carol, self.a).unwrap_err().0, -32021, "no consent");
		let pending = request(h2, h2_admin, now_ms() + 3_600_000);
		assert_eq!(read(&carol, self.a).unwrap_err().0, -32020, "request not decided");
		self.patient()
			.relay(RuntimeCall::Consent(pallet_consent::Call::deny { id: pending }))
			.expect("deny relayed");
		assert_eq!(read(&carol, self.a).unwrap_err().0, -32022, "denied");
		pending
	}

	/// Granted, with Eve's wrap of A's key for H2: H2 reads A from H1's IPFS node (for
	/// treatment, the consent's purpose; a research read is refused). B is anchored after
	/// the grant: H1's gateway wraps its key for H2.
	fn granted(&self) -> Granted {
		let (h1_admin, h2_admin) = (&self.hospitals.h1.admin, &self.hospitals.h2.admin);
		let (patient, carol) = (self.patient(), self.h2().client(&self.carol));
		let granted = request(self.h2(), h2_admin, now_ms() + 3_600_000);
		patient.grant(granted, vec![patient.wrap_for(self.a, self.h2_key)]);
		assert!(read(&carol, self.a).expect("read under the grant") == self.file_a);
		let research = read_for(&carol, self.a, Purpose::Research).unwrap_err();
		assert_eq!(research.0, -32027, "a treatment consent serves no research read");
		let file_b = b"progress note after the grant".repeat(100);
		let b = upload(self.h1(), h1_admin, &file_b);
		let read_b = wait_for(PATIENCE, "H1 to wrap B's key for H2", || read(&carol, b).ok());
		assert!(read_b == file_b);
		Granted { id: granted, b, file_b }
	}

	/// Only the patient relays, and only what a patient signs (not a document change).
	fn only_the_patient_relays_decisions(&self) {
		let carol = self.h2().client(&self.carol);
		assert_eq!(carol.run(carol.client.patient_relay(HexBytes(vec![0]))).unwrap_err().0, -32002);
		let mark = pallet_documents::Call::mark_entered_in_error { id: self.a };
		assert_eq!(self.patient().relay(RuntimeCall::Documents(mark)).unwrap_err().0, -32005);
	}

	/// Revoked: refused again.
	fn revoked(&self, granted: u64) {
		self.patient()
			.relay(RuntimeCall::Consent(pallet_consent::Call::revoke { id: granted }))
			.expect("revoke relayed");
		let carol = self.h2().client(&self.carol);
		assert_eq!(read(&carol, self.a).unwrap_err().0, -32023, "revoked");
	}

	/// A short grant runs out: refused at once; then, with nobody calling `expire`, the
	/// chain records the expiry itself (within a minute and a block) and both sides are
	/// notified — Eve at H1, H2's administrator at H2. The expired consent.
	fn short_grant_expires(&self) -> u64 {
		let eve_hears = self.h1().subscribe(&self.eve);
		let h2_hears = self.h2().subscribe(&self.hospitals.h2.admin);
		let patient = self.patient();
		let until = now_ms() + 15_000;
		let short = request(self.h2(), &self.hospitals.h2.admin, until);
		patient.grant(short, vec![patient.wrap_for(self.a, self.h2_key)]);
		while now_ms() < until + 4_000 {
			std::thread::sleep(Duration::from_secs(1));
		}
		let carol = self.h2().client(&self.carol);
		assert_eq!(read(&carol, self.a).unwrap_err().0, -32024, "expired");
		for (who, heard) in [("Eve", &eve_hears), ("H2", &h2_hears)] {
			wait_for(PATIENCE, &format!("{who} to be told the chain ended it"), || {
				heard
					.received()
					.iter()
					.any(|n| n["kind"] == "consentExpired" && n["consent"] == short)
					.then_some(())
			});
		}
		let auditor = self.h1().client(&self.auditor);
		let history = auditor.run(auditor.client.consent_history(short)).unwrap();
		let ended = history.events.last().expect("the consent's history");
		let chain = pallet_consent::Pallet::<medledger_runtime::Runtime>::account();
		assert_eq!(
			(ended.action, &ended.actor),
			(AuditAction::Update, &Account::from(&chain)),
			"recorded by the chain's own account: {history:?}"
		);
		short
	}

	/// Break-glass: H2's clinician opens emergency access and Eve is told; H1's gateway wraps
	/// every one of Eve's H1 documents for H2, and H2 reads them.
	fn break_glass(&self, granted: &Granted) {
		let eve_hears = self.h1().subscribe(&self.eve);
		let carol = self.h2().client(&self.carol);
		carol
			.run(carol.client.consent_break_glass(account(EVE), "unconscious in ER".into()))
			.expect("break-glass");
		wait_for(PATIENCE, "Eve to be told of the break-glass", || {
			eve_hears.received().iter().any(|n| n["kind"] == "breakGlass").then_some(())
		});
		let emergency = |document| read_for(&carol, document, Purpose::Emergency);
		let read_b = wait_for(PATIENCE, "H1 to wrap B's key for the emergency", || {
			emergency(granted.b).ok()
		});
		assert!(read_b == granted.file_b);
		assert!(emergency(self.a).expect("A under break-glass") == self.file_a);
	}

	/// Eve revokes the emergency access: H2 may not break the glass on her again (the chain
	/// refuses it) until she lifts the bar herself; then it may.
	fn break_glass_barred_after_revocation(&self) {
		let carol = self.h2().client(&self.carol);
		let emergency = newest_consent_of_h2(&carol);
		self.patient()
			.relay(RuntimeCall::Consent(pallet_consent::Call::revoke { id: emergency }))
			.expect("revoke relayed");
		let again = || carol.run(carol.client.consent_break_glass(account(EVE), "again".into()));
		let refused = again().unwrap_err();
		assert!(refused.0 == -32040 && refused.1.contains("BreakGlassHeld"), "{refused:?}");
		self.patient()
			.relay(RuntimeCall::Consent(pallet_consent::Call::lift_break_glass_hold { org: 2 }))
			.expect("lift relayed");
		again().expect("break-glass once the bar is lifted");
	}

	/// Every read is in Eve's trail: six refusals (the research read among them) and the
	/// successful reads, all by H2's clinician; the trail verifies.
	fn trail_holds_every_read(&self) {
		let auditor = self.h1().client(&self.auditor);
		let (trail, refusals) = wait_for(PATIENCE, "H2's reads to be audited", || {
			let trail =
				auditor.run(auditor.client.audit_trail(account(EVE), None, Some(1000))).ok()?;
			let refusals: Vec<Refusal> = trail
				.entries
				.iter()
				.filter(|e| e.entry.action == AuditAction::Read)
				.filter_map(|e| match e.entry.outcome {
					Outcome::Refused { refusal } => Some(refusal),
					Outcome::Success => None,
				})
				.collect();
			(refusals.len() == 6).then_some((trail, refusals))
		});
		assert_eq!(
			refusals,
			[
				Refusal::NoConsent,
				Refusal::ConsentNotGranted,
				Refusal::ConsentDenied,
				Refusal::PurposeNotGranted,
				Refusal::ConsentRevoked,
				Refusal::ConsentExpired
			]
		);
		assert!(trail.verified, "{trail:?}");
	}

	/// The consents end denied, revoked and expired.
	fn consents_statuses(&self, pending: u64, granted: u64, short: u64) {
		let auditor = self.h1().client(&self.auditor);
		let statuses: Vec<ConsentStatus> = [pending, granted, short]
			.iter()
			.map(|id| auditor.run(auditor.client.consent_get(*id)).unwrap().status)
			.collect();
		assert_eq!(
			statuses,
			[ConsentStatus::Denied, ConsentStatus::Revoked, ConsentStatus::Expired]
		);
	}

	/// A consent's history: its request, grant with Eve's wrap, H1's wrap of B, the reads
	/// under it, its revocation.
	fn consent_history(&self, granted: u64) {
		let auditor = self.h1().client(&self.auditor);
		let history = auditor.run(auditor.client.consent_history(granted)).unwrap();
		let actions: Vec<AuditAction> = history.events.iter().map(|e| e.action).collect();
		assert_eq!(actions.first(), Some(&AuditAction::Create), "{history:?}");
		let count = |action: AuditAction| actions.iter().filter(|a| **a == action).count();
		assert!(count(AuditAction::Read) >= 2, "{history:?}");
		assert!(count(AuditAction::Execute) >= 2, "wraps: {history:?}");
	}

	/// Patients see their own records only.
	fn patients_see_their_own_only(&self) {
		let eve = self.h1().client(&self.eve);
		let ferdie_trail = eve.run(eve.client.audit_trail(account(FERDIE), None, None));
		assert_eq!(ferdie_trail.unwrap_err().0, -32002);
	}

	/// The subscriber saw the story.
	fn subscriber_saw_the_story(&self) {
		let kinds = self.notifications.kinds();
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
	}

	/// Compliance reports for the period: H2's consents and reads, H1's documents.
	fn compliance_reports(&self) {
		let auditor = self.h1().client(&self.auditor);
		let to = now_ms() + 1;
		let report = |org: u32, format: ReportFormat| {
			auditor.run(auditor.client.audit_report(org, self.started, to, format)).expect("report")
		};
		let fhir = |org: u32| match report(org, ReportFormat::Fhir) {
			Report::Fhir(bundle) => bundle.0,
			csv => panic!("asked for FHIR, got {csv:?}"),
		};
		let counts = validate_fhir(&self.dir, &fhir(2));
		assert_eq!(counts["Consent"], 5, "three requests and two break-glass: {counts}");
		assert!(counts["AuditEvent"].as_u64().unwrap() >= 9, "{counts}");
		let counts = validate_fhir(&self.dir, &fhir(1));
		assert_eq!(counts["DocumentReference"], 2, "{counts}");
		let Report::Csv(csv) = report(2, ReportFormat::Csv) else {
			panic!("asked for CSV, got a bundle");
		};
		let rows: Vec<&str> = csv.lines().collect();
		assert!(rows[0].starts_with("record,id,time,patient,actor,organisation,action"));
		assert_eq!(rows.iter().filter(|r| r.starts_with("consent,")).count(), 5);
		assert_eq!(
			rows.iter().filter(|r| r.starts_with("audit,") && r.contains("refused")).count(),
			6,
			"{csv}"
		);
	}

	/// Another hospital corrects a document only under the patient's write consent: H2's
	/// amendment of A is refused under read-only grants, then anchored under a write grant.
	fn amended_only_under_write_consent(&self) {
		let (carol, h2_admin) =
			(self.h2().client(&self.carol), self.h2().client(&self.hospitals.h2.admin));
		let amend = || {
			carol.run(carol.client.document_upload(
				account(EVE),
				Base64(b"corrected at H2".to_vec()),
				"text/plain".into(),
				"34133-9".into(),
				Some(self.a),
			))
		};
		let refused = amend().unwrap_err().0;
		assert!((-32029..=-32020).contains(&refused), "no write consent: {refused}");
		h2_admin
			.run(h2_admin.client.consent_request(
				account(EVE),
				ScopeRequest::Documents(vec![self.a]),
				Purpose::Treatment,
				false,
				true,
				now_ms() - 1000,
				now_ms() + 3_600_000,
			))
			.expect("write consent requested");
		let write = newest_consent_of_h2(&carol);
		self.patient().grant(write, vec![]);
		let upload = amend().expect("amendment accepted under the write grant");
		let corrected = self.h2().finalised(&self.carol, upload.id);
		let auditor = self.h1().client(&self.auditor);
		let status = |id: u64| auditor.run(auditor.client.document_status(id)).unwrap();
		assert_eq!(status(self.a).status, DocumentStatus::Superseded { by: corrected });
		assert_eq!(status(corrected).organisation, 2);
		// H1's audit index files the block once it is final there too.
		let update = wait_for(PATIENCE, "the amendment to be audited", || {
			let trail = auditor.run(auditor.client.audit_trail(account(EVE), None, Some(1000)));
			trail.unwrap().entries.into_iter().find(|e| {
				e.entry.action == AuditAction::Update
					&& e.entry.subject == Subject::Document(self.a)
			})
		});
		assert_eq!((update.entry.organisation, update.entry.consent), (Some(2), Some(write)));
	}

	/// H2 removes Carol on chain (its delegate Bob signs `remove_member`): her credential,
	/// still listed at H2's gateway, is refused on her next call, whatever it asks, and no
	/// new one is issued to her (nor an auditor's credential to a patient).
	fn removed_clinician_refused_at_once(&self) {
		let carol = self.h2().client(&self.carol);
		assert!(carol
			.run(carol.client.document_list(Some(account(EVE)), None, None, None, None))
			.is_ok());
		let remove = pallet_consortium::Call::remove_member { who: self.carol_account.0.clone() };
		let xt = self.hospitals.node.signed("//Bob", RuntimeCall::Consortium(remove));
		self.hospitals
			.node
			.rpc("author_submitExtrinsic", json!([format!("0x{}", hex::encode(xt))]))
			.expect("removal submitted");
		let refused = wait_for(PATIENCE, "Carol's removal to take effect", || {
			carol.run(carol.client.document_list(Some(account(EVE)), None, None, None, None)).err()
		});
		assert_eq!(refused.0, -32026, "not an active member: {refused:?}");
		assert_eq!(read(&carol, self.a).unwrap_err().0, -32026);
		// Her attempt is in Eve's trail, reported by H2 for her (she signs nothing now).
		let auditor = self.h1().client(&self.auditor);
		wait_for(PATIENCE, "Carol's refused attempt in Eve's trail", || {
			let trail =
				auditor.run(auditor.client.audit_trail(account(EVE), None, Some(1000))).ok()?;
			trail
				.entries
				.iter()
				.any(|e| {
					e.entry.actor == self.carol_account
						&& e.entry.subject == Subject::Document(self.a)
						&& e.entry.organisation == Some(2)
						&& e.entry.outcome == Outcome::Refused { refusal: Refusal::NotAMember }
				})
				.then_some(())
		});

		// Nor is a credential issued to her any more, or an auditor's to a patient.
		let node_url = self.h2().node_url();
		let issue = |args: &[&str]| {
			let output = std::process::Command::new(gateway_binary())
				.args(["credentials", "issue", "--node-url", &node_url, "--data-dir"])
				.arg(&self.hospitals.h2.dir)
				.args(args)
				.env("MEDLEDGER_KEYSTORE_PASSPHRASE", TEST_PASSPHRASE)
				.output()
				.unwrap();
			(output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
		};
		for args in [&["--key", "carol"][..], &["--account", EVE, "--role", "auditor"][..]] {
			let (issued, stderr) = issue(args);
			assert!(!issued && stderr.contains("not an active member"), "{args:?}: {stderr}");
		}
	}
}

#[test]
fn consent_story_across_two_gateways() {
	let story = Story::start();
	let mut steps = Steps::new();
	let pending = steps.need("refused: no consent, request pending, request denied", || {
		story.refused_before_a_grant()
	});
	let granted =
		steps.need("granted: H2 reads A, and B anchored after the grant", || story.granted());
	steps.check("only the patient relays, and only consent decisions", || {
		story.only_the_patient_relays_decisions()
	});
	steps.check("revoked: refused again", || story.revoked(granted.id));
	let short = steps.check("a short grant runs out", || story.short_grant_expires());
	steps.check("break-glass: H2 reads every document", || story.break_glass(&granted));
	steps.check("her revocation bars break-glass until she lifts it", || {
		story.break_glass_barred_after_revocation()
	});
	steps.check("every read is in Eve's trail, which verifies", || story.trail_holds_every_read());
	if let Some(short) = short {
		steps.check("the consents end denied, revoked, expired", || {
			story.consents_statuses(pending, granted.id, short)
		});
	}
	steps.check("a consent's history", || story.consent_history(granted.id));
	steps.check("patients see their own records only", || story.patients_see_their_own_only());
	steps.check("the subscriber saw the story", || story.subscriber_saw_the_story());
	steps.check("compliance reports: FHIR R4 and CSV", || story.compliance_reports());
	steps.check("H2 amends H1's document only under write consent", || {
		story.amended_only_under_write_consent()
	});
	steps.check("a clinician removed on chain is refused at once", || {
		story.removed_clinician_refused_at_once()
	});
	steps.finish();
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
