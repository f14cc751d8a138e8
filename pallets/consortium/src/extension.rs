//! The membership gate on transactions.

use crate::{BlockUsage, Config, Pallet, Role, Standing, WeightInfo};
use codec::{Decode, DecodeWithMemTracking, Encode};
use core::marker::PhantomData;
use frame_support::{
	pallet_prelude::{TransactionSource, Weight},
	traits::{Get, OriginTrait},
	DefaultNoBound,
};
use scale_info::TypeInfo;
use sp_runtime::{
	traits::{DispatchInfoOf, Dispatchable, TransactionExtension, ValidateResult},
	transaction_validity::{
		InvalidTransaction, TransactionPriority, TransactionValidityError, ValidTransaction,
	},
};

/// The `InvalidTransaction::Custom` codes [`CheckMembership`] refuses with. Clients turn them
/// back into words with [`refusal::describe`].
pub mod refusal {
	/// The signer is not registered in the consortium.
	pub const NOT_A_MEMBER: u8 = 1;
	/// The signer was registered and has been removed.
	pub const MEMBERSHIP_REMOVED: u8 = 2;
	/// The signer's organisation is suspended or removed.
	pub const ORGANISATION_INACTIVE: u8 = 3;

	/// A sentence for a refusal code, or `None` for codes this gate does not use.
	pub fn describe(code: u8) -> Option<&'static str> {
		match code {
			NOT_A_MEMBER => Some("not a consortium member"),
			MEMBERSHIP_REMOVED => Some("consortium membership removed"),
			ORGANISATION_INACTIVE => Some("the member's organisation is suspended or removed"),
			_ => None,
		}
	}
}

/// Refuses, at transaction-pool validation, extrinsics signed by accounts that may not
/// transact (see [`Standing`]), so they never reach a block; gives each role a priority; and
/// holds each account to a quota of extrinsics per block.
///
/// It carries no data in the extrinsic, so generic clients that do not know it still sign
/// correctly. Order it before `CheckNonce`: an unknown account has no nonce, and this gate's
/// refusal is the one its user should see.
#[derive(Encode, Decode, DecodeWithMemTracking, DefaultNoBound, Clone, Eq, PartialEq, TypeInfo)]
#[scale_info(skip_type_params(T))]
pub struct CheckMembership<T>(PhantomData<T>);

impl<T> CheckMembership<T> {
	/// The extension (it has no parameters).
	pub fn new() -> Self {
		Self(PhantomData)
	}
}

impl<T> core::fmt::Debug for CheckMembership<T> {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		write!(f, "CheckMembership")
	}
}

/// Who signed, as the later stages need it.
pub struct Signer<AccountId> {
	who: AccountId,
	quota: u32,
}

impl<T: Config + Send + Sync> CheckMembership<T> {
	/// Priority and per-block quota for an account in good standing, or the refusal.
	fn admit(who: &T::AccountId) -> Result<(TransactionPriority, u32), TransactionValidityError> {
		let staff = T::StaffBlockQuota::get();
		let personal = T::PersonalBlockQuota::get();
		// Consortium operations first, then patients' own decisions, then bulk clinical
		// writes, so a flood from one gateway cannot starve consent or governance.
		match Pallet::<T>::standing(who) {
			Standing::Validator(_) | Standing::Member(Role::OrgAdmin(_)) => Ok((400, staff)),
			Standing::Member(Role::Patient) => Ok((300, personal)),
			Standing::Member(Role::Auditor) => Ok((200, personal)),
			Standing::Member(Role::Clinician(_)) => Ok((100, staff)),
			Standing::Unknown => Err(InvalidTransaction::Custom(refusal::NOT_A_MEMBER).into()),
			Standing::Removed => {
				Err(InvalidTransaction::Custom(refusal::MEMBERSHIP_REMOVED).into())
			}
			Standing::OrganisationInactive(_) => {
				Err(InvalidTransaction::Custom(refusal::ORGANISATION_INACTIVE).into())
			}
		}
	}
}

impl<T: Config + Send + Sync> TransactionExtension<T::RuntimeCall> for CheckMembership<T>
where
	T::RuntimeCall: Dispatchable<RuntimeOrigin = T::RuntimeOrigin>,
{
	const IDENTIFIER: &'static str = "CheckMembership";
	type Implicit = ();
	type Val = Option<Signer<T::AccountId>>;
	type Pre = ();

	fn weight(&self, _call: &T::RuntimeCall) -> Weight {
		T::WeightInfo::check_membership()
	}

	fn validate(
		&self,
		origin: T::RuntimeOrigin,
		_call: &T::RuntimeCall,
		_info: &DispatchInfoOf<T::RuntimeCall>,
		_len: usize,
		_self_implicit: Self::Implicit,
		_inherited_implication: &impl Encode,
		_source: TransactionSource,
	) -> ValidateResult<Self::Val, T::RuntimeCall> {
		// Unsigned extrinsics (inherents) are not ours to judge.
		let Some(who) = origin.as_signer().cloned() else {
			return Ok((ValidTransaction::default(), None, origin));
		};
		let (priority, quota) = Self::admit(&who)?;
		let valid = ValidTransaction { priority, ..Default::default() };
		Ok((valid, Some(Signer { who, quota }), origin))
	}

	fn prepare(
		self,
		val: Self::Val,
		_origin: &T::RuntimeOrigin,
		_call: &T::RuntimeCall,
		_info: &DispatchInfoOf<T::RuntimeCall>,
		_len: usize,
	) -> Result<Self::Pre, TransactionValidityError> {
		let Some(Signer { who, quota }) = val else { return Ok(()) };
		let now = frame_system::Pallet::<T>::block_number();
		let used = match BlockUsage::<T>::get(&who) {
			Some((block, used)) if block == now => used,
			_ => 0,
		};
		// `ExhaustsResources` makes the block author skip the extrinsic and leave it in the
		// pool for a later block, rather than drop it.
		if used >= quota {
			return Err(InvalidTransaction::ExhaustsResources.into());
		}
		BlockUsage::<T>::insert(&who, (now, used + 1));
		Ok(())
	}
}
