//! What each recorded item leaves in the chain's state, counted over every key and value of
//! the real runtime's storage before and after (the `System` pallet's items left out: its
//! events and block hashes are replaced block by block): an audited read leaves nothing once
//! its patient has a trail; a consent and a document of a rooted batch stay within bounds.
//! `cargo test --release -p medledger-runtime --test state_per_item -- --nocapture` prints
//! the figures (`docs/BENCHMARKS.md`).

mod common;

use common::{account, chain, register_h2_clinician};
use frame_support::traits::Get;
use medledger_primitives::{audit::Outcome, audit::Subject, Purpose};
use medledger_runtime::{Audit, Consent, Documents, Runtime, RuntimeOrigin};
use pallet_audit::AccessRecord;
use pallet_consent::{Actions, ScopeRequest, Window};
use pallet_documents::NewDocument;
use sp_keyring::Sr25519Keyring::{self, Alice, Eve, Two};

const START: u64 = 1_700_000_000_000;

fn signed(who: Sr25519Keyring) -> RuntimeOrigin {
	RuntimeOrigin::signed(account(who))
}

/// Bytes of every key and value in storage, but the `System` pallet's.
fn state_bytes() -> usize {
	let system = sp_io::hashing::twox_128(b"System");
	let mut total = 0;
	let mut key = Vec::new();
	while let Some(next) = sp_io::storage::next_key(&key) {
		if !next.starts_with(&system) {
			total += next.len() + sp_io::storage::get(&next).map_or(0, |value| value.len());
		}
		key = next;
	}
	total
}

/// Eve's document `n`: a CIDv1 of 36 bytes, a LOINC type, a FHIR media type.
fn document(n: u32) -> NewDocument<medledger_runtime::AccountId> {
	let mut commitment = [7; 32];
	commitment[..4].copy_from_slice(&n.to_le_bytes());
	NewDocument {
		patient: account(Eve),
		commitment,
		cid: [&[0x01, 0x55, 0x12, 0x20][..], &commitment].concat(),
		size: 4096,
		media_type: b"application/fhir+json".to_vec(),
		document_type: b"11502-2".to_vec(),
	}
}

/// Bytes per unit that `units` of `add` leave in the state.
fn per_unit(units: usize, add: impl FnOnce()) -> f64 {
	let before = state_bytes();
	add();
	(state_bytes() - before) as f64 / units as f64
}

#[test]
fn each_item_leaves_bounded_state_and_an_audited_read_none() {
	chain("local_testnet").execute_with(|| {
		pallet_timestamp::Now::<Runtime>::put(START);
		register_h2_clinician();

		let single = per_unit(1, || {
			Documents::anchor(signed(Alice), document(0)).unwrap();
		});
		let first = pallet_documents::DocumentCount::<Runtime>::get();
		let rooted = per_unit(400, || {
			let documents = (1..=400).map(document).collect();
			Documents::anchor_rooted_batch(signed(Alice), documents).unwrap();
		});

		// Consents of H2 (all of Eve's documents, one hour), each granted with the key wrap of
		// a document of its own, of an envelope wrap's size (ephemeral key, nonce, wrapped key
		// and tag).
		let consents = 10;
		let consent = per_unit(consents as usize, || {
			for n in 1..=consents {
				let window = Window { from: START, to: START + 3_600_000 };
				let actions = Actions { read: true, write: false };
				Consent::request(
					signed(Two),
					account(Eve),
					ScopeRequest::All,
					Purpose::Treatment,
					actions,
					window,
				)
				.unwrap();
				let id = pallet_consent::ConsentCount::<Runtime>::get();
				let terms = Consent::consent(id).unwrap().terms().hash();
				let wraps = vec![(first + n, vec![0xAB; 104])];
				Consent::grant(signed(Eve), id, terms, wraps).unwrap();
			}
		});

		// H1's administrator reads Eve's document, a full report of reads, twice (the first
		// report may start her trail).
		let read = AccessRecord {
			patient: account(Eve),
			subject: Subject::Document(first),
			consent: None,
			purpose: Some(Purpose::Treatment),
			outcome: Outcome::Success,
			at: START,
		};
		let size: u32 = <Runtime as pallet_audit::Config>::MaxAccessBatch::get();
		Audit::record_access(signed(Alice), vec![read.clone(); size as usize]).unwrap();
		let audited = per_unit(size as usize, || {
			Audit::record_access(signed(Alice), vec![read; size as usize]).unwrap();
		});

		println!("state bytes per item: document anchored alone {single:.1}, document of a rooted batch of 400 {rooted:.1}, consent granted with one key wrap {consent:.1}, audited read {audited:.1}");
		assert_eq!(audited, 0.0, "an audited read leaves state");
		assert!(rooted < single / 2.0, "a rooted batch's document: {rooted} against {single}");
		assert!(consent < 1_000.0, "a consent: {consent} bytes");
	});
}
