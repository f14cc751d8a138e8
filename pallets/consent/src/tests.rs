//! Unit tests of every call and every error, of access checks and of the queries.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};
use pallet_documents::NewDocument;

type Pallet = ConsentPallet;

const HOUR: u64 = 3_600_000;

/// Anchors document `n` of `patient` by H1's clinician, with type code `code`.
fn anchor(patient: u64, n: u8, code: &[u8]) -> DocId {
	assert_ok!(Documents::anchor(
		RuntimeOrigin::signed(H1_CLINICIAN),
		NewDocument {
			patient,
			commitment: [n; 32],
			cid: [&[0x01, 0x55, 0x12, 0x20][..], &[n; 32]].concat(),
			size: 10,
			media_type: b"application/pdf".to_vec(),
			document_type: code.to_vec(),
		}
	));
	pallet_documents::DocumentCount::<Test>::get()
}

fn read() -> Actions {
	Actions { read: true, write: false }
}

fn next_hours(hours: u64) -> Window {
	Window { from: NOW, to: NOW + hours * HOUR }
}

/// H2's clinician asks the patient for `scope`; returns the consent id.
fn request(scope: ScopeRequest, actions: Actions, window: Window) -> ConsentId {
	assert_ok!(Pallet::request(
		RuntimeOrigin::signed(H2_CLINICIAN),
		PATIENT,
		scope,
		Purpose::Treatment,
		actions,
		window
	));
	ConsentCount::<Test>::get()
}

fn requested() -> ConsentId {
	request(ScopeRequest::All, read(), next_hours(24))
}

/// The hash of consent `id`'s terms as the chain holds them (what an honest patient's tool
/// signs); none for an unknown consent.
fn terms_of(id: ConsentId) -> [u8; 32] {
	Pallet::consent(id).map(|c| c.terms().hash()).unwrap_or_default()
}

fn granted() -> ConsentId {
	let id = requested();
	assert_ok!(Pallet::grant(RuntimeOrigin::signed(PATIENT), id, terms_of(id), vec![]));
	id
}

/// A document of the patient, and H2's grant of an hour to read all her documents, with
/// the document's key wrapped for H2.
fn granted_for_an_hour_with_a_wrap() -> (DocId, ConsentId) {
	let doc = anchor(PATIENT, 1, b"11502-2");
	let id = request(ScopeRequest::All, read(), next_hours(1));
	assert_ok!(Pallet::grant(
		RuntimeOrigin::signed(PATIENT),
		id,
		terms_of(id),
		vec![(doc, vec![7])]
	));
	(doc, id)
}

fn set_time(moment: u64) {
	pallet_timestamp::Now::<Test>::put(moment);
}

fn h2_reads(document: DocId) -> Result<Access, Refusal> {
	Pallet::can_access(&H2_CLINICIAN, document, Action::Read, Some(Purpose::Treatment))
}

fn last_audit() -> AuditEntry<u64> {
	last_audit_of(PATIENT)
}

/// The last entry of `patient`'s trail: its number is the trail's, its entry in the
/// block's events.
fn last_audit_of(patient: u64) -> AuditEntry<u64> {
	let seq = pallet_audit::Trails::<Test>::get(patient).seq;
	let recorded = pallet_audit::recorded_in_block::<Test>();
	recorded.into_iter().find(|(s, r)| *s == seq && r.entry.patient == patient).unwrap().1.entry
}

#[test]
fn staff_request_consent() {
	build_and_execute(|| {
		let doc = anchor(PATIENT, 1, b"11502-2");
		let id = request(ScopeRequest::Documents(vec![doc]), read(), next_hours(1));
		let consent = Pallet::consent(id).unwrap();
		assert_eq!((consent.patient, consent.org, consent.requester), (PATIENT, 2, H2_CLINICIAN));
		assert_eq!(consent.status, ConsentStatus::Requested);
		assert_eq!(consent.requested_at, NOW);
		assert!(matches!(consent.scope, Scope::Documents(ref ids) if ids.to_vec() == vec![doc]));
		System::assert_last_event(
			Event::Requested { id, patient: PATIENT, org: 2, requester: H2_CLINICIAN }.into(),
		);
		let entry = last_audit();
		assert_eq!((entry.action, entry.subject), (AuditAction::Create, Subject::Consent(id)));
		assert_eq!((entry.actor, entry.org), (H2_CLINICIAN, Some(2)));
	});
}

#[test]
fn requests_are_checked() {
	build_and_execute(|| {
		let other = anchor(OTHER_PATIENT, 9, b"11502-2");
		let ask = |who, patient, scope, actions, window| {
			Pallet::request(
				RuntimeOrigin::signed(who),
				patient,
				scope,
				Purpose::Research,
				actions,
				window,
			)
		};
		let all = || ScopeRequest::All;
		for who in [PATIENT, STRANGER, AUDITOR] {
			assert_noop!(
				ask(who, PATIENT, all(), read(), next_hours(1)),
				Error::<Test>::NotHospitalStaff
			);
		}
		assert_noop!(
			ask(H2_ADMIN, STRANGER, all(), read(), next_hours(1)),
			Error::<Test>::UnknownPatient
		);
		let cases = vec![
			(ScopeRequest::DocumentTypes(vec![]), Error::<Test>::EmptyScope),
			(ScopeRequest::Documents(vec![]), Error::<Test>::EmptyScope),
			(ScopeRequest::Documents(vec![1, 2, 3, 4]), Error::<Test>::ScopeTooLarge),
			(ScopeRequest::DocumentTypes(vec![b"a".to_vec(); 4]), Error::<Test>::ScopeTooLarge),
			(ScopeRequest::DocumentTypes(vec![vec![]]), Error::<Test>::InvalidDocumentType),
			(ScopeRequest::DocumentTypes(vec![vec![b'1'; 17]]), Error::<Test>::InvalidDocumentType),
			(ScopeRequest::Documents(vec![42]), Error::<Test>::UnknownDocument),
			(ScopeRequest::Documents(vec![other]), Error::<Test>::DocumentNotOfPatient),
		];
		for (scope, error) in cases {
			assert_noop!(ask(H2_ADMIN, PATIENT, scope, read(), next_hours(1)), error);
		}
		let none = Actions { read: false, write: false };
		assert_noop!(ask(H2_ADMIN, PATIENT, all(), none, next_hours(1)), Error::<Test>::NoActions);
		let backwards = Window { from: NOW + 5, to: NOW + 5 };
		assert_noop!(
			ask(H2_ADMIN, PATIENT, all(), read(), backwards),
			Error::<Test>::InvalidWindow
		);
		let past = Window { from: NOW - 10, to: NOW };
		assert_noop!(ask(H2_ADMIN, PATIENT, all(), read(), past), Error::<Test>::WindowInPast);
	});
}

