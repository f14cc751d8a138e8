//! The nonce check, ranking each account's extrinsics by their turn.

use crate::priority;
use codec::{Decode, DecodeWithMemTracking, Encode};
use frame_support::{
	dispatch::DispatchInfo,
	pallet_prelude::{TransactionSource, Weight},
};
use frame_system::CheckNonce;
use scale_info::TypeInfo;
use sp_runtime::{
	traits::{
		AsSystemOriginSigner, DispatchInfoOf, Dispatchable, Implication, PostDispatchInfoOf,
		TransactionExtension, UniqueSaturatedInto, ValidateResult,
	},
	transaction_validity::TransactionValidityError,
	DispatchResult, Saturating,
};

/// `frame_system::CheckNonce` — same identifier, same encoding, same checks — that also
/// gives an extrinsic its [`priority::turn`]: how many of its account's extrinsics come
/// before it. Without it, one account's long queue ranks with every other account's next
/// extrinsic and can fill a pool ahead of them.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, Eq, PartialEq, TypeInfo)]
#[scale_info(skip_type_params(T))]
pub struct CheckNonceInTurn<T: frame_system::Config>(pub CheckNonce<T>);

impl<T: frame_system::Config> CheckNonceInTurn<T> {
	/// The check for an extrinsic with `nonce`.
	pub fn from(nonce: T::Nonce) -> Self {
		Self(CheckNonce::from(nonce))
	}
}

impl<T: frame_system::Config> core::fmt::Debug for CheckNonceInTurn<T> {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		self.0.fmt(f)
	}
}

impl<T: frame_system::Config> TransactionExtension<T::RuntimeCall> for CheckNonceInTurn<T>
where
	T::RuntimeCall: Dispatchable<Info = DispatchInfo>,
	<T::RuntimeCall as Dispatchable>::RuntimeOrigin: AsSystemOriginSigner<T::AccountId> + Clone,
{
	// Clients sign it as the nonce check they know.
	const IDENTIFIER: &'static str =
		<CheckNonce<T> as TransactionExtension<T::RuntimeCall>>::IDENTIFIER;
	type Implicit = ();
	type Val = <CheckNonce<T> as TransactionExtension<T::RuntimeCall>>::Val;
	type Pre = <CheckNonce<T> as TransactionExtension<T::RuntimeCall>>::Pre;

	fn weight(&self, call: &T::RuntimeCall) -> Weight {
		self.0.weight(call)
	}

	fn validate(
		&self,
		origin: T::RuntimeOrigin,
		call: &T::RuntimeCall,
		info: &DispatchInfoOf<T::RuntimeCall>,
		len: usize,
		self_implicit: Self::Implicit,
		inherited_implication: &impl Implication,
		source: TransactionSource,
	) -> ValidateResult<Self::Val, T::RuntimeCall> {
		let (mut valid, val, origin) = self.0.validate(
			origin,
			call,
			info,
			len,
			self_implicit,
			inherited_implication,
			source,
		)?;
		if let Some(who) = origin.as_system_origin_signer() {
			// `CheckNonce` has refused a nonce below the account's: the place is ≥ 0.
			let next = frame_system::Account::<T>::get(who).nonce;
			let place: u64 = self.0 .0.saturating_sub(next).unique_saturated_into();
			valid.priority = valid.priority.saturating_add(priority::turn(place));
		}
		Ok((valid, val, origin))
	}

	fn prepare(
		self,
		val: Self::Val,
		origin: &T::RuntimeOrigin,
		call: &T::RuntimeCall,
		info: &DispatchInfoOf<T::RuntimeCall>,
		len: usize,
	) -> Result<Self::Pre, TransactionValidityError> {
		self.0.prepare(val, origin, call, info, len)
	}

	fn post_dispatch_details(
		pre: Self::Pre,
		info: &DispatchInfoOf<T::RuntimeCall>,
		post_info: &PostDispatchInfoOf<T::RuntimeCall>,
		len: usize,
		result: &DispatchResult,
	) -> Result<Weight, TransactionValidityError> {
		CheckNonce::<T>::post_dispatch_details(pre, info, post_info, len, result)
	}
}
