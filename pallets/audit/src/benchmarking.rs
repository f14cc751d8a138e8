//! Benchmarks of every call, for `benchmark pallet`.

use super::*;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;
use pallet_consortium::benchmark_setup;

#[benchmarks]
mod benchmarks {
	use super::*;

	/// `n` reads of a document (the dearest subject to check) by a clinician.
	#[benchmark]
	fn record_access(n: Linear<1, { T::MaxAccessBatch::get() }>) {
		let (_, _, clinician) = benchmark_setup::hospital::<T>(0);
		let patient = benchmark_setup::patient::<T>(0);
		let subject = T::Subjects::benchmark_subject(&patient);
		// A granted read under a consent: the dearest check.
		let consent = T::Reads::grant_for_benchmark(&clinician, &patient);
		let read = AccessRecord {
			patient: patient.clone(),
			subject,
			consent,
			purpose: Some(Purpose::Treatment),
			outcome: Outcome::Success,
			at: Pallet::<T>::now(),
		};
		let reads = alloc::vec![read; n as usize];
		// Making the subject may itself have written an entry (a document's anchoring).
		let before = Trails::<T>::get(&patient).seq;

		#[extrinsic_call]
		_(RawOrigin::Signed(clinician), reads);

		assert_eq!(Trails::<T>::get(&patient).seq, before + n as u64);
	}

	/// `n` refused attempts of a removed clinician, reported by their hospital's administrator.
	#[benchmark]
	fn record_refusals(n: Linear<1, { T::MaxAccessBatch::get() }>) {
		let (_, admin, clinician) = benchmark_setup::hospital::<T>(0);
		// Removed: the hospital reports only for staff who cannot sign.
		pallet_consortium::Members::<T>::mutate(&clinician, |member| {
			member.as_mut().expect("registered").status = MemberStatus::Removed
		});
		let patient = benchmark_setup::patient::<T>(0);
		let read = AccessRecord {
			patient: patient.clone(),
			subject: T::Subjects::benchmark_subject(&patient),
			consent: None,
			purpose: Some(Purpose::Treatment),
			outcome: Outcome::Refused(Refusal::NotAMember),
			at: Pallet::<T>::now(),
		};
		let refusals = alloc::vec![(clinician, read); n as usize];
		let before = Trails::<T>::get(&patient).seq;

		#[extrinsic_call]
		_(RawOrigin::Signed(admin), refusals);

		assert_eq!(Trails::<T>::get(&patient).seq, before + n as u64);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
