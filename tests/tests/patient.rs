//! The patient's story through the `medledger` CLI, against a dev node and two gateways on
//! loopback: keys made by the patient and registered by H1's admin; a document anchored by
//! H1, listed, fetched and decrypted with the patient's key; a proof bundle verified offline
//! against the chain spec (and a trust file made from it), with tampered inputs refused by
//! exit code; H2's request granted (the CLI wraps the key for H2, which then reads the
//! document), another denied, the grant revoked; the audit trail complete. Notifications
//! reach each subscriber only as far as they concern it: her, another patient, another
//! hospital. She changes her encryption key; both issuing hospitals re-wrap her documents'
//! keys to it, and the new key file alone opens them.

use medledger_gateway_api::{
	api::{
		consent::{ConsentApiClient, ConsentStatus, ScopeRequest},
		documents::DocumentsApiClient,
		proofs::ProofsApiClient,
	},
	values::{Base64, Purpose},
};
use medledger_tests::{
	account, gateway_admin, node_binary, now_ms, proxy::LyingProxy, token, wait_for, Gateway, Node,
	Notifications, PatientCli, Steps, TwoHospitals, BOB, EVE, FERDIE,
};
use serde_json::Value;
use std::{
	path::{Path, PathBuf},
	process::Command,
	sync::atomic::{AtomicBool, AtomicUsize, Ordering},
	time::Duration,
};

const PATIENCE: Duration = Duration::from_secs(120);

/// The story's node, gateways and patient.
struct Story {
	dir: PathBuf,
	node: Node,
	h1: Gateway,
	h2: Gateway,
	h1_admin: String,
	h2_admin: String,
	/// Her key file.
	key_file: PathBuf,
	/// Her command line.
	cli: PatientCli,
	/// Eve's (another patient's) credential at H1.
	eve: String,
}

/// Her discharge summary: its document id, its file, and where she saved it.
struct Summary {
	doc: u64,
	file: Vec<u8>,
	fetched: PathBuf,
}

impl Story {
	/// The patient makes her keys (the key file holds no secret in the clear); H1's admin
	/// registers her public keys and issues her credential. Eve, another patient, holds a
	/// credential at H1 too.
	fn start() -> Story {
		let dir = medledger_tests::tempdir();
		let hospitals = TwoHospitals::start(&dir);
		let key_file = dir.join("patient/key.json");
		let cli = hospitals.register_patient(&key_file);
		let eve = hospitals.h1.credential(EVE, "patient");
		let TwoHospitals { node, h1, h2 } = hospitals;
		Story {
			dir,
			node,
			h1: h1.gateway,
			h2: h2.gateway,
			h1_admin: h1.admin,
			h2_admin: h2.admin,
			key_file,
			cli,
			eve,
		}
	}

	/// `keys show` needs no passphrase.
	fn keys_show_without_passphrase(&self) {
		assert_eq!(self.cli.ok(&["keys", "show"])["account"], self.cli.account.as_str());
	}

	/// No WebSocket opens without a valid credential.
	fn no_websocket_without_a_credential(&self) {
		assert_eq!(self.h1.websocket_refusal(None), Some(401));
		assert_eq!(self.h1.websocket_refusal(Some("mlg_not-a-credential")), Some(401));
	}

	/// Four subscribers: she and Eve (another patient) at H1, H2's administrator at H2, and an
	/// auditor at H1 whose credential is revoked as soon as the subscription is open.
	fn subscribe(&self) -> Subscribers {
		let h1_dir = self.dir.join("h1");
		let issued = gateway_admin(
			&h1_dir,
			&[
				"credentials",
				"issue",
				"--account",
				FERDIE,
				"--role",
				"auditor",
				"--node-url",
				&self.h1.node_url(),
			],
		);
		let revoked_auditor = self.h1.subscribe(&token(&issued));
		let id = issued["id"].as_str().expect("a credential id");
		gateway_admin(&h1_dir, &["credentials", "revoke", id]);
		Subscribers {
			her: self.h1.subscribe(&self.cli.token),
			eve: self.h1.subscribe(&self.eve),
			h2_staff: self.h2.subscribe(&self.h2_admin),
			revoked_auditor,
		}
	}

	/// H1 anchors `content` for `patient`; the document id once finalised.
	fn anchor(&self, patient: &str, content: &[u8], media_type: &str, document_type: &str) -> u64 {
		let c = self.h1.client(&self.h1_admin);
		let accepted = c
			.run(c.client.document_upload(
				account(patient),
				Base64(content.to_vec()),
				media_type.into(),
				document_type.into(),
				None,
			))
			.expect("upload accepted");
		self.h1.finalised(&self.h1_admin, accepted.id)
	}

