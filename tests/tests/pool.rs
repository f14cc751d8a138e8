//! A node's transaction pool, played by a hospital that floods it to push another
//! hospital's pending anchor out: a full pool makes room for a newcomer by dropping its
//! lowest-priority extrinsic (the oldest among equals), so were all hospitals' extrinsics
//! equal, a flood sent right after another hospital's anchor would drop that anchor. The
//! flood comes from the hospital's administrator, then from a "patient" account (a hospital
//! can register one with a key it holds, and patients' own extrinsics rank first). The
//! anchor is kept, and in one of the next two blocks, because an account's later
//! extrinsics rank below every other account's next one (`pallet_consortium::priority`).
//!
//! A full pool tells a sender to try again, never that its extrinsic is refused.
//!
//! And a sender that lost track of what it sent (its wait ended, its connection dropped, it
//! restarted): what it kept is settled by asking the chain, never signed again, so it lands
//! at most once.

use codec::{Decode, Encode};
use medledger_chain_client::{Chain, ChainError, Settled, Signed};
use medledger_runtime::RuntimeCall;
use medledger_tests::{eves_document, tempdir, wait_for, Node};
use serde_json::json;
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Eve};
use std::time::Duration;

/// The node's pool: this many ready extrinsics (and a tenth as many waiting on others).
const POOL_LIMIT: u32 = 32;
/// `sc-rpc-api`'s code for an extrinsic a full pool would not take.
const IMMEDIATELY_DROPPED: u32 = 1016;

/// A single anchor of Eve's document numbered `n` (of `who`'s series).
fn anchor(who: Sr25519Keyring, n: u32) -> RuntimeCall {
	let commitment = medledger_primitives::commitment(1, &[who as u8; 32], &n.encode());
	let document = eves_document(commitment);
	RuntimeCall::Documents(pallet_documents::Call::anchor { document })
}

/// `call` signed by `who` with `nonce`, as `author_submitExtrinsic` takes it.
fn signed(node: &Node, who: Sr25519Keyring, nonce: u32, call: RuntimeCall) -> String {
	format!("0x{}", hex::encode(node.signed_with_nonce(&who.to_seed(), nonce, call)))
}

fn best(node: &Node) -> u64 {
	node.best_number().expect("a best block")
}

/// `who`'s nonce in the best block's state (`system_accountNextIndex` would count the pool).
fn chain_nonce(node: &Node, who: Sr25519Keyring) -> u32 {
	let account = format!("0x{}", hex::encode(who.to_account_id().encode()));
	let nonce = node.rpc("state_call", json!(["AccountNonceApi_account_nonce", account]));
	let bytes =
		hex::decode(nonce.expect("account nonce").as_str().unwrap().trim_start_matches("0x"));
	u32::decode(&mut &bytes.unwrap()[..]).expect("a nonce")
}

/// H2's administrator (Bob) sends `anchor`, signed with his next nonce `nonce`; `flood`
/// follows it as fast as the node takes it. The anchor is in a block within two.
fn anchor_survives(node: &Node, nonce: u32, anchor: &str, flood: &[String]) {
	// Everything is signed before a fresh block starts, so the anchor and the flood after
	// it meet in the pool before the next block is authored (a slot is 2 s).
	let start = best(node);
	wait_for(Duration::from_secs(60), "a fresh block", || (best(node) > start).then_some(()));
	let submitted_at = best(node);
	node.rpc("author_submitExtrinsic", json!([anchor])).expect("H2's anchor taken");
	let refused =
		flood.iter().filter(|xt| node.rpc("author_submitExtrinsic", json!([xt])).is_err()).count();
	assert!(refused > 0, "the flood did not fill the pool, so the test shows nothing");
	let included_at = wait_for(Duration::from_secs(60), "H2's anchor in a block", || {
		(chain_nonce(node, Bob) > nonce).then(|| best(node))
	});
	assert!(
		included_at <= submitted_at + 2,
		"H2's anchor, sent at block {submitted_at}, waited until block {included_at}"
	);
}

