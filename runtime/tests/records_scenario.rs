//! The records story on the real runtime: anchor, consent, access checks, revocation,
//! expiry, break-glass, and a patient's audit trail that proves itself complete.

mod common;

use common::{account, chain, register_h2_clinician};
use medledger_primitives::{
	audit::{verify_trail, AuditAction, Outcome, Refusal, Subject, TrailError, TrailHead},
	Action, ConsentId, DocId, Purpose,
};
use medledger_runtime::{AccountId, Audit, Consent, Documents, Runtime, RuntimeOrigin};
use pallet_audit::{runtime_decl_for_audit_api::AuditApi, AccessRecord};
use pallet_consent::{
	runtime_decl_for_consent_api::ConsentApi, Access, Actions, ScopeRequest, Window,
};
use pallet_documents::NewDocument;
use sp_keyring::Sr25519Keyring::{Alice, Bob, Eve, Two};

const HOUR: u64 = 3_600_000;
/// The chain's clock at the start of the story.
const START: u64 = 1_700_000_000_000;

fn signed(who: sp_keyring::Sr25519Keyring) -> RuntimeOrigin {
	RuntimeOrigin::signed(account(who))
}

fn set_time(moment: u64) {
	pallet_timestamp::Now::<Runtime>::put(moment);
}

fn now() -> u64 {
	pallet_timestamp::Now::<Runtime>::get()
}

/// H2's clinician checks access to `document` on chain (the runtime API a gateway calls) and
/// records the read, granted or refused.
/// The hash of consent `id`'s terms, as Eve's tool signs it.
fn terms(id: u64) -> [u8; 32] {
	Consent::consent(id).expect("a consent").terms().hash()
}

fn h2_reads(document: DocId, purpose: Purpose) -> Result<Access, Refusal> {
	let clinician = account(Two);
	let answer = <Runtime as ConsentApi<_, _, _, _, _>>::can_access(
		clinician.clone(),
		document,
		Action::Read,
		Some(purpose),
	);
	let consent = match answer {
		Ok(Access::Consent(id)) => Some(id),
		_ => None,
	};
	let outcome = match answer {
		Ok(_) => Outcome::Success,
		Err(reason) => Outcome::Refused(reason),
	};
	Audit::record_access(
		RuntimeOrigin::signed(clinician),
		vec![AccessRecord {
			patient: account(Eve),
			subject: Subject::Document(document),
			consent,
			purpose: Some(purpose),
			outcome,
			at: now(),
		}],
	)
	.expect("the read is recorded");
	answer
}

/// H2's clinician asks Eve for read access to all her documents for `window`.
fn h2_requests(window: Window) -> ConsentId {
	Consent::request(
		signed(Two),
		account(Eve),
		ScopeRequest::All,
		Purpose::Treatment,
		Actions { read: true, write: false },
		window,
	)
	.expect("a valid request");
	pallet_consent::ConsentCount::<Runtime>::get()
}

fn eves_trail() -> (Vec<(u64, pallet_audit::AuditRecord<AccountId>)>, TrailHead) {
	let head = <Runtime as AuditApi<_, _>>::trail_head(account(Eve));
	// The entries are in the block's events (the story is one block), as an index reads them.
	let recorded = pallet_audit::recorded_in_block::<Runtime>();
	(recorded.into_iter().filter(|(_, r)| r.entry.patient == account(Eve)).collect(), head)
}