#[test]
fn the_patient_grants_with_key_wraps() {
	build_and_execute(|| {
		let doc = anchor(PATIENT, 1, b"11502-2");
		let id = requested();
		assert_ok!(Pallet::grant(
			RuntimeOrigin::signed(PATIENT),
			id,
			terms_of(id),
			vec![(doc, vec![7; 8])]
		));
		let consent = Pallet::consent(id).unwrap();
		assert_eq!(
			(consent.status, consent.decided_at, consent.wraps),
			(ConsentStatus::Granted, Some(NOW), 1)
		);
		assert_eq!(Pallet::key_wrap(doc, 2).unwrap().wrapped.to_vec(), vec![7; 8]);
		assert_eq!(Grants::<Test>::get(PATIENT, 2).to_vec(), vec![id]);
		System::assert_has_event(Event::Granted { id, patient: PATIENT, org: 2 }.into());
		System::assert_last_event(Event::KeysWrapped { id, documents: 1 }.into());
		let entry = last_audit();
		assert_eq!(
			(entry.action, entry.subject, entry.actor),
			(AuditAction::Execute, Subject::Document(doc), PATIENT)
		);
		assert_eq!(h2_reads(doc), Ok(Access::Consent(id)));
	});
}

/// A gateway shows the patient one request and relays the grant for another: the grant
/// names the terms the patient saw, so the chain refuses it and nothing is granted.
#[test]
fn a_grant_for_other_terms_than_the_request_is_refused() {
	build_and_execute(|| {
		let doc = anchor(PATIENT, 1, b"34133-9");
		let id = request(ScopeRequest::All, read(), next_hours(24 * 365));
		let held = Pallet::consent(id).unwrap();
		let honest = || Terms::<Vec<u8>> {
			org: held.org,
			scope: ScopeRef::All,
			purpose: held.purpose,
			actions: held.actions,
			window: held.window,
		};
		assert_eq!(honest().hash(), terms_of(id), "the same terms, however held");
		let one_document = [doc];
		let lies = [
			Terms { org: 3, ..honest() },
			Terms { scope: ScopeRef::Documents(&one_document), ..honest() },
			Terms { purpose: Purpose::Research, ..honest() },
			Terms { actions: Actions { read: true, write: true }, ..honest() },
			Terms { window: Window { from: NOW, to: NOW + HOUR }, ..honest() },
		];
		for lie in lies {
			assert_noop!(
				Pallet::grant(RuntimeOrigin::signed(PATIENT), id, lie.hash(), vec![]),
				Error::<Test>::OtherTerms
			);
		}
		assert_eq!(h2_reads(doc), Err(Refusal::ConsentNotGranted), "still only requested");
		assert_ok!(Pallet::grant(RuntimeOrigin::signed(PATIENT), id, honest().hash(), vec![]));
		assert_eq!(h2_reads(doc), Ok(Access::Consent(id)));
	});
}

/// A type code encodes alike held as bytes on chain or as text in a gateway's answer, so a
/// patient's tool hashes the terms it was shown exactly as the chain hashes the request.
#[test]
fn terms_hash_alike_however_the_scope_is_held() {
	build_and_execute(|| {
		let id = request(
			ScopeRequest::DocumentTypes(vec![b"34133-9".to_vec(), b"11502-2".to_vec()]),
			read(),
			next_hours(1),
		);
		let held = Pallet::consent(id).unwrap();
		let types = ["34133-9".to_string(), "11502-2".to_string()];
		let as_text = Terms {
			org: held.org,
			scope: ScopeRef::DocumentTypes(&types),
			purpose: held.purpose,
			actions: held.actions,
			window: held.window,
		};
		assert_eq!(as_text.hash(), held.terms().hash());
		assert_eq!(held.scope.borrowed().encode(), held.scope.encode());
	});
}

#[test]
fn only_the_patient_decides_and_only_once() {
	build_and_execute(|| {
		let id = requested();
		for who in [H2_CLINICIAN, OTHER_PATIENT] {
			assert_noop!(
				Pallet::grant(RuntimeOrigin::signed(who), id, terms_of(id), vec![]),
				Error::<Test>::NotThePatient
			);
			assert_noop!(
				Pallet::deny(RuntimeOrigin::signed(who), id),
				Error::<Test>::NotThePatient
			);
			assert_noop!(
				Pallet::revoke(RuntimeOrigin::signed(who), id),
				Error::<Test>::NotThePatient
			);
		}
		assert_noop!(
			Pallet::grant(RuntimeOrigin::signed(PATIENT), 9, terms_of(9), vec![]),
			Error::<Test>::UnknownConsent
		);
		assert_ok!(Pallet::deny(RuntimeOrigin::signed(PATIENT), id));
		System::assert_last_event(Event::Denied { id, patient: PATIENT, org: 2 }.into());
		assert_eq!(Pallet::consent(id).unwrap().status, ConsentStatus::Denied);
		assert_noop!(
			Pallet::grant(RuntimeOrigin::signed(PATIENT), id, terms_of(id), vec![]),
			Error::<Test>::NotPending
		);
		assert_noop!(Pallet::deny(RuntimeOrigin::signed(PATIENT), id), Error::<Test>::NotPending);
		let granted = granted();
		assert_noop!(
			Pallet::grant(RuntimeOrigin::signed(PATIENT), granted, terms_of(granted), vec![]),
			Error::<Test>::NotPending
		);
	});
}

#[test]
fn a_request_whose_window_ended_cannot_be_granted() {
	build_and_execute(|| {
		let id = request(ScopeRequest::All, read(), next_hours(1));
		set_time(NOW + HOUR);
		assert_noop!(
			Pallet::grant(RuntimeOrigin::signed(PATIENT), id, terms_of(id), vec![]),
			Error::<Test>::AlreadyExpired
		);
	});
}

