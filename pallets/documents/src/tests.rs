//! Unit tests of every call and every error, and of the queries.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};
use medledger_primitives::audit::{AuditAction, Subject};

/// A CIDv1 (raw, SHA2-256) whose digest is `n` repeated.
pub(crate) fn cid(n: u8) -> Vec<u8> {
	[&[0x01, 0x55, 0x12, 0x20][..], &[n; 32]].concat()
}

fn doc(patient: u64, n: u8) -> NewDocument<u64> {
	NewDocument {
		patient,
		commitment: [n; 32],
		cid: cid(n),
		size: 1234,
		media_type: b"application/pdf".to_vec(),
		document_type: b"34133-9".to_vec(),
	}
}

fn anchor(who: u64, document: NewDocument<u64>) -> DispatchResult {
	Documents::anchor(RuntimeOrigin::signed(who), document)
}

fn last_audit(patient: u64) -> AuditEntry<u64> {
	let seq = pallet_audit::Trails::<Test>::get(patient).seq;
	let recorded = pallet_audit::recorded_in_block::<Test>();
	recorded.into_iter().find(|(s, r)| *s == seq && r.entry.patient == patient).unwrap().1.entry
}

#[test]
fn a_clinician_anchors_a_document() {
	build_and_execute(|| {
		assert_ok!(anchor(H1_CLINICIAN, doc(PATIENT, 1)));
		let record = Documents::document(1).unwrap();
		assert_eq!(record.patient, PATIENT);
		assert_eq!(record.org, 1);
		assert_eq!(record.author, H1_CLINICIAN);
		assert_eq!(record.commitment, [1; 32]);
		assert_eq!(record.cid.to_vec(), cid(1));
		assert_eq!(record.size, 1234);
		assert_eq!(record.media_type.to_vec(), b"application/pdf".to_vec());
		assert_eq!(record.document_type.to_vec(), b"34133-9".to_vec());
		assert_eq!(record.created_at, NOW);
		assert_eq!(record.status, DocumentStatus::Current);
		assert_eq!(record.previous, None);
		assert_eq!(ByCommitment::<Test>::get([1; 32], 1), Some(1));
		System::assert_last_event(
			Event::Anchored { id: 1, patient: PATIENT, org: 1, author: H1_CLINICIAN }.into(),
		);
		let entry = last_audit(PATIENT);
		assert_eq!(entry.action, AuditAction::Create);
		assert_eq!(entry.subject, Subject::Document(1));
		assert_eq!((entry.actor, entry.org), (H1_CLINICIAN, Some(1)));
	});
}

#[test]
fn only_staff_of_active_hospitals_anchor() {
	build_and_execute(|| {
		for who in [STRANGER, PATIENT, AUDITOR] {
			assert_noop!(anchor(who, doc(PATIENT, 1)), Error::<Test>::NotHospitalStaff);
		}
		assert_ok!(Consortium::suspend_organisation(RuntimeOrigin::root(), 1));
		assert_noop!(anchor(H1_CLINICIAN, doc(PATIENT, 1)), Error::<Test>::NotHospitalStaff);
		assert_ok!(anchor(H2_ADMIN, doc(PATIENT, 1)));
	});
}

#[test]
fn the_patient_must_be_an_active_patient() {
	build_and_execute(|| {
		assert_noop!(anchor(H1_CLINICIAN, doc(STRANGER, 1)), Error::<Test>::UnknownPatient);
		assert_noop!(anchor(H1_CLINICIAN, doc(H2_CLINICIAN, 1)), Error::<Test>::UnknownPatient);
		assert_ok!(Consortium::remove_member(RuntimeOrigin::root(), PATIENT));
		assert_noop!(anchor(H1_CLINICIAN, doc(PATIENT, 1)), Error::<Test>::UnknownPatient);
	});
}