#[test]
fn consent_story_with_a_complete_audit_trail() {
	chain("local_testnet").execute_with(|| {
		set_time(START);
		// Bob, H2's administrator, registers a clinician.
		register_h2_clinician();

		// H1 (Alice is its administrator) anchors a document for Eve.
		Documents::anchor(
			signed(Alice),
			NewDocument {
				patient: account(Eve),
				commitment: medledger_primitives::commitment(1, &[9; 32], b"discharge summary"),
				cid: [&[0x01, 0x55, 0x12, 0x20][..], &[1; 32]].concat(),
				size: 17,
				media_type: b"text/plain".to_vec(),
				document_type: b"18842-5".to_vec(),
			},
		)
		.unwrap();
		let doc = pallet_documents::DocumentCount::<Runtime>::get();
		assert_eq!(h2_reads(doc, Purpose::Treatment), Err(Refusal::NoConsent));

		// H2 asks, Eve grants (wrapping the document's key for H2): access passes.
		let first = h2_requests(Window { from: START, to: START + 24 * HOUR });
		Consent::grant(signed(Eve), first, terms(first), vec![(doc, vec![0xAB; 104])]).unwrap();
		assert_eq!(h2_reads(doc, Purpose::Treatment), Ok(Access::Consent(first)));
		assert!(Consent::key_wrap(doc, 2).is_some());

		// Eve revokes: refused, the key wrap is gone.
		Consent::revoke(signed(Eve), first).unwrap();
		assert_eq!(h2_reads(doc, Purpose::Treatment), Err(Refusal::ConsentRevoked));
		assert!(Consent::key_wrap(doc, 2).is_none());

		// A second, one-hour grant works within its window and is refused after it.
		let second = h2_requests(Window { from: START, to: START + HOUR });
		Consent::grant(signed(Eve), second, terms(second), vec![]).unwrap();
		assert_eq!(h2_reads(doc, Purpose::Treatment), Ok(Access::Consent(second)));
		set_time(START + HOUR);
		assert_eq!(h2_reads(doc, Purpose::Treatment), Err(Refusal::ConsentExpired));
		Consent::expire(signed(Bob), second).unwrap();

		// Break-glass opens access for its window only.
		Consent::break_glass(signed(Two), account(Eve), b"unconscious in ER".to_vec()).unwrap();
		let emergency = pallet_consent::ConsentCount::<Runtime>::get();
		assert_eq!(h2_reads(doc, Purpose::Emergency), Ok(Access::Consent(emergency)));
		set_time(START + 2 * HOUR);
		assert_eq!(h2_reads(doc, Purpose::Emergency), Err(Refusal::ConsentExpired));

		// Every step is in Eve's trail, which verifies against the head on chain.
		let (trail, head) = eves_trail();
		let actions: Vec<_> = trail.iter().map(|(_, r)| r.entry.action).collect();
		use AuditAction::*;
		assert_eq!(
			actions,
			vec![
				Create, Read, // anchored; refused read (no consent)
				Create, Update, Execute, Read, // requested, granted, key wrapped, read
				Update, Read, // revoked; refused read
				Create, Update, Read, Read,
				Update, // second grant, read, expired read, expiry
				Execute, Read, Read, // break-glass, read, read after its window
			]
		);
		assert_eq!(head.seq, trail.len() as u64);
		assert_eq!(verify_trail(&account(Eve), TrailHead::default(), &trail, head), Ok(()));

		// Removing, reordering or altering any entry is detected.
		let mut removed = trail.clone();
		removed.remove(6);
		assert!(matches!(
			verify_trail(&account(Eve), TrailHead::default(), &removed, head),
			Err(TrailError::OutOfSequence { position: 6, .. })
		));
		let mut reordered = trail.clone();
		reordered.swap(3, 4);
		assert!(verify_trail(&account(Eve), TrailHead::default(), &reordered, head).is_err());
		let mut altered = trail.clone();
		altered[7].1.entry.outcome = Outcome::Success;
		assert_eq!(
			verify_trail(&account(Eve), TrailHead::default(), &altered, head),
			Err(TrailError::Altered { seq: 8 })
		);
		let mut truncated = trail;
		truncated.pop();
		assert!(matches!(
			verify_trail(&account(Eve), TrailHead::default(), &truncated, head),
			Err(TrailError::Incomplete { .. })
		));
	});
}