#[test]
fn grants_per_hospital_are_bounded_but_ended_ones_make_room() {
	build_and_execute(|| {
		let short = request(ScopeRequest::All, read(), next_hours(1));
		assert_ok!(Pallet::grant(RuntimeOrigin::signed(PATIENT), short, terms_of(short), vec![]));
		granted();
		granted();
		let fourth = requested();
		assert_noop!(
			Pallet::grant(RuntimeOrigin::signed(PATIENT), fourth, terms_of(fourth), vec![]),
			Error::<Test>::TooManyGrants
		);
		set_time(NOW + HOUR);
		assert_ok!(Pallet::grant(RuntimeOrigin::signed(PATIENT), fourth, terms_of(fourth), vec![]));
	});
}

#[test]
fn key_wraps_are_checked() {
	build_and_execute(|| {
		let lab = anchor(PATIENT, 1, b"11502-2");
		let note = anchor(PATIENT, 2, b"34133-9");
		let other = anchor(OTHER_PATIENT, 3, b"11502-2");
		let id =
			request(ScopeRequest::DocumentTypes(vec![b"11502-2".to_vec()]), read(), next_hours(1));
		let grant = |wraps| Pallet::grant(RuntimeOrigin::signed(PATIENT), id, terms_of(id), wraps);
		let cases = vec![
			(vec![(99, vec![1])], Error::<Test>::UnknownDocument),
			(vec![(other, vec![1])], Error::<Test>::DocumentNotOfPatient),
			(vec![(note, vec![1])], Error::<Test>::NotInScope),
			(vec![(lab, vec![])], Error::<Test>::EmptyWrap),
			(vec![(lab, vec![1; 9])], Error::<Test>::WrapTooLong),
			(vec![(lab, vec![1]); 5], Error::<Test>::TooManyWraps),
		];
		for (wraps, error) in cases {
			assert_noop!(grant(wraps), error);
		}
		assert_ok!(grant(vec![(lab, vec![1])]));
	});
}

#[test]
fn the_issuing_hospital_wraps_keys_of_documents_added_after_the_grant() {
	build_and_execute(|| {
		let before = anchor(PATIENT, 1, b"11502-2");
		let id = granted();
		let after = anchor(PATIENT, 2, b"11502-2");
		let wrap =
			|who, doc| Pallet::add_wraps(RuntimeOrigin::signed(who), id, vec![(doc, vec![5])]);
		assert_noop!(wrap(H1_CLINICIAN, before), Error::<Test>::PatientMustWrap);
		assert_noop!(wrap(H2_CLINICIAN, after), Error::<Test>::NotIssuingOrganisation);
		assert_noop!(wrap(STRANGER, after), Error::<Test>::NotAllowedToWrap);
		assert_noop!(wrap(AUDITOR, after), Error::<Test>::NotAllowedToWrap);
		assert_noop!(wrap(H1_CLINICIAN, 99), Error::<Test>::UnknownDocument);
		assert_noop!(
			Pallet::add_wraps(RuntimeOrigin::signed(PATIENT), 77, vec![]),
			Error::<Test>::UnknownConsent
		);
		assert_ok!(wrap(H1_CLINICIAN, after));
		assert_eq!(last_audit().org, Some(1));
		assert_ok!(wrap(PATIENT, before));
		assert_eq!(Pallet::consent(id).unwrap().wraps, 2);
		assert_eq!(Pallet::key_wrap(before, 2).unwrap().consent, id);
	});
}

/// After the patient changed their key, the issuing hospital — and only it — re-wraps its
/// documents' keys to the new one; each wrap names the key and is audited.
#[test]
fn the_issuing_hospital_rewraps_its_documents_to_the_patients_new_key() {
	build_and_execute(|| {
		let lab = anchor(PATIENT, 1, b"11502-2");
		let other = anchor(OTHER_PATIENT, 2, b"11502-2");
		let new_key = [9; 32];
		assert_ok!(Consortium::set_encryption_key(RuntimeOrigin::signed(PATIENT), new_key));
		let wrap = |who, patient, wraps| {
			Pallet::wrap_for_patient(RuntimeOrigin::signed(who), patient, new_key, wraps)
		};
		let cases = vec![
			(H2_CLINICIAN, PATIENT, vec![(lab, vec![1])], Error::<Test>::NotIssuingOrganisation),
			(PATIENT, PATIENT, vec![(lab, vec![1])], Error::<Test>::NotHospitalStaff),
			(AUDITOR, PATIENT, vec![(lab, vec![1])], Error::<Test>::NotHospitalStaff),
			(H1_CLINICIAN, STRANGER, vec![(lab, vec![1])], Error::<Test>::UnknownPatient),
			(H1_CLINICIAN, PATIENT, vec![(other, vec![1])], Error::<Test>::DocumentNotOfPatient),
			(H1_CLINICIAN, PATIENT, vec![(99, vec![1])], Error::<Test>::UnknownDocument),
			(H1_CLINICIAN, PATIENT, vec![(lab, vec![])], Error::<Test>::EmptyWrap),
			(H1_CLINICIAN, PATIENT, vec![(lab, vec![1; 9])], Error::<Test>::WrapTooLong),
			(H1_CLINICIAN, PATIENT, vec![(lab, vec![1]); 5], Error::<Test>::TooManyWraps),
		];
		for (who, patient, wraps, error) in cases {
			assert_noop!(wrap(who, patient, wraps), error);
		}
		// Wrapped to the key the patient had before (a change raced the hospital's wrap).
		assert_noop!(
			Pallet::wrap_for_patient(
				RuntimeOrigin::signed(H1_CLINICIAN),
				PATIENT,
				[2; 32],
				vec![(lab, vec![1])]
			),
			Error::<Test>::NotThePatientsKey
		);
		assert_ok!(wrap(H1_CLINICIAN, PATIENT, vec![(lab, vec![5])]));
		let stored = Pallet::patient_wrap(lab).unwrap();
		assert_eq!((stored.key, stored.wrapped.to_vec()), (new_key, vec![5]));
		let entry = last_audit();
		assert_eq!(
			(entry.action, entry.subject, entry.org, entry.actor),
			(AuditAction::Execute, Subject::Document(lab), Some(1), H1_CLINICIAN)
		);
		// A later wrap replaces the earlier one.
		assert_ok!(wrap(H1_CLINICIAN, PATIENT, vec![(lab, vec![6])]));
		assert_eq!(Pallet::patient_wrap(lab).unwrap().wrapped.to_vec(), vec![6]);
	});
}

