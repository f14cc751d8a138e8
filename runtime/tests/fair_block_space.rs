//! Block space on the real runtime, with its measured weights: a hospital that floods the
//! chain with the heaviest and longest extrinsics it may submit delays neither another
//! hospital's anchor nor a patient's own extrinsic past the next block, and calls a
//! consortium does not need are refused whoever signs them.
//!
//! The block author is played as `sc-basic-authorship` plays it: the pool in priority order
//! (oldest first among equals, so the flood, submitted first, is tried first), each
//! extrinsic applied in turn, one the runtime answers `ExhaustsResources` left in the pool
//! for a later block.

mod common;

use codec::Encode;
use common::{account, chain, signed};
use frame_support::traits::Get;
use medledger_runtime::{Executive, Runtime, RuntimeCall, UncheckedExtrinsic};
use pallet_documents::NewDocument;
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Charlie, Dave, Eve};
use sp_runtime::transaction_validity::{
	InvalidTransaction, TransactionSource, TransactionValidityError,
};

/// A document of Eve's numbered `n` (its commitment and CID follow from `n`).
fn document(n: u32) -> NewDocument<sp_runtime::AccountId32> {
	let digest = sp_io::hashing::blake2_256(&n.encode());
	NewDocument {
		patient: account(Eve),
		commitment: digest,
		cid: [&[0x01, 0x55, 0x12, 0x20][..], &digest].concat(),
		size: 1234,
		media_type: b"application/fhir+json".to_vec(),
		document_type: b"34133-9".to_vec(),
	}
}

/// A full batch (`MaxBatchSize` documents): the heaviest and longest call a hospital has.
fn full_batch(first: u32) -> RuntimeCall {
	let size: u32 = <Runtime as pallet_documents::Config>::MaxBatchSize::get();
	let documents = (first..first + size).map(document).collect();
	RuntimeCall::Documents(pallet_documents::Call::anchor_batch { documents })
}

/// An extrinsic waiting in the pool: its priority, and its name for the test's messages.
struct Waiting {
	priority: u64,
	name: &'static str,
	xt: UncheckedExtrinsic,
}

fn submit(pool: &mut Vec<Waiting>, name: &'static str, xt: UncheckedExtrinsic) {
	let valid = Executive::validate_transaction(
		TransactionSource::External,
		xt.clone(),
		Default::default(),
	)
	.unwrap_or_else(|e| panic!("{name} refused by the pool: {e:?}"));
	pool.push(Waiting { priority: valid.priority, name, xt });
}

/// Builds one block from `pool` as an author would; returns the names included.
fn author_block(pool: &mut Vec<Waiting>) -> Vec<&'static str> {
	let number = frame_system::Pallet::<Runtime>::block_number() + 1;
	frame_system::Pallet::<Runtime>::initialize(&number, &Default::default(), &Default::default());
	// Stable: equals keep their submission order.
	pool.sort_by_key(|waiting| std::cmp::Reverse(waiting.priority));
	let mut included = Vec::new();
	pool.retain(|waiting| match Executive::apply_extrinsic(waiting.xt.clone()) {
		Ok(_) => {
			included.push(waiting.name);
			false
		}
		Err(TransactionValidityError::Invalid(InvalidTransaction::ExhaustsResources)) => true,
		Err(e) => panic!("{} refused at inclusion: {e:?}", waiting.name),
	});
	included
}

/// H1 floods with full batches from its administrator (a nonce each); H2's anchor and Eve's
/// extrinsic, submitted after the flood, are both in the first block the flood is in.
#[test]
fn a_flooding_hospital_delays_no_other_hospital_nor_a_patient() {
	chain("local_testnet").execute_with(|| {
		let size: u32 = <Runtime as pallet_documents::Config>::MaxBatchSize::get();
		let mut pool = Vec::new();
		// Enough full batches to fill many blocks, were the flood not bounded.
		let flood = 12;
		for nonce in 0..flood {
			submit(&mut pool, "flood", signed(Alice, nonce, full_batch(nonce * size)));
		}
		submit(&mut pool, "H2 anchor", signed(Bob, 0, anchor(u32::MAX)));
		let remark = RuntimeCall::System(frame_system::Call::remark { remark: b"mine".to_vec() });
		submit(&mut pool, "Eve's extrinsic", signed(Eve, 0, remark));

		let first = author_block(&mut pool);
		assert!(first.contains(&"H2 anchor"), "H2's anchor waits behind the flood: {first:?}");
		assert!(first.contains(&"Eve's extrinsic"), "Eve waits behind the flood: {first:?}");
		// The flood is bounded, not refused: it goes on, a share per block.
		let flooded = first.iter().filter(|name| **name == "flood").count();
		assert!(flooded >= 1, "the flooding hospital still gets its share");
		assert!((flooded as u32) < flood, "the flood took the whole block: {first:?}");
		let second = author_block(&mut pool);
		assert!(second.contains(&"flood"));
	});
}

