//! The patient against a dishonest hospital: her CLI through a gateway that lies (a proxy in
//! front of an honest gateway rewrites its answers, proofs included) about the grantee's
//! key, a consent's terms, her trail, her document's record and its envelope — each lie is
//! refused, naming the gateway, and nothing is granted, released or shown as verified for
//! it; the same steps through the honest gateway succeed. And an administrator who
//! registers her with a key she did not sign for.

use medledger_chain_client::DomainEvent;
use medledger_gateway_api::{
	api::audit::AuditApiClient,
	api::consent::{ConsentApiClient, ConsentStatus, ScopeRequest},
	values::{Base64, Purpose},
};
use medledger_gateway_api::{
	api::{documents::DocumentsApiClient, members::MembersApiClient},
	values::{Hex32, KeyProof},
};
use medledger_tests::{
	account, now_ms,
	proxy::{rewrite_bytes, LyingProxy},
	wait_for, PatientCli, Steps, TwoHospitals, BOB,
};
use serde_json::{json, Value};
use std::time::Duration;

const DAY: u64 = 24 * 3_600_000;

/// Two hospitals; a patient registered at H1 (her CLI talks to H1's gateway) with one
/// document H1 anchored for her.
struct World {
	hospitals: TwoHospitals,
	cli: PatientCli,
	document: u64,
}

impl World {
	fn start(dir: &std::path::Path) -> World {
		let hospitals = TwoHospitals::start(dir);
		let cli = hospitals.register_patient(&dir.join("patient/key.json"));
		let h1 = hospitals.h1.gateway.client(&hospitals.h1.admin);
		let accepted = h1
			.run(h1.client.document_upload(
				account(&cli.account),
				Base64(b"Her discharge summary".to_vec()),
				"text/plain".into(),
				"18842-5".into(),
				None,
			))
			.expect("upload accepted");
		let document = hospitals.h1.gateway.finalised(&hospitals.h1.admin, accepted.id);
		World { hospitals, cli, document }
	}
}

/// H2 asks for everything, for research, for a year (the request the lies below are about).
fn h2_asks_for_everything(world: &World) -> u64 {
	let World { hospitals, cli, .. } = world;
	let h2 = hospitals.h2.gateway.client(&hospitals.h2.admin);
	let written = h2
		.run(h2.client.consent_request(
			account(&cli.account),
			ScopeRequest::All(true),
			Purpose::Research,
			true,
			false,
			now_ms() - 1000,
			now_ms() + 365 * DAY,
		))
		.expect("H2's request");
	written
		.events
		.iter()
		.find_map(|e| match e {
			DomainEvent::ConsentRequested { consent, .. } => Some(*consent),
			_ => None,
		})
		.expect("the request's id")
}

/// Consent `id` is still only requested: nothing granted, no key wrapped, and H2 cannot
/// read her document.
fn nothing_granted(world: &World, id: u64) {
	let World { hospitals, cli, document } = world;
	let her = hospitals.h1.gateway.client(&cli.token);
	let held = her.run(her.client.consent_get(id)).expect("the request");
	assert_eq!((held.status, held.wraps), (ConsentStatus::Requested, 0), "nothing granted");
	let h2 = hospitals.h2.gateway.client(&hospitals.h2.admin);
	let refused = h2.run(h2.client.document_get(*document, Purpose::Research)).unwrap_err();
	// AccessRefused: the consent is only requested.
	assert_eq!(refused.0, -32020, "H2 cannot read: {refused:?}");
}

/// The CLI refused what the proxy told it, naming the gateway.
fn refused_as_a_lie(answer: &(i32, Value), proxy: &LyingProxy, method: &str) {
	let (code, answer) = answer;
	assert_eq!(*code, 1, "{answer}");
	let error = answer["error"].as_str().unwrap_or_default();
	assert!(error.contains("does not match the chain"), "{answer}");
	assert!(proxy.told().iter().any(|m| m == method), "the lie in {method} was told: {answer}");
	proxy.stop_lying();
}

/// A gateway swaps H2's encryption key for one it holds — in the member record and in the
/// hospital's state proof: the CLI's proof check fails, no key is wrapped for the liar.
fn a_rewritten_grantee_key_gets_no_key(world: &World, proxy: &LyingProxy, id: u64) {
	let h1 = world.hospitals.h1.gateway.client(&world.hospitals.h1.admin);
	let bob = h1.run(h1.client.member_get(account(BOB))).unwrap().expect("H2's delegate");
	let honest = bob.encryption_key.0;
	let liars = [0x66u8; 32];
	proxy.lie("member_get", move |m| {
		m["encryptionKey"] = json!(format!("0x{}", hex::encode(liars)))
	});
	proxy.lie("organisation_proof", move |proof| {
		rewrite_bytes(proof, &honest, &liars);
	});
	let lied_to = PatientCli { gateway: proxy.url(), ..world.cli.clone() };
	refused_as_a_lie(&lied_to.run(&["grant", &id.to_string()]), proxy, "organisation_proof");
	nothing_granted(world, id);
}