#[test]
fn revoking_stops_access_and_removes_the_wraps() {
	build_and_execute(|| {
		let doc = anchor(PATIENT, 1, b"11502-2");
		let id = requested();
		assert_ok!(Pallet::grant(
			RuntimeOrigin::signed(PATIENT),
			id,
			terms_of(id),
			vec![(doc, vec![7])]
		));
		assert_ok!(Pallet::revoke(RuntimeOrigin::signed(PATIENT), id));
		System::assert_last_event(Event::Revoked { id, patient: PATIENT, org: 2 }.into());
		let consent = Pallet::consent(id).unwrap();
		assert_eq!(
			(consent.status, consent.ended_at, consent.wraps),
			(ConsentStatus::Revoked, Some(NOW), 0)
		);
		assert_eq!(Pallet::key_wrap(doc, 2), None);
		assert!(Grants::<Test>::get(PATIENT, 2).is_empty());
		assert_eq!(h2_reads(doc), Err(Refusal::ConsentRevoked));
		assert_eq!(
			(last_audit().action, last_audit().subject),
			(AuditAction::Update, Subject::Consent(id))
		);
		assert_noop!(Pallet::revoke(RuntimeOrigin::signed(PATIENT), id), Error::<Test>::NotGranted);
		assert_noop!(
			Pallet::add_wraps(RuntimeOrigin::signed(PATIENT), id, vec![(doc, vec![1])]),
			Error::<Test>::NotGranted
		);
		let pending = requested();
		assert_noop!(
			Pallet::revoke(RuntimeOrigin::signed(PATIENT), pending),
			Error::<Test>::NotGranted
		);
	});
}

#[test]
fn a_grant_expires_at_its_windows_end() {
	build_and_execute(|| {
		let (doc, id) = granted_for_an_hour_with_a_wrap();
		assert_noop!(
			Pallet::expire(RuntimeOrigin::signed(H2_ADMIN), id),
			Error::<Test>::NotYetExpired
		);
		set_time(NOW + HOUR - 1);
		assert_eq!(h2_reads(doc), Ok(Access::Consent(id)));
		set_time(NOW + HOUR);
		assert_eq!(h2_reads(doc), Err(Refusal::ConsentExpired));
		assert_eq!(Pallet::consent(id).unwrap().status, ConsentStatus::Expired);
		assert_eq!(Pallet::by_patient(&PATIENT, None, 10)[0].1.status, ConsentStatus::Expired);
		assert_noop!(
			Pallet::revoke(RuntimeOrigin::signed(PATIENT), id),
			Error::<Test>::AlreadyExpired
		);
		assert_noop!(
			Pallet::add_wraps(RuntimeOrigin::signed(PATIENT), id, vec![(doc, vec![1])]),
			Error::<Test>::AlreadyExpired
		);
		// The wraps stay until someone records the expiry.
		assert!(Pallet::key_wrap(doc, 2).is_some());
		assert_ok!(Pallet::expire(RuntimeOrigin::signed(H2_ADMIN), id));
		System::assert_last_event(Event::Expired { id, patient: PATIENT, org: 2 }.into());
		assert_eq!(Pallet::key_wrap(doc, 2), None);
		assert_eq!(Consents::<Test>::get(id).unwrap().status, ConsentStatus::Expired);
		assert_eq!((last_audit().actor, last_audit().org), (H2_ADMIN, Some(2)));
		assert_noop!(
			Pallet::expire(RuntimeOrigin::signed(H2_ADMIN), id),
			Error::<Test>::NotGranted
		);
		assert_noop!(
			Pallet::expire(RuntimeOrigin::signed(H2_ADMIN), 50),
			Error::<Test>::UnknownConsent
		);
	});
}

#[test]
fn break_glass_opens_read_access_for_its_window_only() {
	build_and_execute(|| {
		let doc = anchor(PATIENT, 1, b"11502-2");
		assert_eq!(h2_reads(doc), Err(Refusal::NoConsent));
		assert_ok!(Pallet::break_glass(
			RuntimeOrigin::signed(H2_CLINICIAN),
			PATIENT,
			b"unconscious".to_vec()
		));
		let id = ConsentCount::<Test>::get();
		System::assert_last_event(
			Event::BreakGlass {
				id,
				patient: PATIENT,
				org: 2,
				clinician: H2_CLINICIAN,
				until: NOW + BREAK_GLASS,
			}
			.into(),
		);
		let consent = Pallet::consent(id).unwrap();
		assert_eq!(consent.purpose, Purpose::Emergency);
		assert_eq!(consent.break_glass_reason.unwrap().to_vec(), b"unconscious".to_vec());
		let entry = last_audit();
		assert_eq!((entry.action, entry.purpose), (AuditAction::Execute, Some(Purpose::Emergency)));
		// Break-glass serves emergencies only: a treatment read declares another purpose.
		let emergency_read =
			|| Pallet::can_access(&H2_CLINICIAN, doc, Action::Read, Some(Purpose::Emergency));
		assert_eq!(emergency_read(), Ok(Access::Consent(id)));
		assert_eq!(h2_reads(doc), Err(Refusal::PurposeNotGranted));
		assert_eq!(
			Pallet::can_access(&H2_CLINICIAN, doc, Action::Write, None),
			Err(Refusal::ActionNotGranted)
		);
		// The issuing hospital releases the key of a document older than the access.
		assert_ok!(Pallet::add_wraps(RuntimeOrigin::signed(H1_ADMIN), id, vec![(doc, vec![3])]));
		set_time(NOW + BREAK_GLASS);
		assert_eq!(emergency_read(), Err(Refusal::ConsentExpired));
	});
}

/// A read is granted only under a consent for the purpose it declares.
#[test]
fn a_read_for_another_purpose_than_the_consents_is_refused() {
	build_and_execute(|| {
		let doc = anchor(PATIENT, 1, b"11502-2");
		granted();
		assert_eq!(h2_reads(doc), Ok(Access::Consent(1)));
		let research =
			Pallet::can_access(&H2_CLINICIAN, doc, Action::Read, Some(Purpose::Research));
		assert_eq!(research, Err(Refusal::PurposeNotGranted));
	});
}

