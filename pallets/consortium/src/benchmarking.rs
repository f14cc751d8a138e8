//! Benchmarks of every call and of the membership gate, for `benchmark pallet`.

use super::*;
use crate::Pallet as Consortium;
use frame_benchmarking::v2::*;
use frame_support::traits::EnsureOrigin;
use frame_system::RawOrigin;
use sp_runtime::traits::{DispatchTransaction, Dispatchable};

fn name<T: Config>() -> BoundedVec<u8, T::MaxNameLength> {
	alloc::vec![b'H'; T::MaxNameLength::get() as usize].try_into().unwrap()
}

fn nodes<T: Config>() -> BoundedVec<NodeKey, T::MaxNodesPerOrganisation> {
	alloc::vec![[7u8; 32]; T::MaxNodesPerOrganisation::get() as usize].try_into().unwrap()
}

/// Fills the consortium up to one below its bound, so admission and status changes pay for
/// the council recomputation at its largest. Returns the id of the last organisation.
fn fill<T: Config>() -> OrgId {
	let target = T::MaxOrganisations::get() - 1;
	while OrganisationCount::<T>::get() < target {
		let n = OrganisationCount::<T>::get();
		Consortium::<T>::do_admit(
			name::<T>(),
			account("delegate", n, 0),
			[1; 32],
			Some(account("validator", n, 0)),
			nodes::<T>(),
		)
		.unwrap();
	}
	OrganisationCount::<T>::get()
}

/// An organisation and its administrator.
fn org_with_admin<T: Config>() -> (OrgId, T::AccountId) {
	let org = fill::<T>();
	(org, Organisations::<T>::get(org).unwrap().delegate)
}

#[benchmarks(
	where
		T: Send + Sync,
		<T as frame_system::Config>::RuntimeCall: Dispatchable<
			RuntimeOrigin = <T as frame_system::Config>::RuntimeOrigin,
			Info = frame_support::dispatch::DispatchInfo,
			PostInfo = frame_support::dispatch::PostDispatchInfo,
		>,
)]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn admit_organisation() -> Result<(), BenchmarkError> {
		fill::<T>();
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let delegate = T::BenchmarkHelper::signer();
		let statement = KeyStatement {
			account: &delegate,
			encryption_key: &[2; 32],
			registrar: None,
			genesis: Consortium::<T>::genesis_hash(),
		};
		let proof = T::BenchmarkHelper::sign(&delegate, &statement.message());
		#[extrinsic_call]
		_(
			origin as T::RuntimeOrigin,
			name::<T>(),
			delegate.clone(),
			[2; 32],
			proof,
			Some(account("new-validator", 0, 0)),
			nodes::<T>(),
		);
		assert!(Members::<T>::contains_key(&delegate));
		Ok(())
	}

	#[benchmark]
	fn set_organisation_status() -> Result<(), BenchmarkError> {
		let org = fill::<T>();
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[block]
		{
			Consortium::<T>::suspend_organisation(origin, org)?;
		}
		assert_eq!(Organisations::<T>::get(org).unwrap().status, OrgStatus::Suspended);
		Ok(())
	}

	#[benchmark]
	fn set_validator() -> Result<(), BenchmarkError> {
		let org = fill::<T>();
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let validator: T::AccountId = account("replacement", 0, 0);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, org, Some(validator.clone()));
		assert_eq!(ValidatorOf::<T>::get(&validator), Some(org));
		Ok(())
	}

	#[benchmark]
	fn set_nodes() -> Result<(), BenchmarkError> {
		let org = fill::<T>();
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, org, nodes::<T>());
		Ok(())
	}

	#[benchmark]
	fn register_member() {
		let (org, admin) = org_with_admin::<T>();
		let who = T::BenchmarkHelper::signer();
		let statement = KeyStatement {
			account: &who,
			encryption_key: &[3; 32],
			registrar: Some(org),
			genesis: Consortium::<T>::genesis_hash(),
		};
		let proof = T::BenchmarkHelper::sign(&who, &statement.message());
		#[extrinsic_call]
		_(RawOrigin::Signed(admin), who.clone(), Role::Clinician(org), [3; 32], proof);
		assert!(Members::<T>::contains_key(&who));
	}

	#[benchmark]
	fn remove_member() {
		let (org, admin) = org_with_admin::<T>();
		let who: T::AccountId = account("clinician", 0, 0);
		Consortium::<T>::do_register(&who, Role::Clinician(org), [3; 32]).unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(admin), who.clone());
		assert_eq!(Members::<T>::get(&who).unwrap().status, MemberStatus::Removed);
	}

	#[benchmark]
	fn set_encryption_key() {
		let (_, admin) = org_with_admin::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(admin.clone()), [9; 32]);
		assert_eq!(Members::<T>::get(&admin).unwrap().encryption_key, [9; 32]);
	}

	#[benchmark]
	fn authorize_upgrade() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, T::Hash::default());
		Ok(())
	}

	#[benchmark]
	fn check_membership() -> Result<(), BenchmarkError> {
		let (_, admin) = org_with_admin::<T>();
		let call: <T as frame_system::Config>::RuntimeCall =
			frame_system::Call::<T>::remark { remark: alloc::vec![] }.into();
		let info = frame_support::dispatch::DispatchInfo::default();
		#[block]
		{
			CheckMembership::<T>::new()
				.validate_and_prepare(RawOrigin::Signed(admin).into(), &call, &info, 0, 0)
				.map_err(|_| BenchmarkError::Stop("member refused"))?;
		}
		Ok(())
	}

	impl_benchmark_test_suite!(Consortium, crate::mock::new_test_ext(), crate::mock::Test);
}