#[test]
fn malformed_and_oversize_fields_are_refused() {
	build_and_execute(|| {
		let cases: Vec<(NewDocument<u64>, Error<Test>)> = vec![
			(NewDocument { cid: vec![1; 65], ..doc(PATIENT, 1) }, Error::<Test>::CidTooLong),
			(
				NewDocument { cid: b"QmNotBinary".to_vec(), ..doc(PATIENT, 1) },
				Error::<Test>::InvalidCid,
			),
			(
				NewDocument { cid: vec![0x01, 0x55, 0x00, 0x02, 1, 2], ..doc(PATIENT, 1) },
				Error::<Test>::InvalidCid,
			),
			(
				NewDocument { media_type: vec![], ..doc(PATIENT, 1) },
				Error::<Test>::MissingMediaType,
			),
			(
				NewDocument { media_type: vec![b'a'; 33], ..doc(PATIENT, 1) },
				Error::<Test>::MediaTypeTooLong,
			),
			(
				NewDocument { document_type: vec![], ..doc(PATIENT, 1) },
				Error::<Test>::MissingDocumentType,
			),
			(
				NewDocument { document_type: vec![b'1'; 17], ..doc(PATIENT, 1) },
				Error::<Test>::DocumentTypeTooLong,
			),
		];
		for (document, error) in cases {
			assert_noop!(anchor(H1_CLINICIAN, document), error);
		}
	});
}

#[test]
fn a_hospital_anchors_a_commitment_once() {
	build_and_execute(|| {
		assert_ok!(anchor(H1_CLINICIAN, doc(PATIENT, 1)));
		let same = NewDocument { cid: cid(9), ..doc(PATIENT, 1) };
		assert_noop!(anchor(H1_ADMIN, same), Error::<Test>::DuplicateAnchor);
	});
}

#[test]
fn a_batch_anchors_all_its_documents() {
	build_and_execute(|| {
		let batch = vec![doc(PATIENT, 1), doc(OTHER_PATIENT, 2), doc(PATIENT, 3)];
		assert_ok!(Documents::anchor_batch(RuntimeOrigin::signed(H1_CLINICIAN), batch));
		assert_eq!(DocumentCount::<Test>::get(), 3);
		assert_eq!(Documents::document(2).unwrap().patient, OTHER_PATIENT);
		assert_eq!(pallet_audit::Trails::<Test>::get(PATIENT).seq, 2);
		assert_eq!(pallet_audit::Trails::<Test>::get(OTHER_PATIENT).seq, 1);
	});
}

#[test]
fn batches_must_hold_one_to_max_documents() {
	build_and_execute(|| {
		let batch = |docs| Documents::anchor_batch(RuntimeOrigin::signed(H1_CLINICIAN), docs);
		assert_noop!(batch(vec![]), Error::<Test>::EmptyBatch);
		assert_noop!(
			batch((1..=4).map(|n| doc(PATIENT, n)).collect()),
			Error::<Test>::BatchTooLarge
		);
		assert_noop!(
			Documents::anchor_batch(RuntimeOrigin::signed(STRANGER), vec![doc(PATIENT, 1)]),
			Error::<Test>::NotHospitalStaff
		);
	});
}

#[test]
fn one_bad_document_refuses_the_whole_batch() {
	build_and_execute(|| {
		let batch = vec![doc(PATIENT, 1), doc(PATIENT, 2), doc(PATIENT, 1)];
		assert_noop!(
			Documents::anchor_batch(RuntimeOrigin::signed(H1_CLINICIAN), batch),
			Error::<Test>::DuplicateAnchor
		);
		assert_eq!(DocumentCount::<Test>::get(), 0);
	});
}

/// A hospital that copies another's commitment from the transaction pool and anchors it
/// first neither makes the other's anchor fail nor passes for the other's upload.
#[test]
fn a_squatted_commitment_does_not_stop_the_hospital_that_made_it() {
	build_and_execute(|| {
		let mut squat = doc(PATIENT, 1);
		squat.cid = cid(9);
		assert_ok!(anchor(H2_CLINICIAN, squat));
		assert_ok!(anchor(H1_CLINICIAN, doc(PATIENT, 1)));
		assert_eq!(ByCommitment::<Test>::get([1; 32], 2), Some(1));
		assert_eq!(ByCommitment::<Test>::get([1; 32], 1), Some(2));
		let found: Vec<_> = Documents::by_commitment(&[1; 32])
			.into_iter()
			.map(|(id, d)| (id, d.org, d.cid.to_vec()))
			.collect();
		assert_eq!(found, vec![(2, 1, cid(1)), (1, 2, cid(9))]);
		// Each hospital still anchors a commitment once.
		assert_noop!(anchor(H1_ADMIN, doc(PATIENT, 1)), Error::<Test>::DuplicateAnchor);
	});
}

