//! A council vote changes the validators on the 4-node `local` net: the hospitals' delegates
//! suspend Dave's hospital, and GRANDPA hands over from set 0 (four authorities) to set 1
//! (Alice, Bob, Charlie). A proof bundle made afterwards is signed by set 1: the consortium's
//! original chain spec refuses it as another authority set; `medledger trust --advance`
//! follows the change — proved by set 0's justification of the block that scheduled it —
//! and the bundle verifies. A gateway that forges the change (a key of the next set
//! swapped) is refused.

use codec::Encode;
use frame_support::dispatch::GetDispatchInfo;
use medledger_chain_client::Chain;
use medledger_gateway_api::{
	api::{documents::DocumentsApiClient, proofs::ProofsApiClient},
	values::{Base64, Purpose},
};
use medledger_runtime::{RuntimeCall, RuntimeEvent};
use medledger_tests::{
	account, proxy::rewrite_bytes, proxy::LyingProxy, raw_chain_spec, start_local_net, tempdir,
	wait_for, Hospital, PatientCli, Steps, EVE,
};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};
use std::time::Duration;

/// How long the change may take: the suspension takes effect two sessions (of a minute)
/// after the vote. Not a timing goal.
const PATIENCE: Duration = Duration::from_secs(360);

/// The delegates Alice, Bob and Charlie — three of four — suspend organisation 4.
fn council_suspends_dave(node_rpc_port: u16) {
	let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
	let chain = Chain::new(&format!("ws://127.0.0.1:{node_rpc_port}"));
	let submit = |who: Sr25519Keyring, call: pallet_collective::Call<_, _>| {
		let call = RuntimeCall::Council(call);
		runtime.block_on(chain.submit(&who.pair(), call)).expect("the council call").0
	};
	let suspend = RuntimeCall::Consortium(pallet_consortium::Call::suspend_organisation { org: 4 });
	let weight = suspend.get_dispatch_info().total_weight();
	let length_bound = suspend.encoded_size() as u32;
	let proposed = submit(
		Sr25519Keyring::Alice,
		pallet_collective::Call::propose {
			threshold: 3,
			proposal: Box::new(suspend),
			length_bound,
		},
	);
	let (index, hash) = proposed
		.events
		.iter()
		.find_map(|e| match e {
			RuntimeEvent::Council(pallet_collective::Event::Proposed {
				proposal_index,
				proposal_hash,
				..
			}) => Some((*proposal_index, *proposal_hash)),
			_ => None,
		})
		.expect("the proposal");
	for who in [Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie] {
		submit(who, pallet_collective::Call::vote { proposal: hash, index, approve: true });
	}
	let closed = submit(
		Sr25519Keyring::Alice,
		pallet_collective::Call::close {
			proposal_hash: hash,
			index,
			proposal_weight_bound: weight,
			length_bound,
		},
	);
	assert!(
		closed.events.iter().any(|e| matches!(
			e,
			RuntimeEvent::Council(pallet_collective::Event::Executed { result: Ok(()), .. })
		)),
		"the suspension was executed: {:?}",
		closed.events
	);
}

#[test]
fn a_trust_file_follows_a_council_vote_that_changes_the_validators() {
	let dir = tempdir();
	let archive = ["--state-pruning", "archive-canonical", "--blocks-pruning", "archive-canonical"];
	let (nodes, _) = start_local_net(&dir, &archive);
	for node in &nodes {
		node.wait_ready(PATIENCE);
	}
	let h1 = Hospital::start(&dir.join("h1"), "1", "alice", nodes[0].rpc_port, &[]);
	let admin = h1.gateway.client(&h1.admin);
	let spec = raw_chain_spec(&dir, "local");
	// The CLI as anyone holding the consortium's chain spec and a credential at H1.
	let cli = PatientCli {
		key_file: dir.join("unused-key.json"),
		gateway: h1.gateway.url(),
		token: h1.admin.clone(),
		account: String::new(),
		trust: spec.clone(),
		ca_file: None,
	};
	let mut steps = Steps::new();

	steps.need("the council suspends Dave's hospital", || council_suspends_dave(nodes[0].rpc_port));
	let changes = steps.need("GRANDPA hands over to set 1", || {
		wait_for(PATIENCE, "a proved change of authority set", || {
			admin.run(admin.client.authority_set_changes(0)).ok().filter(|c| !c.is_empty())
		})
	});
	assert_eq!(changes.len(), 1);

	let (file, bundle) = steps.need("a document anchored after the change", || {
		let accepted = admin
			.run(admin.client.document_upload(
				account(EVE),
				Base64(b"After the vote".to_vec()),
				"text/plain".into(),
				"11502-2".into(),
				None,
			))
			.expect("upload accepted");
		let doc = h1.gateway.finalised(&h1.admin, accepted.id);
		let bundle = wait_for(PATIENCE, "a bundle", || {
			admin.run(admin.client.document_proof(doc, None, Some(Purpose::Treatment))).ok()
		});
		assert_eq!(bundle.finality.set_id, 1, "signed by the new set");
		let (file, path) = (dir.join("file"), dir.join("bundle.json"));
		std::fs::write(&file, b"After the vote").unwrap();
		std::fs::write(&path, bundle.to_json()).unwrap();
		(file, path)
	});
	let verify = |trust: &std::path::Path| {
		let args = ["verify", file.to_str().unwrap(), "--proof", bundle.to_str().unwrap()];
		cli.run(&[&args[..], &["--trust", trust.to_str().unwrap()]].concat())
	};

	steps.check("the original chain spec refuses set 1's bundle", || {
		let (code, answer) = verify(&spec);
		assert_eq!((code, answer["failure"].as_str()), (4, Some("wrongAuthoritySet")), "{answer}");
	});

	steps.check("a forged change is refused", || {
		let proxy = LyingProxy::start(&h1.gateway.url());
		let charlie = Ed25519Keyring::Charlie.public().0;
		proxy.lie("authority_setChanges", move |changes| {
			rewrite_bytes(changes, &charlie, &[0x66; 32]);
		});
		let lied_to = PatientCli { gateway: proxy.url(), ..cli.clone() };
		let out = dir.join("forged-trust.json");
		let (code, answer) = lied_to.run(&["trust", "--advance", "--out", out.to_str().unwrap()]);
		assert_eq!(code, 1, "{answer}");
		assert!(answer["error"].as_str().unwrap().contains("does not match the chain"), "{answer}");
		assert!(!out.exists());
	});

	steps.check("the advanced trust file verifies it", || {
		let advanced = dir.join("advanced-trust.json");
		let trust = cli.ok(&["trust", "--advance", "--out", advanced.to_str().unwrap()]);
		assert_eq!(trust["setId"], 1, "{trust}");
		assert_eq!(trust["authorities"].as_array().unwrap().len(), 3, "{trust}");
		let (code, answer) = verify(&advanced);
		assert_eq!(code, 0, "{answer}");
		assert_eq!(answer["verified"], true);
	});
	steps.finish();
}
