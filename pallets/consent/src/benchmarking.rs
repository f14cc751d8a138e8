//! Benchmarks of every call, for `benchmark pallet`. Each takes its dearest path: scopes
//! and lists at their bounds, a hospital's grants full, wraps of the longest length.

use super::*;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;
use pallet_consortium::benchmark_setup;

/// A patient with `documents` documents issued by one hospital, and a clinician of another
/// hospital (the grantee).
struct Setup<T: Config> {
	patient: T::AccountId,
	issuer_org: OrgId,
	issuer: T::AccountId,
	documents: Vec<DocId>,
	grantee_org: OrgId,
	grantee: T::AccountId,
}

fn setup<T: Config>(documents: u32) -> Setup<T> {
	let (issuer_org, _, issuer) = benchmark_setup::hospital::<T>(0);
	let (grantee_org, _, grantee) = benchmark_setup::hospital::<T>(1);
	let patient = benchmark_setup::patient::<T>(0);
	let documents = (0..documents)
		.map(|n| {
			pallet_documents::Pallet::<T>::anchor_for_benchmark(&issuer, issuer_org, &patient, n)
		})
		.collect();
	Setup { patient, issuer_org, issuer, documents, grantee_org, grantee }
}

fn all_documents() -> ScopeRequest {
	ScopeRequest::All
}

fn window() -> Window {
	Window { from: 0, to: Moment::MAX }
}

fn read() -> Actions {
	Actions { read: true, write: false }
}

/// The grantee asks for all documents; returns the consent id.
fn request_all<T: Config>(s: &Setup<T>) -> ConsentId {
	Pallet::<T>::request(
		RawOrigin::Signed(s.grantee.clone()).into(),
		s.patient.clone(),
		all_documents(),
		Purpose::Treatment,
		read(),
		window(),
	)
	.expect("a valid request");
	ConsentCount::<T>::get()
}

/// Fills the patient's grants for the grantee hospital to one below the bound.
fn fill_grants<T: Config>(s: &Setup<T>) {
	for _ in 1..T::MaxGrantsPerOrganisation::get() {
		let id = request_all(s);
		Pallet::<T>::grant(
			RawOrigin::Signed(s.patient.clone()).into(),
			id,
			terms::<T>(id),
			Vec::new(),
		)
		.expect("room for a grant");
	}
}

fn wraps<T: Config>(documents: &[DocId]) -> Vec<(DocId, Vec<u8>)> {
	let wrap = alloc::vec![7u8; T::MaxWrapLength::get() as usize];
	documents.iter().map(|d| (*d, wrap.clone())).collect()
}

/// The hash of consent `id`'s terms, as the patient's tool signs it.
fn terms<T: Config>(id: ConsentId) -> [u8; 32] {
	Consents::<T>::get(id).expect("a consent").terms().hash()
}