/// A single anchor of document `n`.
fn anchor(n: u32) -> RuntimeCall {
	RuntimeCall::Documents(pallet_documents::Call::anchor { document: document(n) })
}

/// One account's queue ranks below every other account's next extrinsic. A full pool takes
/// a newcomer only by dropping one of strictly lower priority, so a hospital that filled
/// the pools from one account cannot have another hospital's anchor dropped at the door.
#[test]
fn an_accounts_queue_ranks_below_another_accounts_next_extrinsic() {
	chain("local_testnet").execute_with(|| {
		let mut pool = Vec::new();
		for nonce in 0..64 {
			submit(&mut pool, "flood", signed(Alice, nonce, anchor(nonce)));
		}
		submit(&mut pool, "H2 anchor", signed(Bob, 0, anchor(u32::MAX)));
		let (h2, flood) = pool.split_last().expect("submitted");
		// Its next one ties with H2's (same size, same standing); every later one is lower.
		assert_eq!(flood[0].priority, h2.priority);
		assert!(flood[1..].iter().all(|waiting| waiting.priority < h2.priority));
	});
}

/// Three hospitals fill their shares — all the hospitals' part of the block — with single
/// anchors from their administrators, submitted first; the fourth hospital's anchor,
/// submitted after, is still in the first block: each flood's later extrinsics rank below
/// it.
#[test]
fn three_busy_hospitals_do_not_keep_a_fourth_out() {
	chain("local_testnet").execute_with(|| {
		// Enough anchors for each flooding hospital to fill its share twice over.
		let cost = {
			use frame_support::dispatch::GetDispatchInfo;
			let info = anchor(0).get_dispatch_info();
			let weights = <Runtime as frame_system::Config>::BlockWeights::get();
			info.total_weight().ref_time() + weights.get(info.class).base_extrinsic.ref_time()
		};
		let (share, _) =
			pallet_consortium::Pallet::<Runtime>::share_limit(pallet_consortium::Share::Hospitals);
		let per_hospital = (2 * share.ref_time() / cost / 3) as u32;
		let mut pool = Vec::new();
		for (hospital, who) in [Alice, Bob, Charlie].into_iter().enumerate() {
			for nonce in 0..per_hospital {
				let n = hospital as u32 * per_hospital + nonce;
				submit(&mut pool, "flood", signed(who, nonce, anchor(n)));
			}
		}
		submit(&mut pool, "H4 anchor", signed(Dave, 0, anchor(u32::MAX)));
		let first = author_block(&mut pool);
		assert!(first.contains(&"H4 anchor"), "H4's anchor waits behind three floods");
		assert!(pool.iter().any(|waiting| waiting.name == "flood"), "the floods outlast a block");
	});
}