/// A gateway shows the request as H3's (in its listing, its record and its state proof):
/// the proof check fails, nothing is signed. Through the honest gateway she grants exactly
/// the terms the chain holds.
fn rewritten_terms_grant_nothing(world: &World, proxy: &LyingProxy, id: u64) {
	let patient = medledger_tests::account(&world.cli.account).0;
	let her: &[u8] = patient.as_ref();
	// A consent's record starts with the patient and the hospital (SCALE, u32 LE).
	let [honest, other] = [2u32, 3].map(|org| [her, &org.to_le_bytes()[..]].concat());
	let lie = || {
		proxy.lie("consent_list", |list| {
			list.as_array_mut().unwrap().iter_mut().for_each(|c| c["organisation"] = json!(3))
		});
		proxy.lie("consent_get", |c| c["organisation"] = json!(3));
		let (honest, other) = (honest.clone(), other.clone());
		proxy.lie("consent_proof", move |proof| {
			rewrite_bytes(proof, &honest, &other);
		});
	};
	let lied_to = PatientCli { gateway: proxy.url(), ..world.cli.clone() };
	lie();
	refused_as_a_lie(&lied_to.run(&["requests"]), proxy, "consent_proof");
	lie();
	refused_as_a_lie(&lied_to.run(&["grant", &id.to_string()]), proxy, "consent_proof");
	nothing_granted(world, id);

	let granted = world.cli.ok(&["grant", &id.to_string()]);
	assert_eq!(granted["granted"]["organisation"], 2, "{granted}");
	assert_eq!(granted["granted"]["purpose"], "Research", "{granted}");
	assert_eq!(granted["granted"]["scope"], json!({ "all": true }));
}

/// A gateway hides the newest trail entry (dropped, head rewritten): the entries do not
/// reach the head proved on chain — "TRAIL BROKEN", not "complete"; one that also forges
/// the head's proof is refused outright. Through the honest gateway the trail is complete.
fn a_hidden_trail_entry_is_found(world: &World, proxy: &LyingProxy) {
	// Her trail as the chain has it, once a justified block proves all of it. The earlier
	// steps' reads may still be on their way to the chain (a gateway reports its reads in
	// batches), so the head is asked again each time until the proof reaches it.
	let her = world.hospitals.h1.gateway.client(&world.cli.token);
	let (seq, honest) = wait_for(Duration::from_secs(90), "her whole trail proved", || {
		let current = her.run(her.client.audit_trail(account(&world.cli.account), None, None));
		let seq = current.expect("her trail").head.seq;
		let trail = world.cli.ok(&["trail"]);
		(trail["head"]["seq"] == seq).then_some((seq, trail))
	});
	assert_eq!(honest["complete"], true, "{honest}");
	// The newest entry is dropped and the head moved back before it.
	proxy.lie("audit_trail", move |page| {
		page["entries"].as_array_mut().unwrap().retain(|e| e["seq"] != seq);
		page["head"]["seq"] = json!(seq - 1);
	});
	let lied_to = PatientCli { gateway: proxy.url(), ..world.cli.clone() };
	let (code, broken) = lied_to.run(&["trail"]);
	assert_eq!((code, &broken["complete"]), (9, &json!(false)), "{broken}");
	assert_eq!(broken["problem"]["incomplete"]["trusted"], seq, "{broken}");
	proxy.stop_lying();

	let head: Hex32 = serde_json::from_value(honest["head"]["head"].clone()).unwrap();
	proxy.lie("trail_proof", move |proof| {
		rewrite_bytes(proof, &head.0, &[0x77; 32]);
	});
	refused_as_a_lie(&lied_to.run(&["trail"]), proxy, "trail_proof");
}

/// A gateway rewrites her document's anchored commitment (record and proof): refused, no
/// file written.
fn a_rewritten_record_is_refused(world: &World, proxy: &LyingProxy) {
	let id = world.document.to_string();
	let listed = world.cli.ok(&["documents"]);
	let commitment = listed[0]["commitment"].as_str().unwrap().to_string();
	let honest = hex::decode(&commitment[2..]).unwrap();
	proxy.lie("document_proof", move |bundle| {
		rewrite_bytes(bundle, &honest, &[0x77; 32]);
	});
	let out = medledger_tests::tempdir().join("fetched");
	let lied_to = PatientCli { gateway: proxy.url(), ..world.cli.clone() };
	refused_as_a_lie(
		&lied_to.run(&["fetch", &id, "--out", out.to_str().unwrap()]),
		proxy,
		"document_proof",
	);
	assert!(!out.exists(), "nothing written");
}