	/// Eve gets a document of her own.
	fn eve_gets_a_document(&self) {
		self.anchor(EVE, b"Eve's lab result", "text/plain", "11502-2");
	}

	/// H1 anchors her discharge summary; she lists and fetches it, decrypted with her key.
	fn summary_listed_and_fetched(&self) -> Summary {
		let file = br#"{"resourceType":"Composition","title":"Discharge summary"}"#.repeat(3000);
		let doc = self.anchor(&self.cli.account, &file, "application/fhir+json", "18842-5");
		// Final, it is listed once H1's index has filed its block (a second or so behind).
		let listed = wait_for(PATIENCE, "her summary in her list", || {
			let listed = self.cli.ok(&["documents"]);
			(!listed.as_array().unwrap().is_empty()).then_some(listed)
		});
		assert_eq!(listed.as_array().unwrap().len(), 1);
		assert_eq!(listed[0]["id"], doc);
		let fetched = self.dir.join("patient/summary.json");
		self.cli.ok(&["fetch", &doc.to_string(), "--out", fetched.to_str().unwrap()]);
		assert_eq!(std::fs::read(&fetched).unwrap(), file);
		Summary { doc, file, fetched }
	}

	/// Her proof bundle verifies offline against the chain spec and a trust file from it.
	/// Refused, each with its reason and exit code: an altered file, an altered record, the
	/// local testnet's spec (another chain), an unreadable file.
	fn proof_verifies_offline(&self, summary: &Summary) {
		let (cli, dir, doc) = (&self.cli, &self.dir, summary.doc);
		let bundle = dir.join("patient/proof.json");
		cli.ok(&["proof", &doc.to_string(), "--out", bundle.to_str().unwrap()]);
		let spec = medledger_tests::raw_chain_spec(dir, "dev");
		let trust = dir.join("patient/trust.json");
		cli.ok(&[
			"trust",
			"--chain-spec",
			spec.to_str().unwrap(),
			"--out",
			trust.to_str().unwrap(),
		]);
		let (f, b) = (summary.fetched.to_str().unwrap(), bundle.to_str().unwrap());
		for trusted in [&spec, &trust] {
			let verdict =
				cli.ok(&["verify", f, "--proof", b, "--trust", trusted.to_str().unwrap()]);
			assert_eq!(verdict["verified"], true);
			assert_eq!(verdict["anchor"]["patient"], cli.account.as_str());
			assert_eq!(verdict["anchor"]["organisation"], 1);
		}
		let t = trust.to_str().unwrap();
		let altered = dir.join("patient/altered.json");
		let mut bytes = summary.file.clone();
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
		let (code, verdict) =
			cli.run(&["verify", f, "--proof", b, "--trust", local.to_str().unwrap()]);
		assert_eq!((code, verdict["failure"].as_str()), (4, Some("wrongChain")));
		let (code, _) = cli.run(&["verify", "/nonexistent", "--proof", b, "--trust", t]);
		assert_eq!(code, 2);
	}

	/// H2 copies her summary's commitment and CID from the chain (anyone can read them, or
	/// catch them in the pool) and anchors them for her as a document of its own. The chain
	/// takes it — another hospital's record — but it is not her summary: the commitment
	/// names the hospital that sealed the file, so her fetch refuses H2's record as not the
	/// anchored document, and the summary still opens.
	fn a_squatters_copy_is_not_her_summary(&self, summary: &Summary) {
		let c = self.h1.client(&self.h1_admin);
		let original = c.run(c.client.document_status(summary.doc)).expect("her summary");
		let copy = pallet_documents::NewDocument {
			patient: original.patient.0.clone(),
			commitment: original.commitment.0,
			cid: original.cid.0.to_bytes(),
			size: original.size,
			media_type: original.media_type.into_bytes(),
			document_type: original.document_type.into_bytes(),
		};
		let call = pallet_documents::Call::anchor { document: copy };
		let xt = self.node.signed("//Bob", medledger_runtime::RuntimeCall::Documents(call));
		self.node
			.rpc("author_submitExtrinsic", serde_json::json!([format!("0x{}", hex::encode(xt))]))
			.expect("H2's copy submitted");
		let commitment = serde_json::to_value(original.commitment).unwrap();
		let squatted = wait_for(PATIENCE, "H2's copy on chain", || {
			let listed = self.cli.ok(&["documents"]);
			let copy = listed
				.as_array()?
				.iter()
				.find(|d| d["organisation"] == 2 && d["commitment"] == commitment)?;
			copy["id"].as_u64()
		});
		let out = self.dir.join("patient/squatted.json");
		let (code, refused) =
			self.cli.run(&["fetch", &squatted.to_string(), "--out", out.to_str().unwrap()]);
		assert_ne!(code, 0, "H2's copy fetched as hers: {refused}");
		assert!(refused.to_string().contains("not the anchored document"), "{refused}");
		assert!(!out.exists(), "nothing is written for a record the file does not match");
		let again = self.dir.join("patient/summary-again.json");
		self.cli.ok(&["fetch", &summary.doc.to_string(), "--out", again.to_str().unwrap()]);
		assert_eq!(std::fs::read(&again).unwrap(), summary.file);
	}

