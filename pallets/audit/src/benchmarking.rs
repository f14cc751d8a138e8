//! Benchmarks of every call, for `benchmark pallet`.

use super::*;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;
use pallet_consortium::benchmark_setup;

#[benchmarks]
mod benchmarks {
	use super::*;

	/// `n` reads by a clinician, each of another patient's document (the dearest subject to
	/// check) under that patient's consent (the dearest check): every read reads its own
	/// patient, document and consent, and writes its own trail head.
	#[benchmark]
	fn record_access(n: Linear<1, { T::MaxAccessBatch::get() }>) {
		let (_, _, clinician) = benchmark_setup::hospital::<T>(0);
		let reads: Vec<_> = (0..n)
			.map(|i| {
				let patient = benchmark_setup::patient::<T>(i);
				let subject = T::Subjects::benchmark_subject(&patient);
				let consent = T::Reads::grant_for_benchmark(&clinician, &patient);
				AccessRecord {
					patient,
					subject,
					consent,
					purpose: Some(Purpose::Treatment),
					outcome: Outcome::Success,
					at: Pallet::<T>::now(),
				}
			})
			.collect();
		// Making a subject may itself have written an entry (a document's anchoring).
		let before: Vec<u64> = reads.iter().map(|r| Trails::<T>::get(&r.patient).seq).collect();

		#[extrinsic_call]
		_(RawOrigin::Signed(clinician), reads.clone());

		for (read, before) in reads.iter().zip(before) {
			assert_eq!(Trails::<T>::get(&read.patient).seq, before + 1);
		}
	}

	/// `n` refused attempts of a removed clinician, reported by their hospital's administrator.
	#[benchmark]
	fn record_refusals(n: Linear<1, { T::MaxAccessBatch::get() }>) {
		let (_, admin, clinician) = benchmark_setup::hospital::<T>(0);
		// Removed: the hospital reports only for staff who cannot sign.
		pallet_consortium::Members::<T>::mutate(&clinician, |member| {
			member.as_mut().expect("registered").status = MemberStatus::Removed
		});
		// Each of another patient: each writes its own trail head.
		let refusals: Vec<_> = (0..n)
			.map(|i| {
				let patient = benchmark_setup::patient::<T>(i);
				let read = AccessRecord {
					patient: patient.clone(),
					subject: T::Subjects::benchmark_subject(&patient),
					consent: None,
					purpose: Some(Purpose::Treatment),
					outcome: Outcome::Refused(Refusal::NotAMember),
					at: Pallet::<T>::now(),
				};
				(clinician.clone(), read)
			})
			.collect();
		let before: Vec<u64> =
			refusals.iter().map(|(_, r)| Trails::<T>::get(&r.patient).seq).collect();

		#[extrinsic_call]
		_(RawOrigin::Signed(admin), refusals.clone());

		for ((_, read), before) in refusals.iter().zip(before) {
			assert_eq!(Trails::<T>::get(&read.patient).seq, before + 1);
		}
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
