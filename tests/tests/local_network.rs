//! The 4-validator `local` network on loopback, started by hand the way an operator would:
//! finality advances, survives one validator being SIGKILLed, and the restarted validator
//! catches up with the others' finalised head. The explorer's chain status, through H1's
//! gateway, shows the four hospitals authoring and voting, then H4 neither while its node
//! is down.

use medledger_gateway_api::api::explorer::ExplorerApiClient;
use medledger_tests::{
	start_local_net, tempdir, wait_for, Hospital, Node, ALICE_PEER_ID, FERDIE, LOCAL_VALIDATORS,
};
use std::time::Duration;

/// How long a liveness condition may take before the test gives up (not a timing goal:
/// finality normally moves every few seconds).
const PATIENCE: Duration = Duration::from_secs(180);

fn finality_advances_beyond(nodes: &[&Node], past: u64, what: &str) -> u64 {
	wait_for(PATIENCE, what, || {
		let heads: Vec<_> = nodes.iter().map(|n| n.finalized_number()).collect();
		heads
			.iter()
			.all(|h| h.is_some_and(|h| h > past))
			.then(|| heads.iter().flatten().min().copied().unwrap())
	})
}

#[test]
fn four_validators_finalise_lose_one_and_recover() {
	let dir = tempdir();
	let (mut nodes, bases) = start_local_net(&dir, &[]);

	let all: Vec<&Node> = nodes.iter().collect();
	let start = finality_advances_beyond(&all, 2, "all four to finalise block 3");

	// An auditor looks at the chain through H1's gateway (Alice's node).
	let hospital = Hospital::start(&dir.join("h1"), "1", "alice", nodes[0].rpc_port, &[]);
	let auditor = hospital.credential(FERDIE, "auditor");
	let h1 = hospital.gateway.client(&auditor);
	let validators = || Some(h1.run(h1.client.explorer_status()).ok()?.validators);
	// Every hospital authors in turn; a justification needs three of the four precommits.
	wait_for(PATIENCE, "the explorer to show four hospitals authoring and voting", || {
		let all = validators()?;
		let voting = all.iter().filter(|v| v.voting).count();
		(all.len() == 4 && all.iter().all(|v| v.authoring) && voting >= 3).then_some(())
	});
	// Every authority of both sets is a hospital's.
	let status = h1.run(h1.client.explorer_status()).unwrap();
	assert_eq!(status.unclaimed_authorities, [], "{status:?}");

	// One of four may fail: GRANDPA needs 3.
	nodes[3].kill();
	let survivors: Vec<&Node> = nodes[..3].iter().collect();
	let while_down = finality_advances_beyond(&survivors, start + 3, "finality without Dave");
	wait_for(PATIENCE, "the explorer to show H4 neither authoring nor voting", || {
		let all = validators()?;
		let h4 = all.iter().find(|v| v.organisation == 4)?;
		let others_author = all.iter().filter(|v| v.organisation != 4).all(|v| v.authoring);
		(!h4.authoring && !h4.voting && others_author).then_some(())
	});

	nodes[3].restart(&bases[3]);
	let dave = &nodes[3];
	dave.wait_ready(PATIENCE);
	wait_for(PATIENCE, "Dave to catch up with the others' finalised head", || {
		dave.finalized_number().filter(|n| *n >= while_down)
	});
	let all: Vec<&Node> = nodes.iter().collect();
	finality_advances_beyond(&all, while_down + 2, "all four to finalise again");
}

#[test]
fn a_node_without_an_authorised_key_gets_no_peers() {
	let dir = tempdir();
	let alice = Node::start(
		"alice",
		&dir.join("alice"),
		&["--chain", "local", "--alice", "--node-key", LOCAL_VALIDATORS[0].1],
	);
	alice.wait_ready(PATIENCE);
	let bootnode = format!("/ip4/127.0.0.1/tcp/{}/p2p/{ALICE_PEER_ID}", alice.p2p_port);
	let intruder = Node::start(
		"intruder",
		&dir.join("intruder"),
		&[
			"--chain",
			"local",
			"--node-key",
			"00000000000000000000000000000000000000000000000000000000000000ff",
			"--bootnodes",
			&bootnode,
		],
	);
	intruder.wait_ready(PATIENCE);
	// Give the intruder time to dial Alice; then neither side has it as a peer.
	std::thread::sleep(Duration::from_secs(10));
	let peers = |n: &Node| n.rpc("system_health", serde_json::json!([])).unwrap()["peers"].as_u64();
	assert_eq!(peers(&intruder), Some(0));
	assert_eq!(peers(&alice), Some(0));
}
