//! Unit tests of every call and error, of the trail as blocks carry it, and of the migrations.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};
use medledger_primitives::audit::verify_trail;

fn read(patient: u64, subject: Subject) -> AccessRecord<u64> {
	AccessRecord {
		patient,
		subject,
		consent: Some(1),
		purpose: Some(Purpose::Treatment),
		outcome: Outcome::Success,
		at: NOW - 10,
	}
}

fn report(who: u64, reads: Vec<AccessRecord<u64>>) -> DispatchResult {
	Audit::record_access(RuntimeOrigin::signed(who), reads).map(|_| ()).map_err(|e| e.error)
}

/// `patient`'s entries recorded in this block, from its events (each test is one block).
fn whole_trail(patient: u64) -> Vec<(u64, AuditRecord<u64>)> {
	recorded_in_block::<Test>().into_iter().filter(|(_, r)| r.entry.patient == patient).collect()
}

/// Keys and value bytes under the audit pallet's prefix.
fn audit_state() -> (usize, usize) {
	let prefix = sp_io::hashing::twox_128(b"Audit");
	let mut key = prefix.to_vec();
	let (mut keys, mut bytes) = (0, 0);
	while let Some(next) = sp_io::storage::next_key(&key).filter(|k| k.starts_with(&prefix)) {
		bytes += sp_io::storage::get(&next).map_or(0, |v| v.len());
		keys += 1;
		key = next;
	}
	(keys, bytes)
}

/// A report is charged as all distinct reads before dispatch; afterwards it pays for the
/// distinct ones and the repeats (whose keys were read once) — by the largest count of
/// distinct patients, subjects and consents, so no key read from the database goes unpaid.
#[test]
fn a_report_pays_for_its_distinct_reads_and_is_refunded_its_repeats() {
	use frame_support::dispatch::GetDispatchInfo;
	build_and_execute(|| {
		let reads = vec![read(PATIENT, Subject::Document(1)); 4];
		let call = Call::<Test>::record_access { reads: reads.clone() };
		assert_eq!(call.get_dispatch_info().call_weight, ReportWeights::record_access(4));
		let post = Audit::record_access(RuntimeOrigin::signed(H1_CLINICIAN), reads).unwrap();
		// One distinct read, and three repeats at one each.
		assert_eq!(post.actual_weight, Some(Weight::from_parts(1_000 + 3, 0)));
	});
	let other_consent = AccessRecord { consent: Some(2), ..read(PATIENT, Subject::Document(1)) };
	let documents = |patient| (1..=3).map(move |d| read(patient, Subject::Document(d)));
	let whole_records = |patient| read(patient, Subject::Patient);
	for (reads, distinct) in [
		(vec![read(PATIENT, Subject::Document(1)); 4], 1),
		// Other documents of the same patient: their records are read.
		(documents(PATIENT).collect(), 3),
		// The same document under another consent: that consent is read.
		(vec![read(PATIENT, Subject::Document(1)), other_consent], 2),
		// Another patient: their trail head is read and written.
		(vec![whole_records(PATIENT), whole_records(OTHER_PATIENT)], 2),
		// Two patients and four subjects: four.
		(
			[whole_records(PATIENT), whole_records(OTHER_PATIENT)]
				.into_iter()
				.chain(documents(PATIENT))
				.collect(),
			4,
		),
	] {
		assert_eq!(distinct_reads(&reads), distinct, "{reads:?}");
	}
}

#[test]
fn a_clinician_reports_reads_into_the_patients_trail() {
	build_and_execute(|| {
		let refused = AccessRecord {
			outcome: Outcome::Refused(Refusal::ConsentRevoked),
			..read(PATIENT, Subject::Document(1))
		};
		assert_ok!(report(H1_CLINICIAN, vec![read(PATIENT, Subject::Document(1)), refused]));

		let trail = whole_trail(PATIENT);
		assert_eq!(trail.len(), 2);
		let (seq, first) = &trail[0];
		assert_eq!(*seq, 1);
		assert_eq!(first.entry.actor, H1_CLINICIAN);
		assert_eq!(first.entry.org, Some(1));
		assert_eq!(first.entry.action, AuditAction::Read);
		// The chain's time, and the time the gateway says the read happened.
		assert_eq!((first.entry.at, first.entry.occurred_at), (NOW, Some(NOW - 10)));
		assert_eq!(trail[1].1.entry.outcome, Outcome::Refused(Refusal::ConsentRevoked));
		assert_eq!(Trails::<Test>::get(PATIENT).seq, 2);
		System::assert_last_event(Event::Recorded { seq: 2, record: trail[1].1.clone() }.into());
	});
}

