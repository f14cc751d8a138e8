//! A node's transaction pool, played by a hospital that floods it to push another
//! hospital's pending anchor out: a full pool makes room for a newcomer by dropping its
//! lowest-priority extrinsic (the oldest among equals), so were all hospitals' extrinsics
//! equal, a flood sent right after another hospital's anchor would drop that anchor. It is
//! kept, and in one of the next two blocks, because an account's later extrinsics rank
//! below every other account's next one (`pallet_consortium::priority`).

use codec::{Decode, Encode};
use medledger_chain_client::{sign_extrinsic, Versions};
use medledger_runtime::{RuntimeCall, VERSION};
use medledger_tests::{tempdir, wait_for, Node};
use pallet_documents::NewDocument;
use serde_json::json;
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Eve};
use std::time::Duration;

/// The node's pool: this many ready extrinsics (and a tenth as many waiting on others).
const POOL_LIMIT: u32 = 32;

/// A single anchor of Eve's document numbered `n`, signed by `who` with `nonce`.
fn anchor(node: &Node, who: Sr25519Keyring, nonce: u32, n: u32) -> String {
	let commitment = medledger_primitives::commitment(1, &[who as u8; 32], &n.encode());
	let document = NewDocument {
		patient: Eve.to_account_id(),
		commitment,
		cid: [&[0x01, 0x55, 0x12, 0x20][..], &commitment].concat(),
		size: 4096,
		media_type: b"application/fhir+json".to_vec(),
		document_type: b"11502-2".to_vec(),
	};
	let call = RuntimeCall::Documents(pallet_documents::Call::anchor { document });
	let genesis = node.rpc("chain_getBlockHash", json!([0])).expect("genesis hash");
	let versions = Versions {
		spec_version: VERSION.spec_version,
		tx_version: VERSION.transaction_version,
		genesis: genesis.as_str().expect("a hash").parse().expect("a 32-byte hash"),
	};
	format!("0x{}", hex::encode(sign_extrinsic(&who.pair(), call, nonce, versions)))
}

fn best_number(node: &Node) -> u64 {
	let header = node.rpc("chain_getHeader", json!([])).expect("best header");
	u64::from_str_radix(header["number"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

/// `who`'s nonce in the best block's state (`system_accountNextIndex` would count the pool).
fn chain_nonce(node: &Node, who: Sr25519Keyring) -> u32 {
	let account = format!("0x{}", hex::encode(who.to_account_id().encode()));
	let nonce = node.rpc("state_call", json!(["AccountNonceApi_account_nonce", account]));
	let bytes =
		hex::decode(nonce.expect("account nonce").as_str().unwrap().trim_start_matches("0x"));
	u32::decode(&mut &bytes.unwrap()[..]).expect("a nonce")
}

#[test]
fn a_hospital_that_floods_the_pool_cannot_push_anothers_anchor_out() {
	let dir = tempdir();
	let limit = POOL_LIMIT.to_string();
	let node = Node::start("dev", &dir.join("node"), &["--dev", "--pool-limit", &limit]);
	node.wait_ready(Duration::from_secs(120));
	// Everything is signed before a fresh block starts, so the anchor and the flood after
	// it meet in the pool before the next block is authored (a slot is 2 s).
	let bobs = anchor(&node, Bob, 0, 0);
	let flood: Vec<String> = (0..3 * POOL_LIMIT).map(|n| anchor(&node, Alice, n, n)).collect();
	let start = best_number(&node);
	wait_for(Duration::from_secs(60), "a fresh block", || {
		(best_number(&node) > start).then_some(())
	});

	// H2's administrator (Bob) sends an anchor; H1's administrator (Alice) follows it with
	// three pools' worth, as fast as the node takes them.
	let submitted_at = best_number(&node);
	node.rpc("author_submitExtrinsic", json!([bobs])).expect("H2's anchor taken");
	let refused =
		flood.iter().filter(|xt| node.rpc("author_submitExtrinsic", json!([xt])).is_err()).count();
	assert!(refused > 0, "the flood did not fill the pool, so the test shows nothing");

	let included_at = wait_for(Duration::from_secs(60), "H2's anchor in a block", || {
		(chain_nonce(&node, Bob) == 1).then(|| best_number(&node))
	});
	assert!(
		included_at <= submitted_at + 2,
		"H2's anchor, sent at block {submitted_at}, waited until block {included_at}"
	);
}