#[test]
fn a_hospital_that_floods_the_pool_cannot_push_anothers_anchor_out() {
	let dir = tempdir();
	let limit = POOL_LIMIT.to_string();
	let node = Node::start("dev", &dir.join("node"), &["--dev", "--pool-limit", &limit]);
	node.wait_ready(Duration::from_secs(120));
	let pools = 3 * POOL_LIMIT;

	// H1's administrator (Alice) sends three pools' worth of anchors.
	let flood: Vec<String> =
		(0..pools).map(|n| signed(&node, Alice, n, anchor(Alice, n))).collect();
	anchor_survives(&node, 0, &signed(&node, Bob, 0, anchor(Bob, 0)), &flood);

	// A patient account (Eve's; a hospital may hold the key of one it registered) sends
	// three pools' worth of remarks: patients' extrinsics rank first, but not a queue.
	let remark = |n: u32| RuntimeCall::System(frame_system::Call::remark { remark: n.encode() });
	let flood: Vec<String> = (0..pools).map(|n| signed(&node, Eve, n, remark(n))).collect();
	anchor_survives(&node, 1, &signed(&node, Bob, 1, anchor(Bob, 1)), &flood);
}

/// A full pool is no refusal of what is sent: the sender hears "unavailable, try again",
/// never "refused" — else a pool filled by a busy (or flooding) hospital would have another
/// sender's upload marked rejected for good and its audit report halved into dead letters.
#[test]
fn a_full_pool_tells_the_sender_to_try_again_not_that_it_is_refused() {
	let dir = tempdir();
	let limit = POOL_LIMIT.to_string();
	let node = Node::start("dev", &dir.join("node"), &["--dev", "--pool-limit", &limit]);
	node.wait_ready(Duration::from_secs(120));
	let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
	let chain = Chain::new(&format!("ws://127.0.0.1:{}", node.rpc_port));
	let flood: Vec<String> =
		(0..3 * POOL_LIMIT).map(|n| signed(&node, Alice, n, anchor(Alice, n))).collect();

	// Connected before the race below, which must fit in one slot (2 s): the flood fills the
	// pool, and Alice's next anchor ranks below all of her own before it.
	runtime.block_on(chain.best_head()).expect("connected");
	let start = best(&node);
	wait_for(Duration::from_secs(60), "a fresh block", || (best(&node) > start).then_some(()));
	let dropped = flood
		.iter()
		.filter_map(|xt| node.rpc("author_submitExtrinsic", json!([xt])).err())
		.filter(|refusal| refusal.contains(&format!("\"code\":{IMMEDIATELY_DROPPED}")))
		.count();
	assert!(dropped > 0, "the flood did not fill the pool, so the test shows nothing");
	let sent = runtime.block_on(chain.submit(&Alice.pair(), anchor(Alice, 3 * POOL_LIMIT)));
	match sent {
		Err(ChainError::Unavailable(reason)) if reason.contains("Immediately Dropped") => {}
		Err(other) => panic!("a full pool answered {other:?}"),
		Ok((included, _)) => panic!("taken into block {:?}: the pool was not full", included.block),
	}
}

/// What a sender kept is settled by the chain: kept but never sent (the sender stopped right
/// after keeping it), settling sends the same bytes and finds them in a final block — and
/// settling again finds the same block, nothing sent twice; its nonce taken by another
/// extrinsic of the signer (it was lost before the pool had it), it is lost, so its call may
/// be signed anew without landing twice.
#[test]
fn a_kept_extrinsic_is_settled_by_the_chain_not_signed_again() {
	let dir = tempdir();
	let node = Node::start("dev", &dir.join("node"), &["--dev"]);
	node.wait_ready(Duration::from_secs(120));
	let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
	let chain = Chain::new(&format!("ws://127.0.0.1:{}", node.rpc_port));
	let remark = |n: u32| RuntimeCall::System(frame_system::Call::remark { remark: n.encode() });
	let keep =
		|call| runtime.block_on(chain.sign(&Alice.pair(), call)).expect("signed").signed().clone();
	let settle = |kept: &Signed| {
		wait_for(Duration::from_secs(60), "the chain to settle it", || {
			match runtime.block_on(chain.settle(kept)).expect("an answer") {
				Settled::Pending => None,
				settled => Some(settled),
			}
		})
	};

	let never_sent = keep(remark(1));
	let Settled::Included(included) = settle(&never_sent) else { panic!("not sent by settling") };
	let Settled::Included(again) = settle(&never_sent) else { panic!("settled differently") };
	assert_eq!(again.block, included.block, "found again, not sent again");
	assert_eq!(chain_nonce(&node, Alice), never_sent.nonce + 1, "one extrinsic, not two");

	let lost = keep(remark(2));
	runtime.block_on(chain.submit(&Alice.pair(), remark(3))).expect("another takes its nonce");
	assert!(matches!(settle(&lost), Settled::Lost), "its nonce went to another");
}