#[test]
fn the_trail_verifies_against_its_head() {
	build_and_execute(|| {
		assert_ok!(report(H1_CLINICIAN, vec![read(PATIENT, Subject::Document(1)); 3]));
		assert_ok!(report(H2_ADMIN, vec![read(PATIENT, Subject::Document(1))]));
		assert_ok!(report(PATIENT, vec![read(PATIENT, Subject::Document(1))]));
		let head = Trails::<Test>::get(PATIENT);
		assert_eq!(head.seq, 5);
		let trail = whole_trail(PATIENT);
		assert_eq!(verify_trail(&PATIENT, TrailHead::default(), &trail, head), Ok(()));
		// A later page verifies from the head recorded with the entry before it.
		let start = TrailHead { seq: 2, head: trail[1].1.head };
		assert_eq!(verify_trail(&PATIENT, start, &trail[2..], head), Ok(()));
	});
}

#[test]
fn record_appends_entries_of_other_pallets() {
	build_and_execute(|| {
		let entry = AuditEntry {
			patient: PATIENT,
			actor: PATIENT,
			org: None,
			action: AuditAction::Update,
			subject: Subject::Consent(1),
			consent: Some(1),
			purpose: None,
			outcome: Outcome::Success,
			at: NOW,
			occurred_at: None,
		};
		assert_eq!(Audit::record(entry.clone()), 1);
		assert_eq!(Audit::record(entry.clone()), 2);
		assert_eq!(whole_trail(PATIENT)[1].1.entry, entry);
		assert_eq!(Trails::<Test>::get(OTHER_PATIENT), TrailHead::default());
	});
}

/// History lives in blocks: once a patient has a trail, further reads of their records
/// leave the pallet's state exactly as large as it was — one head per patient.
#[test]
fn audited_reads_add_no_state_once_the_patient_has_a_trail() {
	build_and_execute(|| {
		assert_ok!(report(H1_CLINICIAN, vec![read(PATIENT, Subject::Document(1))]));
		let before = audit_state();
		for _ in 0..100 {
			assert_ok!(report(H1_CLINICIAN, vec![read(PATIENT, Subject::Document(1))]));
		}
		assert_ok!(report(H2_ADMIN, vec![read(PATIENT, Subject::Document(1))]));
		assert_eq!(Trails::<Test>::get(PATIENT).seq, 102);
		assert_eq!(audit_state(), before);
		assert_eq!(whole_trail(PATIENT).len(), 102);
	});
}

#[test]
fn only_patients_and_staff_report_reads() {
	build_and_execute(|| {
		for who in [STRANGER, AUDITOR] {
			assert_noop!(
				report(who, vec![read(PATIENT, Subject::Document(1))]),
				Error::<Test>::NotAllowedToReport
			);
		}
	});
}

#[test]
fn a_patient_reports_only_their_own_records() {
	build_and_execute(|| {
		assert_noop!(
			report(PATIENT, vec![read(OTHER_PATIENT, Subject::Document(2))]),
			Error::<Test>::NotOwnRecord
		);
	});
}

#[test]
fn empty_and_oversize_reports_are_refused() {
	build_and_execute(|| {
		assert_noop!(report(H1_CLINICIAN, vec![]), Error::<Test>::EmptyReport);
		assert_noop!(
			report(H1_CLINICIAN, vec![read(PATIENT, Subject::Document(1)); 5]),
			Error::<Test>::ReportTooLarge
		);
	});
}

/// A gateway cannot make up a granted read (the chain asks `ReadCheck`), nor report one
/// dated back past `MaxReportDelay`; a refused read is recorded as reported.
#[test]
fn granted_reads_are_checked_and_reports_come_in_time() {
	build_and_execute(|| {
		let granted = read(PATIENT, Subject::Document(1));
		let under_another_hospitals_consent =
			AccessRecord { consent: Some(OTHER_HOSPITALS_CONSENT), ..granted };
		assert_noop!(
			report(H1_CLINICIAN, vec![granted.clone(), under_another_hospitals_consent.clone()]),
			Error::<Test>::ReadNotAllowed
		);
		assert_noop!(
			report(PATIENT, vec![read(PATIENT, Subject::Patient)]),
			Error::<Test>::ReadNotAllowed
		);
		let late = AccessRecord { at: NOW - REPORT_DELAY - 1, ..granted };
		assert_noop!(report(H1_CLINICIAN, vec![late]), Error::<Test>::ReportedTooLate);

		let refused = AccessRecord {
			outcome: Outcome::Refused(Refusal::NoConsent),
			..under_another_hospitals_consent
		};
		let just_in_time = AccessRecord { at: NOW - REPORT_DELAY, ..granted };
		assert_ok!(report(H1_CLINICIAN, vec![refused, just_in_time]));
		assert_eq!(Trails::<Test>::get(PATIENT).seq, 2);
	});
}