#[test]
fn the_issuing_hospital_amends_a_document() {
	build_and_execute(|| {
		assert_ok!(anchor(H1_CLINICIAN, doc(PATIENT, 1)));
		assert_ok!(Documents::amend(RuntimeOrigin::signed(H1_ADMIN), 1, doc(PATIENT, 2)));
		assert_eq!(Documents::document(1).unwrap().status, DocumentStatus::Superseded { by: 2 });
		let new = Documents::document(2).unwrap();
		assert_eq!((new.previous, new.status, new.org), (Some(1), DocumentStatus::Current, 1));
		System::assert_last_event(Event::Amended { previous: 1, id: 2 }.into());
		let entry = last_audit(PATIENT);
		assert_eq!((entry.action, entry.subject), (AuditAction::Update, Subject::Document(1)));
	});
}

#[test]
fn another_hospital_amends_only_with_write_consent() {
	build_and_execute(|| {
		assert_ok!(anchor(H1_CLINICIAN, doc(PATIENT, 1)));
		let amend = || Documents::amend(RuntimeOrigin::signed(H2_CLINICIAN), 1, doc(PATIENT, 2));
		assert_noop!(amend(), Error::<Test>::NoWriteAccess);
		WriteGrants::set(vec![(2, PATIENT, 7)]);
		assert_ok!(amend());
		assert_eq!(Documents::document(2).unwrap().org, 2);
		assert_eq!(last_audit(PATIENT).consent, Some(7));
	});
}

#[test]
fn amending_needs_a_current_version_of_the_same_patient() {
	build_and_execute(|| {
		assert_ok!(anchor(H1_CLINICIAN, doc(PATIENT, 1)));
		let amend = |previous, document| {
			Documents::amend(RuntimeOrigin::signed(H1_CLINICIAN), previous, document)
		};
		assert_noop!(amend(5, doc(PATIENT, 2)), Error::<Test>::UnknownDocument);
		assert_noop!(amend(1, doc(OTHER_PATIENT, 2)), Error::<Test>::NotTheSamePatient);
		assert_noop!(amend(1, doc(PATIENT, 1)), Error::<Test>::DuplicateAnchor);
		assert_ok!(amend(1, doc(PATIENT, 2)));
		assert_noop!(amend(1, doc(PATIENT, 3)), Error::<Test>::NotCurrent);
		assert_noop!(
			Documents::amend(RuntimeOrigin::signed(PATIENT), 2, doc(PATIENT, 3)),
			Error::<Test>::NotHospitalStaff
		);
	});
}

#[test]
fn the_issuing_hospital_marks_a_document_entered_in_error() {
	build_and_execute(|| {
		assert_ok!(anchor(H1_CLINICIAN, doc(PATIENT, 1)));
		let mark = |who, id| Documents::mark_entered_in_error(RuntimeOrigin::signed(who), id);
		assert_noop!(mark(H2_CLINICIAN, 1), Error::<Test>::NotIssuingOrganisation);
		assert_noop!(mark(H1_CLINICIAN, 2), Error::<Test>::UnknownDocument);
		assert_noop!(mark(STRANGER, 1), Error::<Test>::NotHospitalStaff);
		assert_ok!(mark(H1_ADMIN, 1));
		assert_eq!(Documents::document(1).unwrap().status, DocumentStatus::EnteredInError);
		System::assert_last_event(Event::MarkedEnteredInError { id: 1 }.into());
		assert_eq!(last_audit(PATIENT).action, AuditAction::Update);
		assert_noop!(mark(H1_ADMIN, 1), Error::<Test>::AlreadyEnteredInError);
		// Nothing is deleted.
		assert_eq!(Documents::by_patient(&PATIENT, None, 10).len(), 1);
	});
}

#[test]
fn marking_a_superseded_version_entered_in_error_keeps_its_successor() {
	build_and_execute(|| {
		assert_ok!(anchor(H1_CLINICIAN, doc(PATIENT, 1)));
		assert_ok!(Documents::amend(RuntimeOrigin::signed(H1_ADMIN), 1, doc(PATIENT, 2)));
		let mark = |id| Documents::mark_entered_in_error(RuntimeOrigin::signed(H1_ADMIN), id);
		assert_ok!(mark(1));
		let status = Documents::document(1).unwrap().status;
		assert_eq!(status, DocumentStatus::SupersededEnteredInError { by: 2 });
		assert_eq!((status.superseded_by(), status.is_entered_in_error()), (Some(2), true));
		assert_noop!(mark(1), Error::<Test>::AlreadyEnteredInError);
	});
}