/// H2's clinician reports one read of `doc` as granted under `consent`, for `purpose`, at `at`.
fn report_granted(
	doc: DocId,
	consent: Option<ConsentId>,
	purpose: Purpose,
	at: Moment,
) -> DispatchResult {
	pallet_audit::Pallet::<Test>::record_access(
		RuntimeOrigin::signed(H2_CLINICIAN),
		vec![pallet_audit::AccessRecord {
			patient: PATIENT,
			subject: Subject::Document(doc),
			consent,
			purpose: Some(purpose),
			outcome: Outcome::Success,
			at,
		}],
	)
	.map(|_| ())
	.map_err(|e| e.error)
}

/// A gateway's report of a granted read is checked against the consent as it stood when
/// the read happened: a read made up, under another hospital's consent, for another
/// purpose or action, before the grant or after the revocation, or dated back further than
/// `MaxReportDelay` — each refused, nothing recorded. A read made while the consent was in
/// force and reported after the revocation is recorded.
#[test]
fn reported_reads_are_checked_against_the_consent_when_they_happened() {
	build_and_execute(|| {
		let doc = anchor(PATIENT, 1, b"11502-2");
		let h1_consent = {
			// A consent H1 asked for: H2 cannot read under it.
			assert_ok!(Pallet::request(
				RuntimeOrigin::signed(H1_CLINICIAN),
				PATIENT,
				ScopeRequest::All,
				Purpose::Treatment,
				read(),
				next_hours(1),
			));
			ConsentCount::<Test>::get()
		};
		let write_only =
			request(ScopeRequest::All, Actions { read: false, write: true }, next_hours(1));
		assert_ok!(Pallet::grant(
			RuntimeOrigin::signed(PATIENT),
			write_only,
			terms_of(write_only),
			vec![]
		));
		set_time(NOW + 1_000);
		let id = granted();
		let granted_at = NOW + 1_000;
		set_time(NOW + 2_000);
		assert_ok!(Pallet::revoke(RuntimeOrigin::signed(PATIENT), id));
		set_time(NOW + 3_000);
		let before = pallet_audit::Trails::<Test>::get(PATIENT);
		let cases = [
			(None, Purpose::Treatment, granted_at + 500),
			(Some(h1_consent), Purpose::Treatment, granted_at + 500),
			(Some(99), Purpose::Treatment, granted_at + 500),
			(Some(id), Purpose::Research, granted_at + 500),
			(Some(write_only), Purpose::Treatment, granted_at + 500),
			(Some(id), Purpose::Treatment, granted_at - 1),
			(Some(id), Purpose::Treatment, NOW + 2_000),
		];
		for (consent, purpose, at) in cases {
			assert_noop!(
				report_granted(doc, consent, purpose, at),
				pallet_audit::Error::<Test>::ReadNotAllowed
			);
		}
		set_time(granted_at + 500 + REPORT_DELAY + 1);
		assert_noop!(
			report_granted(doc, Some(id), Purpose::Treatment, granted_at + 500),
			pallet_audit::Error::<Test>::ReportedTooLate
		);
		assert_eq!(pallet_audit::Trails::<Test>::get(PATIENT), before);
		set_time(NOW + 3_000);
		assert_ok!(report_granted(doc, Some(id), Purpose::Treatment, granted_at + 500));
		assert_eq!((last_audit().consent, last_audit().outcome), (Some(id), Outcome::Success));
	});
}

#[test]
fn break_glass_is_checked() {
	build_and_execute(|| {
		let open = |who, patient, reason: &[u8]| {
			Pallet::break_glass(RuntimeOrigin::signed(who), patient, reason.to_vec())
		};
		for who in [H2_ADMIN, PATIENT, STRANGER, AUDITOR] {
			assert_noop!(open(who, PATIENT, b"why"), Error::<Test>::NotAClinician);
		}
		assert_noop!(open(H2_CLINICIAN, STRANGER, b"why"), Error::<Test>::UnknownPatient);
		assert_noop!(open(H2_CLINICIAN, PATIENT, b""), Error::<Test>::MissingReason);
		assert_noop!(open(H2_CLINICIAN, PATIENT, &[b'x'; 17]), Error::<Test>::ReasonTooLong);
	});
}

#[test]
fn access_checks_name_the_reason() {
	build_and_execute(|| {
		let lab = anchor(PATIENT, 1, b"11502-2");
		let note = anchor(PATIENT, 2, b"34133-9");
		assert_eq!(Pallet::can_access(&PATIENT, lab, Action::Read, None), Ok(Access::Patient));
		assert_eq!(
			Pallet::can_access(&OTHER_PATIENT, lab, Action::Read, None),
			Err(Refusal::NoConsent)
		);
		assert_eq!(
			Pallet::can_access(&H1_ADMIN, lab, Action::Write, None),
			Ok(Access::IssuingOrganisation)
		);
		assert_eq!(
			Pallet::can_access(&STRANGER, lab, Action::Read, None),
			Err(Refusal::NotAMember)
		);
		assert_eq!(Pallet::can_access(&AUDITOR, lab, Action::Read, None), Err(Refusal::NoConsent));
		assert_eq!(h2_reads(99), Err(Refusal::UnknownDocument));
		assert_eq!(h2_reads(lab), Err(Refusal::NoConsent));

		let id =
			request(ScopeRequest::DocumentTypes(vec![b"11502-2".to_vec()]), read(), next_hours(2));
		assert_eq!(h2_reads(lab), Err(Refusal::ConsentNotGranted));
		assert_ok!(Pallet::grant(RuntimeOrigin::signed(PATIENT), id, terms_of(id), vec![]));
		assert_eq!(h2_reads(lab), Ok(Access::Consent(id)));
		assert_eq!(h2_reads(note), Err(Refusal::OutsideScope));
		assert_eq!(
			Pallet::can_access(&H2_CLINICIAN, lab, Action::Write, None),
			Err(Refusal::ActionNotGranted)
		);

		let later =
			request(ScopeRequest::All, read(), Window { from: NOW + HOUR, to: NOW + 2 * HOUR });
		assert_ok!(Pallet::grant(RuntimeOrigin::signed(PATIENT), later, terms_of(later), vec![]));
		assert_eq!(h2_reads(note), Err(Refusal::OutsideScope));
		assert_ok!(Pallet::revoke(RuntimeOrigin::signed(PATIENT), id));
		assert_eq!(h2_reads(note), Err(Refusal::ConsentNotYetValid));

		assert_ok!(Consortium::suspend_organisation(RuntimeOrigin::root(), 2));
		assert_eq!(h2_reads(lab), Err(Refusal::OrganisationInactive));
	});
}

