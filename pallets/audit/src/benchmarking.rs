//! Benchmarks of every call, for `benchmark pallet`.

use super::*;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;
use pallet_consortium::benchmark_setup;

/// A granted read by `clinician` of a new document of patient number `i`, under that
/// patient's consent.
fn granted_read<T: Config>(clinician: &T::AccountId, i: u32) -> AccessRecord<T::AccountId> {
	let patient = benchmark_setup::patient::<T>(i);
	let subject = T::Subjects::benchmark_subject(&patient);
	let consent = T::Reads::grant_for_benchmark(clinician, &patient);
	AccessRecord {
		patient,
		subject,
		consent,
		purpose: Some(Purpose::Treatment),
		outcome: Outcome::Success,
		at: Pallet::<T>::now(),
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// A report by a clinician of `n` reads, each of another patient's document (a rooted
	/// batch's: the dearest to look up) under that patient's consent (the dearest check):
	/// every read reads its own patient, document and consent, and writes its own trail head.
	#[benchmark]
	fn record_access(n: Linear<1, { T::MaxAccessBatch::get() }>) {
		let (_, _, clinician) = benchmark_setup::hospital::<T>(0);
		let reads: Vec<_> = (0..n).map(|i| granted_read::<T>(&clinician, i)).collect();
		// Making a subject may itself have written an entry (a document's anchoring).
		let before: Vec<u64> = reads.iter().map(|r| Trails::<T>::get(&r.patient).seq).collect();

		#[extrinsic_call]
		_(RawOrigin::Signed(clinician), reads.clone());

		for (read, before) in reads.iter().zip(before) {
			assert_eq!(Trails::<T>::get(&read.patient).seq, before + 1);
		}
	}

	/// A report of one such read and `n` repeats of it, whose keys are in the block's overlay
	/// by then: what `record_access` charges a report's repeats (measured on their own, as a
	/// second component of `record_access` would be fitted against the first).
	#[benchmark]
	fn record_access_repeats(
		n: Linear<0, { T::MaxAccessBatch::get() - 1 }>,
	) -> Result<(), BenchmarkError> {
		let (_, _, clinician) = benchmark_setup::hospital::<T>(0);
		let read = granted_read::<T>(&clinician, 0);
		let before = Trails::<T>::get(&read.patient).seq;
		let reads = alloc::vec![read.clone(); n as usize + 1];

		#[block]
		{
			Pallet::<T>::record_access(RawOrigin::Signed(clinician).into(), reads)
				.map_err(|e| e.error)?;
		}

		assert_eq!(Trails::<T>::get(&read.patient).seq, before + u64::from(n) + 1);
		Ok(())
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
