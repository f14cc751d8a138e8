//! The patient against a dishonest hospital: her CLI through a gateway that lies (a proxy in
//! front of an honest gateway rewrites its answers) — each lie is refused, nothing is
//! granted or released for it, and a control run through the honest gateway succeeds; and
//! an administrator who registers her with a key she did not sign for.

use medledger_chain_client::DomainEvent;
use medledger_gateway_api::{
	api::consent::{ConsentApiClient, ConsentStatus, ScopeRequest},
	values::{Base64, Purpose},
};
use medledger_gateway_api::{
	api::{documents::DocumentsApiClient, members::MembersApiClient},
	values::{Hex32, KeyProof},
};
use medledger_tests::{account, now_ms, proxy::LyingProxy, PatientCli, Steps, TwoHospitals};
use serde_json::json;

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

/// H2 asks for everything, for research, for a year; a gateway shows the patient a modest
/// request instead — H3, treatment, one document, one day — and relays her grant. The grant
/// names the terms she was shown, so the chain refuses it: nothing granted, no key released.
/// Through the honest gateway she grants what she is shown.
fn rewritten_terms_grant_nothing(world: &World, proxy: &LyingProxy) {
	let World { hospitals, cli, document } = world;
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
	let id = written
		.events
		.iter()
		.find_map(|e| match e {
			DomainEvent::ConsentRequested { consent, .. } => Some(*consent),
			_ => None,
		})
		.expect("the request's id");
	let doc = *document;
	proxy.lie("consent_get", move |consent| {
		consent["organisation"] = json!(3);
		consent["purpose"] = json!("Treatment");
		consent["scope"] = json!({ "documents": [doc] });
		consent["window"]["to"] = json!(consent["window"]["from"].as_u64().unwrap() + DAY);
	});
	let lied_to = PatientCli { gateway: proxy.url(), ..cli.clone() };
	let (code, answer) = lied_to.run(&["grant", &id.to_string()]);
	assert_ne!(code, 0, "{answer}");
	let error = answer["error"].as_str().unwrap_or_default();
	assert!(error.contains("does not match the chain"), "{answer}");
	assert_eq!(proxy.told(), ["consent_get"], "the lie was told");
	proxy.stop_lying();

	let her = hospitals.h1.gateway.client(&cli.token);
	let held = her.run(her.client.consent_get(id)).expect("the request");
	assert_eq!((held.status, held.wraps), (ConsentStatus::Requested, 0), "nothing granted");
	let refused = h2.run(h2.client.document_get(doc, Purpose::Research)).unwrap_err();
	// AccessRefused: the consent is only requested.
	assert_eq!(refused.0, -32020, "H2 cannot read: {refused:?}");

	let granted = cli.ok(&["grant", &id.to_string()]);
	assert_eq!(granted["granted"]["purpose"], "Research", "{granted}");
	assert_eq!(granted["granted"]["scope"], json!({ "all": true }));
	let held = her.run(her.client.consent_get(id)).expect("the consent");
	assert_eq!(held.status, ConsentStatus::Granted);
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
	let spec = medledger_tests::dev_chain_spec(&dir);
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
	steps.check("rewritten terms grant nothing", || rewritten_terms_grant_nothing(&world, &proxy));
	steps.check("only her own key statement registers her", || {
		only_the_patients_own_key_statement_registers_her(&world)
	});
	steps.finish();
}