/// Documents anchored in a rooted batch (no record of their own on chain) are checked as
/// those anchored alone: by patient, issuer and type code, under the same consent.
#[test]
fn a_batched_documents_access_is_checked_as_one_anchored_alone() {
	build_and_execute(|| {
		let document = |n: u8, code: &[u8]| NewDocument {
			patient: PATIENT,
			commitment: [n; 32],
			cid: [&[0x01, 0x55, 0x12, 0x20][..], &[n; 32]].concat(),
			size: 10,
			media_type: b"application/pdf".to_vec(),
			document_type: code.to_vec(),
		};
		assert_ok!(Documents::anchor_rooted_batch(
			RuntimeOrigin::signed(H1_CLINICIAN),
			vec![document(1, b"11502-2"), document(2, b"34133-9")]
		));
		let (lab, note) = (1, 2);
		assert!(Documents::document(lab).is_none());
		assert_eq!(Pallet::can_access(&PATIENT, lab, Action::Read, None), Ok(Access::Patient));
		assert_eq!(
			Pallet::can_access(&H1_ADMIN, note, Action::Write, None),
			Ok(Access::IssuingOrganisation)
		);
		assert_eq!(h2_reads(lab), Err(Refusal::NoConsent));
		let id =
			request(ScopeRequest::DocumentTypes(vec![b"11502-2".to_vec()]), read(), next_hours(2));
		assert_ok!(Pallet::grant(
			RuntimeOrigin::signed(PATIENT),
			id,
			terms_of(id),
			vec![(lab, vec![7])]
		));
		assert_eq!(h2_reads(lab), Ok(Access::Consent(id)));
		assert_eq!(h2_reads(note), Err(Refusal::OutsideScope));
		assert_eq!(Pallet::key_wrap(lab, 2).map(|w| w.wrapped.to_vec()), Some(vec![7]));
		assert_ok!(Pallet::revoke(RuntimeOrigin::signed(PATIENT), id));
		assert_eq!(h2_reads(lab), Err(Refusal::ConsentRevoked));
	});
}

#[test]
fn a_denied_request_is_the_reason_given() {
	build_and_execute(|| {
		let lab = anchor(PATIENT, 1, b"11502-2");
		let id = requested();
		assert_ok!(Pallet::deny(RuntimeOrigin::signed(PATIENT), id));
		assert_eq!(h2_reads(lab), Err(Refusal::ConsentDenied));
	});
}

#[test]
fn a_write_grant_lets_another_hospital_amend() {
	build_and_execute(|| {
		let lab = anchor(PATIENT, 1, b"11502-2");
		let amend = || {
			Documents::amend(
				RuntimeOrigin::signed(H2_CLINICIAN),
				lab,
				NewDocument {
					patient: PATIENT,
					commitment: [2; 32],
					cid: [&[0x01, 0x55, 0x12, 0x20][..], &[2; 32]].concat(),
					size: 10,
					media_type: b"application/pdf".to_vec(),
					document_type: b"11502-2".to_vec(),
				},
			)
		};
		granted();
		assert_noop!(amend(), pallet_documents::Error::<Test>::NoWriteAccess);
		let id = request(ScopeRequest::All, Actions { read: true, write: true }, next_hours(1));
		assert_ok!(Pallet::grant(RuntimeOrigin::signed(PATIENT), id, terms_of(id), vec![]));
		assert_ok!(amend());
		assert_eq!(last_audit().consent, Some(id));
	});
}

#[test]
fn queries_list_a_patients_and_a_hospitals_consents() {
	build_and_execute(|| {
		let a = requested();
		let b = granted();
		assert_ok!(Pallet::request(
			RuntimeOrigin::signed(H1_CLINICIAN),
			OTHER_PATIENT,
			ScopeRequest::All,
			Purpose::Payment,
			read(),
			next_hours(1)
		));
		let mut mine: Vec<_> =
			Pallet::by_patient(&PATIENT, None, 10).into_iter().map(|c| c.0).collect();
		mine.sort();
		assert_eq!(mine, vec![a, b]);
		let first = Pallet::by_organisation(2, None, 1);
		let rest = Pallet::by_organisation(2, Some(first[0].0), 10);
		assert_eq!(first.len() + rest.len(), 2);
		assert_eq!(Pallet::by_organisation(1, None, 10).len(), 1);
		assert_eq!(ConsentPallet::patient_of(&Subject::Consent(a)), Some(PATIENT));
	});
}

#[test]
fn try_state_finds_a_broken_index() {
	// Breaks the state on purpose, so not `build_and_execute`: its final check would fail.
	new_test_ext().execute_with(|| {
		let id = granted();
		assert_ok!(Pallet::do_try_state());
		Grants::<Test>::remove(PATIENT, 2);
		let missing = "consent: a grant within its window is missing from Grants";
		assert_eq!(Pallet::do_try_state(), Err(missing.into()));
		Grants::<Test>::mutate(PATIENT, 2, |grants| grants.try_push(id).unwrap());
		ByOrganisation::<Test>::insert(1, id, ());
		let stray = "consent: a by-organisation key names no consent of that organisation";
		assert_eq!(Pallet::do_try_state(), Err(stray.into()));
	});
}

/// The first moment at which the chain ends what fell due at `moment`: once its minute has
/// passed.
fn minute_after(moment: u64) -> u64 {
	(moment / DEADLINE_MINUTE + 1) * DEADLINE_MINUTE
}

/// A block begins at chain time `moment` (the previous block's timestamp, as hooks see it).
fn block_begins_at(moment: u64) {
	use frame_support::traits::Hooks;
	set_time(moment);
	System::set_block_number(System::block_number() + 1);
	Pallet::on_initialize(System::block_number());
}

