//! Every call, at the bounds its pallet accepts, fits in its signer's share of a block (a
//! hospital's, or the patients' and auditors'): a bound whose weight exceeded the share
//! would make its largest extrinsics impossible to include.

use frame_support::{dispatch::GetDispatchInfo, traits::Get};
use medledger_primitives::{audit::Outcome, audit::Subject, Purpose};
use medledger_runtime::{Runtime, RuntimeCall};
use pallet_audit::AccessRecord;
use pallet_documents::NewDocument;
use sp_runtime::AccountId32;

fn max<T: Get<u32>>() -> usize {
	T::get() as usize
}

fn calls_at_their_bounds() -> Vec<(&'static str, RuntimeCall)> {
	let who = AccountId32::new([1; 32]);
	let document = NewDocument {
		patient: who.clone(),
		commitment: [0; 32],
		cid: vec![0; 36],
		size: 0,
		media_type: vec![0; max::<<Runtime as pallet_documents::Config>::MaxMediaTypeLength>()],
		document_type: vec![
			0;
			max::<<Runtime as pallet_documents::Config>::MaxDocumentTypeLength>()
		],
	};
	let read = AccessRecord {
		patient: who.clone(),
		subject: Subject::Patient,
		consent: None,
		purpose: Some(Purpose::Treatment),
		outcome: Outcome::Success,
		at: 0,
	};
	let wraps = vec![(1, vec![0; 128]); max::<<Runtime as pallet_consent::Config>::MaxWraps>()];
	vec![
		(
			"documents.anchor_batch",
			RuntimeCall::Documents(pallet_documents::Call::anchor_batch {
				documents: vec![
					document.clone();
					max::<<Runtime as pallet_documents::Config>::MaxBatchSize>()
				],
			}),
		),
		(
			"documents.anchor_rooted_batch",
			RuntimeCall::Documents(pallet_documents::Call::anchor_rooted_batch {
				documents: vec![
					document;
					max::<<Runtime as pallet_documents::Config>::MaxRootedBatchSize>()
				],
			}),
		),
		(
			"audit.record_access",
			RuntimeCall::Audit(pallet_audit::Call::record_access {
				reads: vec![
					read.clone();
					max::<<Runtime as pallet_audit::Config>::MaxAccessBatch>()
				],
			}),
		),
		(
			"consent.grant",
			RuntimeCall::Consent(pallet_consent::Call::grant {
				id: 1,
				terms: [0; 32],
				wraps: wraps.clone(),
			}),
		),
		(
			"consent.add_wraps",
			RuntimeCall::Consent(pallet_consent::Call::add_wraps { id: 1, wraps }),
		),
		(
			"audit.record_refusals",
			RuntimeCall::Audit(pallet_audit::Call::record_refusals {
				refusals: vec![
					(who.clone(), read.clone());
					max::<<Runtime as pallet_audit::Config>::MaxAccessBatch>()
				],
			}),
		),
		("consent.revoke", RuntimeCall::Consent(pallet_consent::Call::revoke { id: 1 })),
		(
			"council.close (of a proposal at the council's weight bound)",
			RuntimeCall::Council(pallet_collective::Call::close {
				proposal_hash: Default::default(),
				index: 0,
				proposal_weight_bound: <Runtime as pallet_collective::Config<
					pallet_collective::Instance1,
				>>::MaxProposalWeight::get(),
				length_bound: 1024,
			}),
		),
		("consent.expire", RuntimeCall::Consent(pallet_consent::Call::expire { id: 1 })),
	]
}

#[test]
fn the_largest_calls_fit_in_a_share_of_a_block() {
	use pallet_consortium::{Pallet, Share};
	let (hospital, _) = Pallet::<Runtime>::share_limit(Share::Hospital(1));
	let (personal, _) = Pallet::<Runtime>::share_limit(Share::Personal);
	let limit = hospital.min(personal);
	for (name, call) in calls_at_their_bounds() {
		let weight = call.get_dispatch_info().total_weight();
		assert!(weight.all_lte(limit), "{name} at its bound weighs {weight:?}, over {limit:?}");
	}
}

/// The chain ends consents by itself within `MaxExpiryWeight` per block, checking room for
/// the dearest one first (after the walk's own reads and writes): a budget smaller than that
/// would end none, ever.
#[test]
fn the_expiry_budget_holds_the_dearest_consent() {
	let walk = <Runtime as frame_system::Config>::DbWeight::get().reads_writes(1, 1);
	let dearest = pallet_consent::Pallet::<Runtime>::dearest_ending().saturating_add(walk);
	let budget = <Runtime as pallet_consent::Config>::MaxExpiryWeight::get();
	assert!(dearest.all_lte(budget), "{dearest:?} does not fit in {budget:?}");
}