/// A chain at storage version 0 had one document per commitment and had overwritten the link
/// of a superseded version marked entered-in-error; the migration re-keys the one and
/// restores the other.
#[test]
fn the_v1_migration_rekeys_commitments_and_restores_cut_links() {
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade};
	build_and_execute(|| {
		assert_ok!(anchor(H1_CLINICIAN, doc(PATIENT, 1)));
		assert_ok!(Documents::amend(RuntimeOrigin::signed(H1_ADMIN), 1, doc(PATIENT, 2)));
		assert_ok!(anchor(H2_CLINICIAN, doc(OTHER_PATIENT, 3)));
		assert_ok!(Documents::mark_entered_in_error(RuntimeOrigin::signed(H1_ADMIN), 1));
		let index = || ByCommitment::<Test>::iter().collect::<Vec<_>>();
		let before = index();
		// Back to version 0's layout, written where version 0 wrote it.
		use frame_support::storage::StoragePrefixedMap;
		let old_prefix = crate::migrations::v0::ByCommitment::<Test>::final_prefix();
		assert_eq!(old_prefix, ByCommitment::<Test>::final_prefix());
		let _ = ByCommitment::<Test>::clear(u32::MAX, None);
		for (commitment, _, id) in &before {
			crate::migrations::v0::ByCommitment::<Test>::insert(commitment, id);
		}
		Records::<Test>::mutate(1, |d| d.as_mut().unwrap().status = DocumentStatus::EnteredInError);
		frame_support::traits::StorageVersion::new(0).put::<Documents>();

		crate::migrations::MigrateV0ToV1::<Test>::on_runtime_upgrade();
		let mut after = index();
		after.sort();
		let mut expected = before;
		expected.sort();
		assert_eq!(after, expected);
		let restored = DocumentStatus::SupersededEnteredInError { by: 2 };
		assert_eq!(Documents::document(1).unwrap().status, restored);
		assert_eq!(Documents::on_chain_storage_version(), 1);
	});
}

#[test]
fn queries_page_through_a_patients_and_a_hospitals_documents() {
	build_and_execute(|| {
		for n in 1..=5 {
			assert_ok!(anchor(H1_CLINICIAN, doc(PATIENT, n)));
		}
		assert_ok!(anchor(H2_CLINICIAN, doc(PATIENT, 6)));
		assert_ok!(anchor(H1_CLINICIAN, doc(OTHER_PATIENT, 7)));

		let mut seen = Vec::new();
		let mut after = None;
		loop {
			let page = Documents::by_patient(&PATIENT, after, 4);
			if page.is_empty() {
				break;
			}
			after = page.last().map(|(id, _)| *id);
			seen.extend(page.into_iter().map(|(id, _)| id));
		}
		seen.sort();
		assert_eq!(seen, vec![1, 2, 3, 4, 5, 6]);
		let mut h1: Vec<_> =
			Documents::by_organisation(1, None, 100).into_iter().map(|d| d.0).collect();
		h1.sort();
		assert_eq!(h1, vec![1, 2, 3, 4, 5, 7]);
		assert_eq!(Documents::patient_of(&Subject::Document(7)), Some(OTHER_PATIENT));
		assert_eq!(Documents::patient_of(&Subject::Document(8)), None);
	});
}

#[test]
fn try_state_finds_a_broken_index_or_version_link() {
	// Breaks the state on purpose, so not `build_and_execute`: its final check would fail.
	new_test_ext().execute_with(|| {
		assert_ok!(anchor(H1_CLINICIAN, doc(PATIENT, 1)));
		assert_ok!(Documents::amend(RuntimeOrigin::signed(H1_ADMIN), 1, doc(PATIENT, 2)));
		assert_ok!(Documents::do_try_state());
		ByPatient::<Test>::remove(PATIENT, 2);
		let missing = "documents: a document is missing from the by-patient index";
		assert_eq!(Documents::do_try_state(), Err(missing.into()));
		ByPatient::<Test>::insert(PATIENT, 2, ());
		Records::<Test>::mutate(2, |document| document.as_mut().unwrap().previous = None);
		let unlinked = "documents: a superseded document's successor does not name it as previous";
		assert_eq!(Documents::do_try_state(), Err(unlinked.into()));
	});
}

fn anchor_rooted(who: u64, documents: Vec<NewDocument<u64>>) -> DispatchResult {
	Documents::anchor_rooted_batch(RuntimeOrigin::signed(who), documents)
}