#[test]
fn reads_must_name_a_patient_and_their_own_subject() {
	build_and_execute(|| {
		assert_noop!(
			report(H1_CLINICIAN, vec![read(H1_ADMIN, Subject::Patient)]),
			Error::<Test>::UnknownPatient
		);
		assert_noop!(
			report(H1_CLINICIAN, vec![read(PATIENT, Subject::Document(2))]),
			Error::<Test>::SubjectNotOfPatient
		);
		assert_noop!(
			report(H1_CLINICIAN, vec![read(PATIENT, Subject::Document(77))]),
			Error::<Test>::SubjectNotOfPatient
		);
	});
}

#[test]
fn one_bad_read_refuses_the_whole_report() {
	build_and_execute(|| {
		let future = AccessRecord { at: NOW + 1, ..read(PATIENT, Subject::Document(1)) };
		assert_noop!(
			report(H1_CLINICIAN, vec![read(PATIENT, Subject::Document(1)), future]),
			Error::<Test>::DatedInTheFuture
		);
		assert!(whole_trail(PATIENT).is_empty());
	});
}

#[test]
fn try_state_finds_an_empty_trail() {
	// Breaks the state on purpose, so not `build_and_execute`: its final check would fail.
	new_test_ext().execute_with(|| {
		assert_ok!(report(H1_CLINICIAN, vec![read(PATIENT, Subject::Document(1)); 2]));
		assert_ok!(Audit::do_try_state());
		Trails::<Test>::insert(OTHER_PATIENT, TrailHead { seq: 0, head: [7; 32] });
		assert_eq!(Audit::do_try_state(), Err("audit: an empty trail is stored".into()));
	});
}

/// A removed clinician signs nothing; their hospital's administrator reports their refused
/// attempt, naming them as actor.
#[test]
fn a_hospital_reports_refused_attempts_of_its_removed_staff() {
	build_and_execute(|| {
		let refused = AccessRecord {
			consent: None,
			outcome: Outcome::Refused(Refusal::NotAMember),
			..read(PATIENT, Subject::Document(1))
		};
		let by_hospital = |admin, reader, read: &AccessRecord<u64>| {
			Audit::record_refusals(RuntimeOrigin::signed(admin), vec![(reader, read.clone())])
		};
		// While the clinician stands, they report their own reads: not the hospital.
		assert_noop!(
			by_hospital(H1_ADMIN, H1_CLINICIAN, &refused),
			Error::<Test>::ReaderStillStands
		);
		assert_ok!(Consortium::remove_member(RuntimeOrigin::signed(H1_ADMIN), H1_CLINICIAN));
		assert_noop!(
			report(H1_CLINICIAN, vec![refused.clone()]),
			Error::<Test>::NotAllowedToReport
		);
		// Another hospital, a non-administrator, a granted read, a reader who is no staff.
		assert_noop!(by_hospital(H2_ADMIN, H1_CLINICIAN, &refused), Error::<Test>::NotOwnStaff);
		assert_noop!(
			by_hospital(H1_CLINICIAN, H1_CLINICIAN, &refused),
			Error::<Test>::NotAnAdministrator
		);
		assert_noop!(
			by_hospital(H1_ADMIN, H1_CLINICIAN, &read(PATIENT, Subject::Document(1))),
			Error::<Test>::NotARefusal
		);
		assert_noop!(by_hospital(H1_ADMIN, PATIENT, &refused), Error::<Test>::NotOwnStaff);
		assert_noop!(
			Audit::record_refusals(RuntimeOrigin::signed(H1_ADMIN), vec![]),
			Error::<Test>::EmptyReport
		);
		// The read itself is checked as any other: in time, of the patient's own subject.
		let late = AccessRecord { at: NOW - REPORT_DELAY - 1, ..refused };
		assert_noop!(by_hospital(H1_ADMIN, H1_CLINICIAN, &late), Error::<Test>::ReportedTooLate);

		assert_ok!(by_hospital(H1_ADMIN, H1_CLINICIAN, &refused));
		let (_, entry) = whole_trail(PATIENT).pop().unwrap();
		assert_eq!((entry.entry.actor, entry.entry.org), (H1_CLINICIAN, Some(1)));
		assert_eq!(entry.entry.outcome, Outcome::Refused(Refusal::NotAMember));
	});
}

