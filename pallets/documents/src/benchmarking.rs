//! Benchmarks of every call, for `benchmark pallet`. Fields take their longest lengths.

use super::*;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;
use pallet_consortium::benchmark_setup;

/// A valid document of `patient` with fields of the longest lengths; `n` makes it unique.
pub(crate) fn new_document<T: Config>(patient: T::AccountId, n: u32) -> NewDocument<T::AccountId> {
	let mut commitment = [0u8; 32];
	commitment[..4].copy_from_slice(&n.to_le_bytes());
	commitment[31] = 0xbe;
	NewDocument {
		patient,
		commitment,
		// CIDv1, raw, SHA2-256: the only shape the pallet accepts has 36 bytes.
		cid: [&[0x01, 0x55, 0x12, 0x20][..], &commitment].concat(),
		size: u64::MAX,
		media_type: alloc::vec![b'm'; T::MaxMediaTypeLength::get() as usize],
		document_type: alloc::vec![b'1'; T::MaxDocumentTypeLength::get() as usize],
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn anchor() {
		let (_, _, clinician) = benchmark_setup::hospital::<T>(0);
		let patient = benchmark_setup::patient::<T>(0);

		#[extrinsic_call]
		_(RawOrigin::Signed(clinician), new_document::<T>(patient, 1));

		assert_eq!(DocumentCount::<T>::get(), 1);
	}

	/// `n` documents, each of a different patient (each writes its own audit trail).
	#[benchmark]
	fn anchor_batch(n: Linear<1, { T::MaxBatchSize::get() }>) {
		let (_, _, clinician) = benchmark_setup::hospital::<T>(0);
		let documents = (0..n)
			.map(|i| new_document::<T>(benchmark_setup::patient::<T>(i), i))
			.collect::<Vec<_>>();

		#[extrinsic_call]
		_(RawOrigin::Signed(clinician), documents);

		assert_eq!(DocumentCount::<T>::get(), n as u64);
	}

	/// `n` documents under one root, each of a different patient.
	#[benchmark]
	fn anchor_rooted_batch(n: Linear<1, { T::MaxRootedBatchSize::get() }>) {
		let (_, _, clinician) = benchmark_setup::hospital::<T>(0);
		let documents = (0..n)
			.map(|i| new_document::<T>(benchmark_setup::patient::<T>(i), i))
			.collect::<Vec<_>>();

		#[extrinsic_call]
		_(RawOrigin::Signed(clinician), documents);

		assert_eq!(Batches::<T>::get(1).map(|batch| batch.count), Some(n));
	}

	/// Amended by another hospital under the patient's write consent (the dearer path).
	#[benchmark]
	fn amend() {
		let (_, _, issuer) = benchmark_setup::hospital::<T>(0);
		let (org, _, amender) = benchmark_setup::hospital::<T>(1);
		let patient = benchmark_setup::patient::<T>(0);
		Pallet::<T>::anchor(
			RawOrigin::Signed(issuer).into(),
			new_document::<T>(patient.clone(), 1),
		)
		.unwrap();
		T::WriteConsent::allow_for_benchmark(org, &patient);

		#[extrinsic_call]
		_(RawOrigin::Signed(amender), 1, new_document::<T>(patient, 2));

		assert_eq!(Records::<T>::get(2).unwrap().previous, Some(1));
	}

	#[benchmark]
	fn mark_entered_in_error() {
		let (_, _, clinician) = benchmark_setup::hospital::<T>(0);
		let patient = benchmark_setup::patient::<T>(0);
		Pallet::<T>::anchor(
			RawOrigin::Signed(clinician.clone()).into(),
			new_document::<T>(patient, 1),
		)
		.unwrap();

		#[extrinsic_call]
		_(RawOrigin::Signed(clinician), 1);

		assert_eq!(Records::<T>::get(1).unwrap().status, DocumentStatus::EnteredInError);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