	/// Staff giving a purpose get the salt in the bundle (an audited read); without a
	/// purpose, no salt.
	fn staff_get_the_salt(&self, doc: u64) {
		let c = self.h1.client(&self.h1_admin);
		let staff_bundle = c
			.run(c.client.document_proof(doc, None, Some(Purpose::Treatment)))
			.expect("staff proof");
		assert!(staff_bundle.document.salt.is_some());
		let no_salt = c.run(c.client.document_proof(doc, None, None)).unwrap();
		assert!(no_salt.document.salt.is_none());
	}

	/// H2 asks twice. She denies one and grants the other: the CLI wraps the document's key
	/// for H2, whose clinician then reads the document from H1's IPFS node. The granted
	/// consent's id.
	fn denied_one_granted_the_other(&self, summary: &Summary) -> String {
		let cli = &self.cli;
		let h2 = self.h2.client(&self.h2_admin);
		let request = |purpose: Purpose| {
			h2.run(h2.client.consent_request(
				account(&cli.account),
				ScopeRequest::All(true),
				purpose,
				true,
				false,
				now_ms() - 1000,
				now_ms() + 3_600_000,
			))
			.expect("consent requested");
		};
		request(Purpose::Treatment);
		request(Purpose::Research);
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
		let her = self.h1.client(&cli.token);
		let granted = her.run(her.client.consent_get(treatment.parse().unwrap())).unwrap();
		assert_eq!(granted.status, ConsentStatus::Granted);
		assert_eq!(granted.wraps, 1);
		let read = h2
			.run(h2.client.document_get(summary.doc, Purpose::Treatment))
			.expect("H2 reads under the grant, with the patient's wrap");
		assert_eq!(read.content.0, summary.file);
		treatment
	}

	/// She revokes; H2 is refused.
	fn revoked(&self, treatment: &str, doc: u64) {
		self.cli.ok(&["revoke", treatment]);
		let h2 = self.h2.client(&self.h2_admin);
		let refused = h2.run(h2.client.document_get(doc, Purpose::Treatment)).unwrap_err();
		assert_eq!(refused.0, -32023);
	}