/// Entries stored by version 0 (without `occurred_at`) are rewritten by the migration and
/// keep their heads: the trail still verifies against the heads proven before.
#[test]
fn the_v1_migration_keeps_every_entry_and_head() {
	use crate::migrations::v2::old::Entries;
	use codec::Encode;
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	build_and_execute(|| {
		assert_ok!(report(H1_CLINICIAN, vec![read(PATIENT, Subject::Document(1))]));
		Audit::record(AuditEntry {
			patient: PATIENT,
			actor: H1_ADMIN,
			org: Some(1),
			action: AuditAction::Create,
			subject: Subject::Document(1),
			consent: None,
			purpose: None,
			outcome: Outcome::Success,
			at: NOW,
			occurred_at: None,
		});
		// Version 0 wrote an entry without `occurred_at`, and a read's time in `at`: rewrite
		// both entries that way (the first with its reported time folded into `at`), with
		// heads as version 0 computed them.
		let mut head = TrailHead::default();
		for (seq, mut record) in whole_trail(PATIENT) {
			record.entry.at = record.entry.occurred_at.take().unwrap_or(record.entry.at);
			head = head.append(&record.entry);
			let entry = record.entry.encode();
			let old = [&entry[..entry.len() - 1], &head.head[..]].concat();
			frame_support::storage::unhashed::put_raw(
				&Entries::<Test>::hashed_key_for(PATIENT, seq),
				&old,
			);
		}
		Trails::<Test>::insert(PATIENT, head);
		StorageVersion::new(0).put::<Audit>();
		assert!(Entries::<Test>::get(PATIENT, 1).is_none(), "the old layout no longer decodes");

		crate::migrations::MigrateV0ToV1::<Test>::on_runtime_upgrade();
		assert_eq!(Audit::on_chain_storage_version(), 1);
		let trail: Vec<_> =
			(1..=2).map(|seq| (seq, Entries::<Test>::get(PATIENT, seq).unwrap())).collect();
		assert_eq!(trail.len(), 2);
		assert_eq!((trail[0].1.entry.at, trail[0].1.entry.occurred_at), (NOW - 10, None));
		assert_eq!(trail[1].1.head, head.head);
		assert_eq!(verify_trail(&PATIENT, TrailHead::default(), &trail, head), Ok(()));
	});
}

/// A chain in the version-1 layout — entries of two patients, by two hospitals, with both
/// indexes — upgrades to version 2: the upgrade block's events hold every entry, trail by
/// trail in order, each trail verifies against its unchanged head, and nothing of the old
/// layout is left. Under `--features try-runtime` the migration's own pre/post checks run too.
#[test]
fn the_v2_migration_moves_every_entry_into_the_upgrade_blocks_events() {
	use crate::migrations::{v2::old, MigrateV1ToV2};
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	build_and_execute(|| {
		assert_ok!(report(H1_CLINICIAN, vec![read(PATIENT, Subject::Document(1)); 3]));
		assert_ok!(report(H1_ADMIN, vec![read(OTHER_PATIENT, Subject::Document(2))]));
		assert_ok!(report(H2_ADMIN, vec![read(PATIENT, Subject::Document(1))]));
		// Version 1 kept each entry in state, filed under its actor and its hospital.
		let recorded = recorded_in_block::<Test>();
		for (seq, record) in &recorded {
			let key = (record.entry.patient, *seq);
			old::Entries::<Test>::insert(key.0, seq, record);
			old::ByActor::<Test>::insert(record.entry.actor, key, ());
			old::ByOrganisation::<Test>::insert(record.entry.org.unwrap(), key, ());
		}
		let heads = [PATIENT, OTHER_PATIENT].map(Trails::<Test>::get);
		StorageVersion::new(1).put::<Audit>();
		System::reset_events();

		#[cfg(feature = "try-runtime")]
		MigrateV1ToV2::<Test>::try_on_runtime_upgrade(true).expect("pre and post checks hold");
		#[cfg(not(feature = "try-runtime"))]
		MigrateV1ToV2::<Test>::on_runtime_upgrade();

		assert_eq!(Audit::on_chain_storage_version(), 2);
		assert_eq!(recorded_in_block::<Test>().len(), recorded.len());
		for (patient, head) in [PATIENT, OTHER_PATIENT].into_iter().zip(heads) {
			let trail = whole_trail(patient);
			assert_eq!(
				trail.iter().map(|(seq, _)| *seq).collect::<Vec<_>>(),
				(1..=head.seq).collect::<Vec<_>>()
			);
			assert_eq!(verify_trail(&patient, TrailHead::default(), &trail, head), Ok(()));
			assert_eq!(Trails::<Test>::get(patient), head);
		}
		assert_eq!(old::Entries::<Test>::iter_keys().count(), 0);
		assert_eq!(old::ByActor::<Test>::iter_keys().count(), 0);
		assert_eq!(old::ByOrganisation::<Test>::iter_keys().count(), 0);
		// Run again, it does nothing: the version says it ran.
		System::reset_events();
		MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert!(recorded_in_block::<Test>().is_empty());
	});
}
