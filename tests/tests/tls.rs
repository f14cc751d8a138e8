//! The portal over TLS: a gateway given a certificate serves HTTPS only; the patient's CLI
//! talks to it when the certificate leads to a CA she trusts (`--ca-file`, beside the
//! platform's roots), and refuses it otherwise — an unknown CA, or plain HTTP to the TLS
//! port. The CA and certificate are made in the test (rcgen).

use medledger_gateway_api::{api::documents::DocumentsApiClient, values::Base64};
use medledger_tests::{account, Hospital, Node, PatientCli, Steps, TestPki};

#[test]
fn the_patient_reaches_her_gateway_over_https_only_through_a_trusted_certificate() {
	let dir = medledger_tests::tempdir();
	let pki = TestPki::new(&dir.join("pki"));
	let node = Node::start(
		"dev",
		&dir.join("node"),
		&["--dev", "--state-pruning", "archive-canonical", "--blocks-pruning", "archive-canonical"],
	);
	node.wait_ready(std::time::Duration::from_secs(120));
	let h1 = Hospital::start(&dir.join("h1"), "1", "alice", node.rpc_port, &pki.gateway_args());
	assert!(h1.gateway.url().starts_with("https://"));
	let mut steps = Steps::new();
	// Registering her goes over HTTPS too (the administrator's client trusts the test CA).
	let cli = steps.need("she is registered over HTTPS", || {
		h1.register_patient("1", &dir.join("patient/key.json"))
	});

	steps.check("her CLI with the hospital's CA fetches and checks her document", || {
		let admin = h1.gateway.client(&h1.admin);
		let accepted = admin
			.run(admin.client.document_upload(
				account(&cli.account),
				Base64(b"Her lab results".to_vec()),
				"text/plain".into(),
				"11502-2".into(),
				None,
			))
			.expect("upload accepted over HTTPS");
		let id = h1.gateway.finalised(&h1.admin, accepted.id).to_string();
		let out = dir.join("fetched");
		cli.ok(&["fetch", &id, "--out", out.to_str().unwrap()]);
		assert_eq!(std::fs::read(&out).unwrap(), b"Her lab results");
		assert_eq!(cli.ok(&["trail"])["complete"], true);
	});

	steps.check("without the CA the certificate is refused", || {
		let (code, answer) = PatientCli { ca_file: None, ..cli.clone() }.run(&["documents"]);
		assert_eq!(code, 1, "{answer}");
		assert!(answer["error"].as_str().unwrap().contains("UnknownIssuer"), "{answer}");
	});

	steps.check("another CA does not vouch for this certificate", || {
		let other = TestPki::new(&dir.join("other-pki"));
		let (code, answer) =
			PatientCli { ca_file: Some(other.ca), ..cli.clone() }.run(&["documents"]);
		assert_eq!(code, 1, "{answer}");
		assert!(answer["error"].as_str().unwrap().contains("certificate"), "{answer}");
	});

	steps.check("plain HTTP to the TLS port gets no answer", || {
		let plain = cli.gateway.replace("https://localhost", "http://127.0.0.1");
		let (code, answer) =
			PatientCli { gateway: plain, ca_file: None, ..cli.clone() }.run(&["documents"]);
		assert_eq!(code, 1, "{answer}");
		assert!(answer["error"].as_str().unwrap().contains("cannot reach the gateway"), "{answer}");
	});
	steps.finish();
}