	/// Her trail holds every step — anchoring, requests, decisions, wraps, H2's reads —
	/// and the CLI checks the hash chain itself.
	fn trail_complete(&self) {
		let trail = wait_for(PATIENCE, "H2's reads in the trail", || {
			let trail = self.cli.ok(&["trail"]);
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
	}

	/// She changes her encryption key through H1's gateway. Each issuing hospital's gateway
	/// wraps her documents' keys to the new key by itself — H2's too, which she never talks
	/// to — so her new key file alone opens the old documents (each checked against its
	/// proven commitment); the wraps are in her trail, which stays complete. A document
	/// anchored after the change is sealed to the new key: the old key file opens it no more.
	fn key_changed(&self, summary: &Summary) {
		let lab = b"H2's lab result, before the key change".to_vec();
		let h2 = self.h2.client(&self.h2_admin);
		let upload = h2.client.document_upload(
			account(&self.cli.account),
			Base64(lab.clone()),
			"text/plain".into(),
			"11502-2".into(),
			None,
		);
		let h2_doc = self.h2.finalised(&self.h2_admin, h2.run(upload).expect("upload").id);
		let old_key = self.cli.ok(&["keys", "show"])["encryptionKey"].clone();

		let new_file = self.dir.join("patient/key-2.json");
		let rotated = self.cli.ok(&["keys", "rotate", "--out", new_file.to_str().unwrap()]);
		assert_eq!(rotated["identity"]["account"], self.cli.account.as_str());
		assert_ne!(rotated["identity"]["encryptionKey"], old_key);
		let new_cli = PatientCli { key_file: new_file, ..self.cli.clone() };
		let out = |name: &str| self.dir.join("patient").join(name);
		let fetch = |cli: &PatientCli, doc: u64, name: &str| {
			cli.run(&["fetch", &doc.to_string(), "--out", out(name).to_str().unwrap()])
		};
		wait_for(PATIENCE, "both hospitals' wraps to her new key", || {
			let summary_opens = fetch(&new_cli, summary.doc, "summary-new-key.json").0 == 0;
			let lab_opens = fetch(&new_cli, h2_doc, "lab-new-key.txt").0 == 0;
			(summary_opens && lab_opens).then_some(())
		});
		assert_eq!(std::fs::read(out("summary-new-key.json")).unwrap(), summary.file);
		assert_eq!(std::fs::read(out("lab-new-key.txt")).unwrap(), lab);

		let later = self.anchor(&self.cli.account, b"After the change", "text/plain", "11502-2");
		new_cli.ok(&["fetch", &later.to_string(), "--out", out("later.txt").to_str().unwrap()]);
		let (code, refused) = fetch(&self.cli, later, "later-old-key.txt");
		assert_eq!(code, 1, "{refused}");
		assert!(refused["error"].as_str().unwrap().contains("no key wrap for this key file"));

		let trail = new_cli.ok(&["trail"]);
		assert_eq!(trail["complete"], true, "{trail}");
		let rewrapped = |org: u32, doc: u64| {
			trail["entries"].as_array().unwrap().iter().any(|e| {
				e["action"] == "Execute"
					&& e["organisation"] == org
					&& e["subject"]["document"] == doc
					&& e["consent"].is_null()
			})
		};
		assert!(rewrapped(1, summary.doc) && rewrapped(2, h2_doc), "{trail}");
	}

	/// H2 asks her to read all her documents for treatment for an hour; the request's id, as
	/// her CLI lists it (her only pending one).
	fn h2_asks_to_read_all(&self) -> u64 {
		let h2 = self.h2.client(&self.h2_admin);
		h2.run(h2.client.consent_request(
			account(&self.cli.account),
			ScopeRequest::All(true),
			Purpose::Treatment,
			true,
			false,
			now_ms() - 1000,
			now_ms() + 3_600_000,
		))
		.expect("consent requested");
		let pending = self.cli.ok(&["requests"]);
		pending.as_array().unwrap()[0]["id"].as_u64().unwrap()
	}

	/// H2 asks again, and she grants while H1's newest document of hers is not in the
	/// gateway's list yet — as one anchored in the seconds before is not, its block not final
	/// (played here by a proxy leaving it out of the first list, so the case is certain). The
	/// grant cannot wrap it, and the chain leaves it to her, not to H1 (it is older than the
	/// grant): the CLI wraps it once the grant is final, and H2 reads it.
	fn anchored_just_before_the_grant(&self) -> u64 {
		let h2 = self.h2.client(&self.h2_admin);
		let request = self.h2_asks_to_read_all();
		let file = b"Her echocardiogram report".to_vec();
		let doc = self.anchor(&self.cli.account, &file, "text/plain", "34133-9");

		let proxy = LyingProxy::start(&self.h1.url());
		let first = AtomicBool::new(true);
		proxy.lie("document_list", move |documents| {
			if first.swap(false, Ordering::SeqCst) {
				documents.as_array_mut().unwrap().retain(|d| d["id"] != doc);
			}
		});
		let cli = PatientCli { gateway: proxy.url(), ..self.cli.clone() };
		let granted = cli.ok(&["grant", &request.to_string()]);
		assert_eq!(granted["wrappedAfterGrant"], serde_json::json!([doc]), "{granted}");
		let her = self.h1.client(&self.cli.token);
		let consent = her.run(her.client.consent_get(request)).unwrap();
		assert_eq!(consent.status, ConsentStatus::Granted);
		let read = h2
			.run(h2.client.document_get(doc, Purpose::Treatment))
			.expect("H2 reads the document wrapped after the grant");
		assert_eq!(read.content.0, file);
		request
	}

	/// She revokes that grant and H2 asks again; her grant's last step fails — the gateway
	/// leaves the newest document out of the first list, then answers the lists after the
	/// grant with garbage. The grant stands and the CLI says what is left (exit 10,
	/// `wrapError`); H2 cannot read that document until `medledger wrap` finishes the step.
	fn failure_after_the_grant(&self, earlier: u64) {
		self.cli.ok(&["revoke", &earlier.to_string()]);
		let h2 = self.h2.client(&self.h2_admin);
		let request = self.h2_asks_to_read_all();
		let file = b"Her stress test report".to_vec();
		let doc = self.anchor(&self.cli.account, &file, "text/plain", "18752-6");

		let proxy = LyingProxy::start(&self.h1.url());
		let lists = AtomicUsize::new(0);
		proxy.lie("document_list", move |documents| {
			if lists.fetch_add(1, Ordering::SeqCst) == 0 {
				documents.as_array_mut().unwrap().retain(|d| d["id"] != doc);
			} else {
				*documents = serde_json::json!("garbled");
			}
		});
		let cli = PatientCli { gateway: proxy.url(), ..self.cli.clone() };
		let (code, granted) = cli.run(&["grant", &request.to_string()]);
		assert_eq!(code, 10, "{granted}");
		assert!(granted["wrapError"].is_string(), "{granted}");
		let her = self.h1.client(&self.cli.token);
		let consent = her.run(her.client.consent_get(request)).unwrap();
		assert_eq!(consent.status, ConsentStatus::Granted);
		let unwrapped = h2.run(h2.client.document_get(doc, Purpose::Treatment)).unwrap_err();
		assert_eq!(unwrapped.0, -32032, "no key of the document is wrapped for H2: {unwrapped:?}");

		let wrapped = self.cli.ok(&["wrap", &request.to_string()]);
		assert!(wrapped["wrapped"].as_array().unwrap().contains(&doc.into()), "{wrapped}");
		let read = h2
			.run(h2.client.document_get(doc, Purpose::Treatment))
			.expect("H2 reads the document once `wrap` finished");
		assert_eq!(read.content.0, file);
	}

	/// A wrong passphrase opens nothing and signs nothing.
	fn wrong_passphrase(&self, treatment: &str) {
		let output = Command::new(node_binary().with_file_name("medledger"))
			.args(["--json", "revoke", treatment])
			.env("MEDLEDGER_KEY_FILE", &self.key_file)
			.env("MEDLEDGER_GATEWAY", self.h1.url())
			.env("MEDLEDGER_TOKEN", &self.cli.token)
			.env("MEDLEDGER_PASSPHRASE", "wrong")
			.output()
			.unwrap();
		assert_eq!(output.status.code(), Some(1));
		assert!(String::from_utf8_lossy(&output.stdout).contains("passphrase"));
	}
}

#[test]
fn patient_story_with_the_cli() {
	let mut story = Story::start();
	let mut steps = Steps::new();
	steps.check("her keys show without the passphrase", || story.keys_show_without_passphrase());
	steps.check("no WebSocket without a valid credential", || {
		story.no_websocket_without_a_credential()
	});
	let subscribers = story.subscribe();
	steps.check("Eve gets a document of her own", || story.eve_gets_a_document());
	let summary = steps.need("H1 anchors her summary; she lists and fetches it", || {
		story.summary_listed_and_fetched()
	});
	steps.check("her proof bundle verifies offline; altered inputs are refused", || {
		story.proof_verifies_offline(&summary)
	});
	steps.check("staff giving a purpose get the salt", || story.staff_get_the_salt(summary.doc));
	let treatment = steps.need("she denies one request, grants the other; H2 reads", || {
		story.denied_one_granted_the_other(&summary)
	});
	steps.check("she revokes; H2 is refused", || story.revoked(&treatment, summary.doc));
	steps.check("her trail holds every step and verifies", || story.trail_complete());
	steps.check("a wrong passphrase opens nothing", || story.wrong_passphrase(&treatment));
	steps.check("each subscriber saw only its own", || {
		subscribers.each_saw_only_its_own(&story.cli.account)
	});
	let granted = steps.need(
		"a document anchored just before her grant is wrapped once the grant is final",
		|| story.anchored_just_before_the_grant(),
	);
	steps.check("a failure after her grant keeps it; `wrap` finishes the step", || {
		story.failure_after_the_grant(granted)
	});
	steps.check("she changes her key; her old documents open with the new key alone", || {
		story.key_changed(&summary)
	});
	steps.check("a squatter's copy of her summary's commitment is not her summary", || {
		story.a_squatters_copy_is_not_her_summary(&summary)
	});
	story.node.kill();
	steps.finish();
}

/// The story's WebSocket subscribers.
struct Subscribers {
	/// The patient of the story, at H1.
	her: Notifications,
	/// Eve, another patient, at H1.
	eve: Notifications,
	/// H2's administrator (Bob), at H2.
	h2_staff: Notifications,
	/// An auditor (who sees every event) whose credential was revoked while subscribed.
	revoked_auditor: Notifications,
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
		// An open socket does not outlive its credential.
		assert_eq!(self.revoked_auditor.received(), Vec::<Value>::new());

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