/// The leaf hashes of documents anchored from id `first` by hospital `org`, in order.
fn leaves(first: DocId, org: OrgId, documents: &[NewDocument<u64>]) -> Vec<Hash> {
	(first..).zip(documents).map(|(id, d)| merkle::leaf_hash(&leaf(id, org, d))).collect()
}

#[test]
fn a_rooted_batch_keeps_one_record_whose_root_proves_each_document() {
	build_and_execute(|| {
		assert_ok!(anchor(H1_CLINICIAN, doc(PATIENT, 9)));
		let documents = vec![doc(PATIENT, 1), doc(OTHER_PATIENT, 2), doc(PATIENT, 3)];
		assert_ok!(anchor_rooted(H1_CLINICIAN, documents.clone()));
		let leaves = leaves(2, 1, &documents);
		let root = merkle::root(&leaves);
		let batch = Documents::batch(1).unwrap();
		assert_eq!(
			batch,
			Batch { root, first: 2, count: 3, org: 1, author: H1_CLINICIAN, created_at: NOW }
		);
		System::assert_last_event(
			Event::BatchAnchored { batch: 1, first: 2, count: 3, root, org: 1 }.into(),
		);
		for (index, leaf) in leaves.iter().enumerate() {
			let path = merkle::path(&leaves, index).unwrap();
			assert_eq!(merkle::verify(&root, *leaf, index as u64, 3, &path), Ok(()));
		}
		// No record, no by-patient or by-organisation key of its own: only what the
		// runtime checks.
		assert_eq!(DocumentCount::<Test>::get(), 4);
		assert!((2..=4).all(|id| Documents::document(id).is_none()));
		assert_eq!(Documents::by_patient(&PATIENT, None, 10).len(), 1);
		let facts = Documents::facts(3).unwrap();
		assert_eq!(
			(facts.patient, facts.org, facts.status),
			(OTHER_PATIENT, 1, DocumentStatus::Current)
		);
		assert_eq!(facts.document_type.to_vec(), b"34133-9".to_vec());
		assert_eq!(ByCommitment::<Test>::get([2; 32], 1), Some(3));
		assert_eq!(pallet_audit::Trails::<Test>::get(PATIENT).seq, 3);
		System::assert_has_event(
			Event::Anchored { id: 3, patient: OTHER_PATIENT, org: 1, author: H1_CLINICIAN }.into(),
		);
		let entry = last_audit(OTHER_PATIENT);
		assert_eq!((entry.action, entry.subject), (AuditAction::Create, Subject::Document(3)));
	});
}

/// What a gateway gets for a batched document — the state's entry and batch, and the leaf
/// from the call — reads back as the record it would have had alone; an entry paired with
/// another document's leaf (another patient, issuer or type) does not.
#[test]
fn a_batched_document_reads_back_as_its_record_from_its_leaf() {
	build_and_execute(|| {
		let documents = vec![doc(PATIENT, 1), doc(OTHER_PATIENT, 2)];
		assert_ok!(anchor_rooted(H1_CLINICIAN, documents.clone()));
		assert_eq!(Documents::document_id(&[2; 32], 1), Some(2));
		assert_eq!(Documents::document_id(&[2; 32], 2), None);
		let (entry, batch) = Documents::batched(2).unwrap();
		let record =
			Document::<Test>::of_batched(entry.clone(), batch.clone(), documents[1].clone())
				.unwrap();
		assert_eq!((record.patient, record.org, record.author), (OTHER_PATIENT, 1, H1_CLINICIAN));
		assert_eq!((record.commitment, record.cid.to_vec()), ([2; 32], documents[1].cid.clone()));
		assert_eq!(
			(record.created_at, record.status, record.previous),
			(NOW, DocumentStatus::Current, None)
		);
		assert_eq!(
			Document::<Test>::of_batched(entry.clone(), batch.clone(), documents[0].clone()),
			None
		);
		let mut other_type = documents[1].clone();
		other_type.document_type = b"11506-3".to_vec();
		assert_eq!(Document::<Test>::of_batched(entry, batch, other_type), None);
		assert_eq!(Documents::batched(3), None);
	});
}