#[test]
fn a_hospital_has_a_bounded_number_of_open_requests() {
	build_and_execute(|| {
		let first = requested();
		requested();
		let third = || {
			Pallet::request(
				RuntimeOrigin::signed(H2_ADMIN),
				PATIENT,
				ScopeRequest::All,
				Purpose::Research,
				read(),
				next_hours(24),
			)
		};
		assert_noop!(third(), Error::<Test>::TooManyPendingRequests);
		// Another hospital's requests and another patient are counted apart.
		assert_ok!(Pallet::request(
			RuntimeOrigin::signed(H1_CLINICIAN),
			PATIENT,
			ScopeRequest::All,
			Purpose::Treatment,
			read(),
			next_hours(24)
		));
		assert_eq!(Pending::<Test>::get(PATIENT, 2), 2);
		// An answer makes room.
		assert_ok!(Pallet::deny(RuntimeOrigin::signed(PATIENT), first));
		assert_ok!(third());
	});
}

#[test]
fn an_unanswered_request_lapses_by_itself() {
	build_and_execute(|| {
		let id = request(ScopeRequest::All, read(), next_hours(48));
		let lapses = NOW + REQUEST_LIFETIME;
		set_time(lapses);
		// Shown lapsed at once, and no longer grantable.
		assert_eq!(Pallet::consent(id).unwrap().status, ConsentStatus::Expired);
		assert_noop!(
			Pallet::grant(RuntimeOrigin::signed(PATIENT), id, terms_of(id), vec![]),
			Error::<Test>::RequestLapsed
		);
		// The chain records it once the minute has passed, with nobody calling.
		block_begins_at(minute_after(lapses) - 1);
		assert_eq!(Consents::<Test>::get(id).unwrap().status, ConsentStatus::Requested);
		block_begins_at(minute_after(lapses));
		let consent = Consents::<Test>::get(id).unwrap();
		assert_eq!(
			(consent.status, consent.ended_at),
			(ConsentStatus::Expired, Some(minute_after(lapses)))
		);
		assert_eq!(Pending::<Test>::get(PATIENT, 2), 0);
		System::assert_last_event(Event::Expired { id, patient: PATIENT, org: 2 }.into());
		let entry = last_audit();
		assert_eq!(
			(entry.actor, entry.org, entry.subject),
			(Pallet::account(), None, Subject::Consent(id))
		);
		assert_noop!(Pallet::deny(RuntimeOrigin::signed(PATIENT), id), Error::<Test>::NotPending);
	});
}

#[test]
fn grants_and_break_glass_end_by_themselves_and_release_their_wraps() {
	build_and_execute(|| {
		let (doc, id) = granted_for_an_hour_with_a_wrap();
		assert_ok!(Pallet::break_glass(
			RuntimeOrigin::signed(H1_CLINICIAN),
			OTHER_PATIENT,
			b"unconscious".to_vec()
		));
		let emergency = ConsentCount::<Test>::get();
		block_begins_at(NOW + HOUR);
		assert_eq!(Consents::<Test>::get(id).unwrap().status, ConsentStatus::Granted);
		assert!(Pallet::key_wrap(doc, 2).is_some());
		block_begins_at(minute_after(NOW + HOUR));
		for (consent, patient, org) in [(id, PATIENT, 2), (emergency, OTHER_PATIENT, 1)] {
			assert_eq!(Consents::<Test>::get(consent).unwrap().status, ConsentStatus::Expired);
			System::assert_has_event(Event::Expired { id: consent, patient, org }.into());
			let entry = last_audit_of(patient);
			assert_eq!(
				(entry.actor, entry.subject),
				(Pallet::account(), Subject::Consent(consent))
			);
		}
		assert_eq!(Pallet::key_wrap(doc, 2), None);
		assert!(Deadlines::<Test>::iter().next().is_none());
		assert_noop!(
			Pallet::expire(RuntimeOrigin::signed(H2_ADMIN), id),
			Error::<Test>::NotGranted
		);
	});
}

#[test]
fn a_chain_that_stalled_catches_up_an_hour_per_block() {
	build_and_execute(|| {
		let grant_until = |hours_halves: u64| {
			let window = Window { from: NOW, to: NOW + hours_halves * HOUR / 2 };
			let id = request(ScopeRequest::All, read(), window);
			assert_ok!(Pallet::grant(RuntimeOrigin::signed(PATIENT), id, terms_of(id), vec![]));
			id
		};
		let (soon, later) = (grant_until(2), grant_until(5));
		// Three hours without a block: the first block walks an hour of minutes, the next
		// block the next hour.
		block_begins_at(NOW + 3 * HOUR);
		assert_eq!(Consents::<Test>::get(soon).unwrap().status, ConsentStatus::Expired);
		assert_eq!(Consents::<Test>::get(later).unwrap().status, ConsentStatus::Granted);
		block_begins_at(NOW + 3 * HOUR);
		assert_eq!(Consents::<Test>::get(later).unwrap().status, ConsentStatus::Expired);
	});
}

#[test]
fn a_patients_revocation_bars_break_glass_until_the_hold_ends_or_is_lifted() {
	build_and_execute(|| {
		let open =
			|who| Pallet::break_glass(RuntimeOrigin::signed(who), PATIENT, b"unconscious".to_vec());
		assert_ok!(open(H2_CLINICIAN));
		let id = ConsentCount::<Test>::get();
		assert_ok!(Pallet::revoke(RuntimeOrigin::signed(PATIENT), id));
		System::assert_has_event(
			Event::BreakGlassHeld { patient: PATIENT, org: 2, until: NOW + BREAK_GLASS_HOLD }
				.into(),
		);
		// The hospital is barred; another hospital is not.
		assert_noop!(open(H2_CLINICIAN), Error::<Test>::BreakGlassHeld);
		assert_ok!(open(H1_CLINICIAN));
		// Only the patient lifts the bar, and only one that exists; audited.
		assert_noop!(
			Pallet::lift_break_glass_hold(RuntimeOrigin::signed(OTHER_PATIENT), 2),
			Error::<Test>::NoBreakGlassHold
		);
		assert_ok!(Pallet::lift_break_glass_hold(RuntimeOrigin::signed(PATIENT), 2));
		System::assert_last_event(Event::BreakGlassHoldLifted { patient: PATIENT, org: 2 }.into());
		assert_eq!((last_audit().actor, last_audit().subject), (PATIENT, Subject::Patient));
		assert_noop!(
			Pallet::lift_break_glass_hold(RuntimeOrigin::signed(PATIENT), 2),
			Error::<Test>::NoBreakGlassHold
		);
		assert_ok!(open(H2_CLINICIAN));
		// Revoked again, the bar ends by itself after the hold.
		assert_ok!(Pallet::revoke(RuntimeOrigin::signed(PATIENT), ConsentCount::<Test>::get()));
		set_time(NOW + BREAK_GLASS_HOLD - 1);
		assert_noop!(open(H2_CLINICIAN), Error::<Test>::BreakGlassHeld);
		set_time(NOW + BREAK_GLASS_HOLD);
		assert_ok!(open(H2_CLINICIAN));
		assert!(!BreakGlassHolds::<Test>::contains_key(PATIENT, 2));
	});
}