/// A consent granted with a wrap for each of the setup's documents.
fn granted_with_wraps<T: Config>(s: &Setup<T>) -> ConsentId {
	let id = request_all(s);
	Pallet::<T>::grant(
		RawOrigin::Signed(s.patient.clone()).into(),
		id,
		terms::<T>(id),
		wraps::<T>(&s.documents),
	)
	.expect("a valid grant");
	id
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// A scope listing `MaxScopeItems` documents, each checked.
	#[benchmark]
	fn request() {
		let s = setup::<T>(T::MaxScopeItems::get());
		let scope = ScopeRequest::Documents(s.documents.clone());

		#[extrinsic_call]
		_(
			RawOrigin::Signed(s.grantee.clone()),
			s.patient.clone(),
			scope,
			Purpose::Research,
			read(),
			window(),
		);

		assert_eq!(Consents::<T>::get(1).unwrap().org, s.grantee_org);
	}

	#[benchmark]
	fn grant(n: Linear<0, { T::MaxWraps::get() }>) {
		let s = setup::<T>(n);
		fill_grants(&s);
		let id = request_all(&s);

		#[extrinsic_call]
		_(RawOrigin::Signed(s.patient.clone()), id, terms::<T>(id), wraps::<T>(&s.documents));

		assert_eq!(Consents::<T>::get(id).unwrap().wraps, n);
	}

	#[benchmark]
	fn deny() {
		let s = setup::<T>(0);
		let id = request_all(&s);

		#[extrinsic_call]
		_(RawOrigin::Signed(s.patient.clone()), id);

		assert_eq!(Consents::<T>::get(id).unwrap().status, ConsentStatus::Denied);
	}

	/// Of a break-glass access (its revocation also bars the hospital).
	#[benchmark]
	fn revoke(n: Linear<0, { T::MaxWraps::get() }>) {
		let s = setup::<T>(n);
		fill_grants(&s);
		let id = granted_with_wraps(&s);
		let reason = alloc::vec![b'r'; T::MaxReasonLength::get() as usize];
		Consents::<T>::mutate(id, |c| {
			c.as_mut().unwrap().break_glass_reason = Some(reason.try_into().unwrap())
		});

		#[extrinsic_call]
		_(RawOrigin::Signed(s.patient.clone()), id);

		assert_eq!(Consents::<T>::get(id).unwrap().status, ConsentStatus::Revoked);
	}

	/// By the issuing hospital, for documents anchored after the grant.
	#[benchmark]
	fn add_wraps(n: Linear<1, { T::MaxWraps::get() }>) {
		let s = setup::<T>(0);
		let id = request_all(&s);
		Pallet::<T>::grant(
			RawOrigin::Signed(s.patient.clone()).into(),
			id,
			terms::<T>(id),
			Vec::new(),
		)
		.unwrap();
		let later = setup_later_documents::<T>(&s, n);

		#[extrinsic_call]
		_(RawOrigin::Signed(s.issuer.clone()), id, wraps::<T>(&later));

		assert_eq!(Consents::<T>::get(id).unwrap().wraps, n);
	}

	#[benchmark]
	fn expire(n: Linear<0, { T::MaxWraps::get() }>) {
		let s = setup::<T>(n);
		fill_grants(&s);
		let id = granted_with_wraps(&s);
		// The chain's clock does not move in benchmarks: end the window instead.
		Consents::<T>::mutate(id, |c| c.as_mut().unwrap().window = Window { from: 0, to: 0 });

		#[extrinsic_call]
		_(RawOrigin::Signed(s.grantee.clone()), id);

		assert_eq!(Consents::<T>::get(id).unwrap().status, ConsentStatus::Expired);
	}

	/// Past a bar that has ended (removed on the way), the clinician's count mid-period.
	#[benchmark]
	fn break_glass() {
		let s = setup::<T>(0);
		fill_grants(&s);
		let reason = alloc::vec![b'r'; T::MaxReasonLength::get() as usize];
		BreakGlassHolds::<T>::insert(&s.patient, s.grantee_org, 0);
		BreakGlassUses::<T>::insert(&s.grantee, (Pallet::<T>::now(), 0));

		#[extrinsic_call]
		_(RawOrigin::Signed(s.grantee.clone()), s.patient.clone(), reason);

		let id = ConsentCount::<T>::get();
		assert_eq!(Consents::<T>::get(id).unwrap().purpose, Purpose::Emergency);
	}

	/// By the issuing hospital, after the patient changed their key: each wrap replaces one.
	#[benchmark]
	fn wrap_for_patient(n: Linear<1, { T::MaxWraps::get() }>) {
		let s = setup::<T>(n);
		let key = pallet_consortium::Members::<T>::get(&s.patient).unwrap().encryption_key;
		Pallet::<T>::wrap_for_patient(
			RawOrigin::Signed(s.issuer.clone()).into(),
			s.patient.clone(),
			key,
			wraps::<T>(&s.documents),
		)
		.unwrap();

		#[extrinsic_call]
		_(RawOrigin::Signed(s.issuer.clone()), s.patient.clone(), key, wraps::<T>(&s.documents));

		assert!(s.documents.iter().all(|d| PatientWraps::<T>::contains_key(d)));
	}

	#[benchmark]
	fn lift_break_glass_hold() {
		let s = setup::<T>(0);
		BreakGlassHolds::<T>::insert(&s.patient, s.grantee_org, Moment::MAX);

		#[extrinsic_call]
		_(RawOrigin::Signed(s.patient.clone()), s.grantee_org);

		assert!(!BreakGlassHolds::<T>::contains_key(&s.patient, s.grantee_org));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}

/// `n` more documents of the setup's patient, by the issuing hospital.
fn setup_later_documents<T: Config>(s: &Setup<T>, n: u32) -> Vec<DocId> {
	(0..n)
		.map(|i| {
			pallet_documents::Pallet::<T>::anchor_for_benchmark(
				&s.issuer,
				s.issuer_org,
				&s.patient,
				1_000 + i,
			)
		})
		.collect()
}