#[test]
fn rooted_batches_hold_one_to_max_new_documents_all_or_none() {
	build_and_execute(|| {
		assert_noop!(anchor_rooted(H1_CLINICIAN, vec![]), Error::<Test>::EmptyBatch);
		let four = (1..=4).map(|n| doc(PATIENT, n)).collect();
		assert_noop!(anchor_rooted(H1_CLINICIAN, four), Error::<Test>::BatchTooLarge);
		assert_noop!(
			anchor_rooted(STRANGER, vec![doc(PATIENT, 1)]),
			Error::<Test>::NotHospitalStaff
		);
		let repeated = vec![doc(PATIENT, 1), doc(PATIENT, 2), doc(PATIENT, 1)];
		assert_noop!(anchor_rooted(H1_CLINICIAN, repeated), Error::<Test>::DuplicateAnchor);
		assert_ok!(anchor(H1_CLINICIAN, doc(PATIENT, 5)));
		// A commitment anchored alone is not anchored again in a batch, nor the reverse.
		assert_noop!(
			anchor_rooted(H1_CLINICIAN, vec![doc(PATIENT, 5)]),
			Error::<Test>::DuplicateAnchor
		);
		assert_ok!(anchor_rooted(H1_CLINICIAN, vec![doc(PATIENT, 6)]));
		assert_noop!(anchor(H1_CLINICIAN, doc(PATIENT, 6)), Error::<Test>::DuplicateAnchor);
		assert_eq!((BatchCount::<Test>::get(), DocumentCount::<Test>::get()), (1, 2));
	});
}

/// A batched document has the same life as one anchored alone: amended by its hospital (not
/// by another without a write consent), marked entered-in-error, the link to its successor
/// kept.
#[test]
fn a_batched_document_is_amended_and_marked_entered_in_error() {
	build_and_execute(|| {
		assert_ok!(anchor_rooted(H1_CLINICIAN, vec![doc(PATIENT, 1), doc(PATIENT, 2)]));
		let amend = |who, previous, document| {
			Documents::amend(RuntimeOrigin::signed(who), previous, document)
		};
		assert_noop!(amend(H2_CLINICIAN, 1, doc(PATIENT, 3)), Error::<Test>::NoWriteAccess);
		assert_noop!(
			amend(H1_CLINICIAN, 1, doc(OTHER_PATIENT, 3)),
			Error::<Test>::NotTheSamePatient
		);
		assert_ok!(amend(H1_ADMIN, 1, doc(PATIENT, 3)));
		assert_eq!(Documents::facts(1).unwrap().status, DocumentStatus::Superseded { by: 3 });
		assert_eq!(Documents::document(3).unwrap().previous, Some(1));
		assert_noop!(amend(H1_ADMIN, 1, doc(PATIENT, 4)), Error::<Test>::NotCurrent);
		let mark = |who, id| Documents::mark_entered_in_error(RuntimeOrigin::signed(who), id);
		assert_noop!(mark(H2_CLINICIAN, 2), Error::<Test>::NotIssuingOrganisation);
		assert_ok!(mark(H1_CLINICIAN, 1));
		assert_eq!(
			Documents::facts(1).unwrap().status,
			DocumentStatus::SupersededEnteredInError { by: 3 }
		);
		assert_ok!(mark(H1_CLINICIAN, 2));
		assert_noop!(mark(H1_CLINICIAN, 2), Error::<Test>::AlreadyEnteredInError);
		assert_eq!(last_audit(PATIENT).subject, Subject::Document(2));
	});
}

#[test]
fn try_state_finds_a_batched_document_outside_its_batch() {
	new_test_ext().execute_with(|| {
		assert_ok!(anchor_rooted(H1_CLINICIAN, vec![doc(PATIENT, 1), doc(PATIENT, 2)]));
		assert_ok!(Documents::do_try_state());
		Batches::<Test>::mutate(1, |batch| batch.as_mut().unwrap().count = 1);
		let outside =
			"documents: a batched document lies outside its batch or names another issuer";
		assert_eq!(Documents::do_try_state(), Err(outside.into()));
		Batches::<Test>::mutate(1, |batch| batch.as_mut().unwrap().count = 3);
		let overstated = "documents: a batch's count is not the number of its documents";
		assert_eq!(Documents::do_try_state(), Err(overstated.into()));
		Batches::<Test>::mutate(1, |batch| batch.as_mut().unwrap().count = 2);
		InBatch::<Test>::remove(2);
		let gap = "documents: an id up to DocumentCount has no document";
		assert_eq!(Documents::do_try_state(), Err(gap.into()));
	});
}