/// A hospital's reports that repeat one read (a clinician going back to the same document)
/// are charged what they used — their repeats found the patient's keys in the block's
/// overlay — and the rest goes back to the hospital's share: more of them fit a block than
/// their declared weight alone would let in.
#[test]
fn reports_of_repeated_reads_give_back_what_they_did_not_use() {
	use frame_support::dispatch::GetDispatchInfo;
	use medledger_primitives::{audit::Outcome, audit::Subject, Purpose};
	chain("local_testnet").execute_with(|| {
		let mut pool = Vec::new();
		submit(&mut pool, "Eve's document", signed(Alice, 0, anchor(0)));
		assert_eq!(author_block(&mut pool), ["Eve's document"]);
		let read = pallet_audit::AccessRecord {
			patient: account(Eve),
			subject: Subject::Document(1),
			consent: None,
			purpose: Some(Purpose::Treatment),
			outcome: Outcome::Success,
			at: pallet_audit::Pallet::<Runtime>::now(),
		};
		let size: u32 = <Runtime as pallet_audit::Config>::MaxAccessBatch::get();
		let report = RuntimeCall::Audit(pallet_audit::Call::record_access {
			reads: vec![read; size as usize],
		});
		// As `CheckMembership` counts it: the call, the extensions and the extrinsic's base.
		let declared = {
			let info = signed(Alice, 1, report.clone()).get_dispatch_info();
			let weights = <Runtime as frame_system::Config>::BlockWeights::get();
			info.total_weight().ref_time() + weights.get(info.class).base_extrinsic.ref_time()
		};
		// What each uses: declared, less the refund of its repeats.
		use pallet_audit::WeightInfo;
		let all_distinct = <Runtime as pallet_audit::Config>::WeightInfo::record_access(size);
		let unspent = all_distinct - pallet_audit::Pallet::<Runtime>::report_weight(size, 1);
		let used = declared - unspent.ref_time();
		let (share, _) = pallet_consortium::Pallet::<Runtime>::share_limit(
			pallet_consortium::Share::Hospital(1),
		);
		let by_declared_weight = share.ref_time() / declared;
		// Each is admitted while the share holds what the ones before used and its own
		// declared weight.
		let fit = (share.ref_time() - declared) / used + 1;
		assert!(fit > by_declared_weight, "{fit} against {by_declared_weight}");
		let trail_before = pallet_audit::Trails::<Runtime>::get(account(Eve)).seq;
		for nonce in 1..=(fit as u32 + 3) {
			submit(&mut pool, "report", signed(Alice, nonce, report.clone()));
		}
		let included = author_block(&mut pool).len() as u64;
		assert_eq!(included, fit, "their declared weight alone lets {by_declared_weight} in");
		// Every report included was recorded whole…
		let trail = pallet_audit::Trails::<Runtime>::get(account(Eve)).seq;
		assert_eq!(trail, trail_before + included * u64::from(size));
		// …and its hospital's shares were charged what they used.
		for share in [pallet_consortium::Share::Hospital(1), pallet_consortium::Share::Hospitals] {
			let charged = pallet_consortium::BlockShares::<Runtime>::get(share).expect("charged");
			assert_eq!(charged.weight.ref_time(), included * used, "{share:?}");
		}
	});
}

/// An extrinsic no share could ever hold is refused in the pool rather than left there:
/// a hospital cannot park block-sized extrinsics in the pool.
#[test]
fn a_hospital_cannot_submit_more_than_its_share_of_a_block_at_once() {
	chain("local_testnet").execute_with(|| {
		// A remark one byte longer than a hospital's share of a block's length.
		let share = <Runtime as pallet_consortium::Config>::HospitalBlockShare::get();
		let lengths = <Runtime as frame_system::Config>::BlockLength::get();
		let normal = *lengths.max.get(frame_support::dispatch::DispatchClass::Normal);
		let remark = vec![0; (share * normal) as usize + 1];
		// Root may remark at length (it is not filtered); signed, it is too long for a share.
		let call = RuntimeCall::System(frame_system::Call::remark { remark });
		let refused = Executive::validate_transaction(
			TransactionSource::External,
			signed(Alice, 0, call),
			Default::default(),
		);
		assert_eq!(
			refused,
			Err(InvalidTransaction::Custom(pallet_consortium::refusal::LARGER_THAN_SHARE).into())
		);
	});
}

/// Long remarks and `remark_with_event` are refused at dispatch, whoever signs them; a short
/// remark (a load test's marker) is not.
#[test]
fn calls_a_consortium_does_not_need_are_filtered() {
	chain("local_testnet").execute_with(|| {
		let apply = |who: Sr25519Keyring, nonce, call| {
			Executive::apply_extrinsic(signed(who, nonce, call)).expect("included")
		};
		let filtered = Err(frame_system::Error::<Runtime>::CallFiltered.into());
		let long = vec![0; medledger_runtime::MAX_REMARK + 1];
		let remark = |remark| RuntimeCall::System(frame_system::Call::remark { remark });
		assert_eq!(apply(Alice, 0, remark(long.clone())), filtered);
		let with_event =
			RuntimeCall::System(frame_system::Call::remark_with_event { remark: vec![1] });
		assert_eq!(apply(Eve, 0, with_event), filtered);
		assert_eq!(apply(Bob, 0, remark(b"load".to_vec())), Ok(()));
	});
}