#[test]
fn a_clinician_breaks_the_glass_a_bounded_number_of_times_per_period() {
	build_and_execute(|| {
		let open = |patient| {
			Pallet::break_glass(RuntimeOrigin::signed(H2_CLINICIAN), patient, b"why".to_vec())
		};
		assert_ok!(open(PATIENT));
		assert_ok!(open(OTHER_PATIENT));
		assert_noop!(open(PATIENT), Error::<Test>::BreakGlassRateExceeded);
		set_time(NOW + BREAK_GLASS_PERIOD - 1);
		assert_noop!(open(OTHER_PATIENT), Error::<Test>::BreakGlassRateExceeded);
		set_time(NOW + BREAK_GLASS_PERIOD);
		assert_ok!(open(PATIENT));
	});
}

/// A hospital holds one emergency access to a patient at a time — whichever of its
/// clinicians asks — so the patient's one revocation ends it.
#[test]
fn a_hospital_has_one_break_glass_open_per_patient() {
	build_and_execute(|| {
		let open =
			|who| Pallet::break_glass(RuntimeOrigin::signed(who), PATIENT, b"unconscious".to_vec());
		assert_ok!(open(H2_CLINICIAN));
		let first = ConsentCount::<Test>::get();
		assert_noop!(open(H2_CLINICIAN), Error::<Test>::BreakGlassAlreadyOpen);
		// Another hospital's is its own.
		assert_ok!(open(H1_CLINICIAN));
		// Once it ended, another may open (no revocation, so no bar).
		set_time(NOW + BREAK_GLASS);
		assert_ok!(open(H2_CLINICIAN));
		assert_ne!(ConsentCount::<Test>::get(), first);
	});
}

/// With room for one consent's ending per block, two due in the same minute end in two
/// blocks: the second waits, it is not skipped.
#[test]
fn what_does_not_fit_in_a_block_ends_in_the_next() {
	build_and_execute(|| {
		let first = request(ScopeRequest::All, read(), next_hours(1));
		assert_ok!(Pallet::grant(RuntimeOrigin::signed(PATIENT), first, terms_of(first), vec![]));
		let second = request(ScopeRequest::All, read(), next_hours(1));
		assert_ok!(Pallet::grant(RuntimeOrigin::signed(PATIENT), second, terms_of(second), vec![]));
		let db = <Test as frame_system::Config>::DbWeight::get();
		// The bookkeeping of the walk (cursor, minute reads) and one dearest ending.
		MaxExpiryWeight::set(db.reads_writes(2, 1).saturating_add(Pallet::dearest_ending()));
		block_begins_at(minute_after(NOW + HOUR));
		let ended = |id| Consents::<Test>::get(id).unwrap().status == ConsentStatus::Expired;
		assert_eq!([ended(first), ended(second)].iter().filter(|e| **e).count(), 1);
		block_begins_at(minute_after(NOW + HOUR));
		assert!(ended(first) && ended(second));
	});
}

#[test]
fn a_lapsed_request_is_no_longer_answered() {
	build_and_execute(|| {
		let id = request(ScopeRequest::All, read(), next_hours(48));
		set_time(NOW + REQUEST_LIFETIME);
		assert_noop!(
			Pallet::deny(RuntimeOrigin::signed(PATIENT), id),
			Error::<Test>::RequestLapsed
		);
	});
}

/// The state as a chain at storage version 0 held it: none of the items version 1 added.
fn back_to_storage_version_0() {
	let _ = ByPatientOrganisation::<Test>::clear(u32::MAX, None);
	let _ = Pending::<Test>::clear(u32::MAX, None);
	let _ = Deadlines::<Test>::clear(u32::MAX, None);
	NextDeadline::<Test>::kill();
	frame_support::traits::StorageVersion::new(0).put::<Pallet>();
}

/// A chain upgraded with consents already due ends them in the migration, as the chain
/// would have, rather than queueing them months back.
#[test]
fn the_v1_migration_ends_what_is_already_due() {
	use frame_support::traits::OnRuntimeUpgrade;
	build_and_execute(|| {
		let (doc, id) = granted_for_an_hour_with_a_wrap();
		back_to_storage_version_0();
		set_time(NOW + 30 * 24 * HOUR);
		crate::migrations::MigrateV0ToV1::<Test>::on_runtime_upgrade();
		assert_eq!(Consents::<Test>::get(id).unwrap().status, ConsentStatus::Expired);
		assert_eq!(Pallet::key_wrap(doc, 2), None);
		assert_eq!(NextDeadline::<Test>::get(), None);
	});
}

#[test]
fn the_v1_migration_fills_what_the_calls_fill() {
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade};
	build_and_execute(|| {
		requested();
		let denied = requested();
		assert_ok!(Pallet::deny(RuntimeOrigin::signed(PATIENT), denied));
		granted();
		assert_ok!(Pallet::break_glass(
			RuntimeOrigin::signed(H1_CLINICIAN),
			OTHER_PATIENT,
			b"why".to_vec()
		));
		let index = || ByPatientOrganisation::<Test>::iter_keys().collect::<Vec<_>>();
		let pending = || Pending::<Test>::iter().collect::<Vec<_>>();
		let deadlines = || Deadlines::<Test>::iter_keys().collect::<Vec<_>>();
		let before = (index(), pending(), deadlines(), NextDeadline::<Test>::get());
		back_to_storage_version_0();

		crate::migrations::MigrateV0ToV1::<Test>::on_runtime_upgrade();
		assert_eq!((index(), pending(), deadlines(), NextDeadline::<Test>::get()), before);
		assert_eq!(Pallet::on_chain_storage_version(), 1);
		// A second run does nothing.
		Pending::<Test>::insert(PATIENT, 2, 1);
		crate::migrations::MigrateV0ToV1::<Test>::on_runtime_upgrade();
		assert_eq!(Pending::<Test>::get(PATIENT, 2), 1);
	});
}