/// A gateway serves a forged envelope — a file of its own, sealed for her key, with its
/// record's commitment rewritten to match: the file does not match the commitment proved
/// on chain, so it is refused; through the honest gateway her file opens.
fn a_forged_envelope_is_refused(world: &World, proxy: &LyingProxy) {
	let id = world.document.to_string();
	let her_key = world.cli.ok(&["keys", "show"])["encryptionKey"].as_str().unwrap().to_string();
	let her_key: [u8; 32] = hex::decode(&her_key[2..]).unwrap().try_into().unwrap();
	// Sealed as the document's own hospital (H1) would.
	let forged = medledger_envelope::seal(
		1,
		b"A forged summary",
		&[medledger_envelope::PublicKey::from(her_key)],
	)
	.unwrap();
	let envelope = serde_json::to_value(Base64(forged.envelope)).unwrap();
	let commitment = format!("0x{}", hex::encode(forged.commitment));
	proxy.lie("document_envelope", move |reply| {
		reply["envelope"] = envelope.clone();
		reply["document"]["commitment"] = json!(commitment);
	});
	let out = medledger_tests::tempdir().join("fetched");
	let lied_to = PatientCli { gateway: proxy.url(), ..world.cli.clone() };
	refused_as_a_lie(
		&lied_to.run(&["fetch", &id, "--out", out.to_str().unwrap()]),
		proxy,
		"document_envelope",
	);
	assert!(!out.exists(), "nothing written");

	world.cli.ok(&["fetch", &id, "--out", out.to_str().unwrap()]);
	assert_eq!(std::fs::read(&out).unwrap(), b"Her discharge summary");
}

/// H1's administrator registers a new patient with an encryption key of its own choosing
/// (one it could decrypt with), or with her statement made for another hospital: the chain
/// refuses both; her own statement for H1 registers her.
fn only_the_patients_own_key_statement_registers_her(world: &World) {
	let dir = medledger_tests::tempdir();
	let cli =
		PatientCli { key_file: dir.join("key.json"), account: String::new(), ..world.cli.clone() };
	let identity = cli.ok(&["keys", "init"]);
	let her = account(identity["account"].as_str().unwrap());
	let spec = medledger_tests::raw_chain_spec(&dir, "dev");
	let statement = |hospital: &str| {
		let s = cli.ok(&[
			"keys",
			"statement",
			"--hospital",
			hospital,
			"--trust",
			spec.to_str().unwrap(),
		]);
		let key: Hex32 = serde_json::from_value(s["encryptionKey"].clone()).unwrap();
		let proof: KeyProof = serde_json::from_value(s["proof"].clone()).unwrap();
		(key, proof)
	};
	let h1 = world.hospitals.h1.gateway.client(&world.hospitals.h1.admin);
	let (key, proof) = statement("1");
	let admins_key = Hex32([0x66; 32]);
	let refused = h1.run(h1.client.patient_register(her.clone(), admins_key, proof.clone()));
	assert!(format!("{refused:?}").contains("BadKeyProof"), "{refused:?}");
	let (h2_key, for_h2) = statement("2");
	let refused = h1.run(h1.client.patient_register(her.clone(), h2_key, for_h2));
	assert!(format!("{refused:?}").contains("BadKeyProof"), "{refused:?}");
	h1.run(h1.client.patient_register(her, key, proof)).expect("her own statement registers her");
}

#[test]
fn a_dishonest_hospital_or_gateway_gets_nothing_from_the_patient() {
	let dir = medledger_tests::tempdir();
	let world = World::start(&dir);
	let proxy = LyingProxy::start(&world.hospitals.h1.gateway.url());
	let mut steps = Steps::new();
	let id = steps.need("H2 asks for everything", || h2_asks_for_everything(&world));
	steps.check("a rewritten grantee key gets no key", || {
		a_rewritten_grantee_key_gets_no_key(&world, &proxy, id)
	});
	steps.check("rewritten terms grant nothing", || {
		rewritten_terms_grant_nothing(&world, &proxy, id)
	});
	steps.check("a hidden trail entry is found", || a_hidden_trail_entry_is_found(&world, &proxy));
	steps.check("a rewritten record is refused", || a_rewritten_record_is_refused(&world, &proxy));
	steps.check("a forged envelope is refused", || a_forged_envelope_is_refused(&world, &proxy));
	steps.check("only her own key statement registers her", || {
		only_the_patients_own_key_statement_registers_her(&world)
	});
	steps.finish();
}
