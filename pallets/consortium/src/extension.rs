//! The membership gate on transactions.

use crate::{
	priority::{self, Rank},
	BlockShares, BlockUsage, Config, OrgId, Pallet, Role, Standing, WeightInfo,
};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::marker::PhantomData;
use frame_support::{
	dispatch::{DispatchClass, DispatchInfo, PostDispatchInfo},
	pallet_prelude::{TransactionSource, Weight},
	traits::{Get, OriginTrait},
	DefaultNoBound,
};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;
use sp_runtime::{
	traits::{
		DispatchInfoOf, Dispatchable, PostDispatchInfoOf, TransactionExtension, ValidateResult,
	},
	transaction_validity::{InvalidTransaction, TransactionValidityError, ValidTransaction},
	Perbill, Saturating,
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
	/// The extrinsic is heavier or longer than the signer's whole share of a block, so no
	/// block could ever hold it.
	pub const LARGER_THAN_SHARE: u8 = 4;

	/// A sentence for a refusal code, or `None` for codes this gate does not use.
	pub fn describe(code: u8) -> Option<&'static str> {
		match code {
			NOT_A_MEMBER => Some("not a consortium member"),
			MEMBERSHIP_REMOVED => Some("consortium membership removed"),
			ORGANISATION_INACTIVE => Some("the member's organisation is suspended or removed"),
			LARGER_THAN_SHARE => Some("larger than the signer's share of a block"),
			_ => None,
		}
	}
}

/// Refuses, at transaction-pool validation, extrinsics signed by accounts that may not
/// transact (see [`Standing`]), so they never reach a block; gives each extrinsic the role
/// and fairness terms of its [`priority`]; and holds each party to its [`Share`] of every
/// block.
///
/// It carries no data in the extrinsic, so generic clients that do not know it still sign
/// correctly. Order it before the nonce check ([`crate::CheckNonceInTurn`]): an unknown
/// account has no nonce, and this gate's refusal is the one its user should see.
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

/// Whose part of a block an extrinsic draws on.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum Share {
	/// One hospital: its staff and its validator, however many accounts.
	Hospital(OrgId),
	/// All hospitals together: what the patients' and auditors' share leaves.
	Hospitals,
	/// Patients and auditors.
	Personal,
}

/// What a [`Share`] used of one block.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct BlockUse<BlockNumber> {
	/// The block.
	pub block: BlockNumber,
	/// Weight of the extrinsics admitted: as declared before dispatch, less what their calls
	/// gave back after.
	pub weight: Weight,
	/// Their encoded length, in bytes.
	pub length: u32,
}

impl<T: Config> Pallet<T> {
	/// What an extrinsic weighs in a block: its call and extensions, and the base weight
	/// every extrinsic costs (`frame_system` adds it too) — else a flood of empty calls would
	/// cost the block twice what its share counts.
	fn cost(info: &DispatchInfo) -> Weight {
		let base = T::BlockWeights::get().get(info.class).base_extrinsic;
		info.total_weight().saturating_add(base)
	}

	/// The most weight and length `share` may use of a block: its fraction of what normal
	/// extrinsics may use.
	pub fn share_limit(share: Share) -> (Weight, u32) {
		let fraction = match share {
			Share::Hospital(_) => T::HospitalBlockShare::get(),
			Share::Hospitals => Perbill::one().saturating_sub(T::PersonalBlockShare::get()),
			Share::Personal => T::PersonalBlockShare::get(),
		};
		let weights = T::BlockWeights::get();
		let normal = weights.get(DispatchClass::Normal).max_total.unwrap_or(weights.max_block);
		let length = *T::BlockLength::get().max.get(DispatchClass::Normal);
		let weight =
			Weight::from_parts(fraction * normal.ref_time(), fraction * normal.proof_size());
		(weight, fraction * length)
	}

	/// How much of `share` a `weight` and `length` take: the larger of the parts.
	fn part_of(share: Share, weight: Weight, length: u32) -> Perbill {
		let (most_weight, most_length) = Self::share_limit(share);
		[
			Perbill::from_rational(weight.ref_time(), most_weight.ref_time().max(1)),
			Perbill::from_rational(weight.proof_size(), most_weight.proof_size().max(1)),
			Perbill::from_rational(length, most_length.max(1)),
		]
		.into_iter()
		.max()
		.unwrap_or_default()
	}
}

/// Who may sign: a hospital (its staff and validator), or a person of their own (a patient
/// or an auditor).
#[derive(Clone, Copy)]
pub enum Party {
	/// A hospital's staff or validator.
	Hospital(OrgId),
	/// A patient or an auditor.
	Person,
}

impl Party {
	/// How much of its share the party of `who` used in the last block: a hospital's of its
	/// hospital share, a person's of their count per block.
	fn recent_use<T: Config>(self, who: &T::AccountId) -> Perbill {
		// Pool validation runs at the block after the best one: "last" is the best block.
		let now = frame_system::Pallet::<T>::block_number();
		let recent = |block: BlockNumberFor<T>| block.saturating_add(1u32.into()) >= now;
		match self {
			Party::Hospital(_) => BlockShares::<T>::get(self.own_share())
				.filter(|used| recent(used.block))
				.map(|used| Pallet::<T>::part_of(self.own_share(), used.weight, used.length))
				.unwrap_or_default(),
			Party::Person => match BlockUsage::<T>::get(who) {
				Some((block, used)) if recent(block) => {
					Perbill::from_rational(used, T::PersonalBlockQuota::get().max(1))
				}
				_ => Perbill::zero(),
			},
		}
	}

	/// The shares of a block its extrinsics draw on.
	fn shares(self) -> impl Iterator<Item = Share> {
		let together = matches!(self, Party::Hospital(_)).then_some(Share::Hospitals);
		core::iter::once(self.own_share()).chain(together)
	}

	/// The share that is the party's alone.
	fn own_share(self) -> Share {
		match self {
			Party::Hospital(org) => Share::Hospital(org),
			Party::Person => Share::Personal,
		}
	}
}

/// Who signed, as the later stages need it.
pub struct Signer<AccountId> {
	who: AccountId,
	party: Party,
}

impl<T: Config + Send + Sync> CheckMembership<T> {
	/// Rank and party of an account in good standing, or the refusal.
	fn admit(who: &T::AccountId) -> Result<(Rank, Party), TransactionValidityError> {
		match Pallet::<T>::standing(who) {
			Standing::Member(Role::Patient) => Ok((Rank::Patient, Party::Person)),
			Standing::Member(Role::Auditor) => Ok((Rank::Auditor, Party::Person)),
			Standing::Validator(org)
			| Standing::Member(Role::OrgAdmin(org) | Role::Clinician(org)) => {
				Ok((Rank::Hospital, Party::Hospital(org)))
			}
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
	T::RuntimeCall: Dispatchable<
		RuntimeOrigin = T::RuntimeOrigin,
		Info = DispatchInfo,
		PostInfo = PostDispatchInfo,
	>,
{
	const IDENTIFIER: &'static str = "CheckMembership";
	type Implicit = ();
	type Val = Option<Signer<T::AccountId>>;
	type Pre = Option<Party>;

	fn weight(&self, _call: &T::RuntimeCall) -> Weight {
		T::WeightInfo::check_membership()
	}

	fn validate(
		&self,
		origin: T::RuntimeOrigin,
		_call: &T::RuntimeCall,
		info: &DispatchInfoOf<T::RuntimeCall>,
		len: usize,
		_self_implicit: Self::Implicit,
		_inherited_implication: &impl Encode,
		_source: TransactionSource,
	) -> ValidateResult<Self::Val, T::RuntimeCall> {
		// Unsigned extrinsics (inherents) are not ours to judge.
		let Some(who) = origin.as_signer().cloned() else {
			return Ok((ValidTransaction::default(), None, origin));
		};
		let (rank, party) = Self::admit(&who)?;
		// One that no share could ever hold would wait in the pool for ever: refused now.
		let (weight, length) = (Pallet::<T>::cost(info), len as u32);
		if party.shares().any(|share| {
			let (most_weight, most_length) = Pallet::<T>::share_limit(share);
			!weight.all_lte(most_weight) || length > most_length
		}) {
			return Err(InvalidTransaction::Custom(refusal::LARGER_THAN_SHARE).into());
		}
		let size = Pallet::<T>::part_of(party.own_share(), weight, length);
		let priority = priority::role(rank) + priority::fairness(party.recent_use::<T>(&who), size);
		let valid = ValidTransaction { priority, ..Default::default() };
		Ok((valid, Some(Signer { who, party }), origin))
	}

	fn prepare(
		self,
		val: Self::Val,
		_origin: &T::RuntimeOrigin,
		_call: &T::RuntimeCall,
		info: &DispatchInfoOf<T::RuntimeCall>,
		len: usize,
	) -> Result<Self::Pre, TransactionValidityError> {
		let Some(Signer { who, party }) = val else { return Ok(None) };
		let now = frame_system::Pallet::<T>::block_number();
		// `ExhaustsResources` makes the block author skip the extrinsic and leave it in the
		// pool for a later block, rather than drop it.
		let exhausted = || Err(InvalidTransaction::ExhaustsResources.into());
		let mut drawn = [None, None];
		for (slot, share) in drawn.iter_mut().zip(party.shares()) {
			let used = BlockShares::<T>::get(share)
				.filter(|used| used.block == now)
				.unwrap_or(BlockUse { block: now, weight: Weight::zero(), length: 0 });
			let after = BlockUse {
				block: now,
				weight: used.weight.saturating_add(Pallet::<T>::cost(info)),
				length: used.length.saturating_add(len as u32),
			};
			let (most_weight, most_length) = Pallet::<T>::share_limit(share);
			if !after.weight.all_lte(most_weight) || after.length > most_length {
				return exhausted();
			}
			*slot = Some((share, after));
		}
		if let Party::Person = party {
			let used = match BlockUsage::<T>::get(&who) {
				Some((block, used)) if block == now => used,
				_ => 0,
			};
			if used >= T::PersonalBlockQuota::get() {
				return exhausted();
			}
			BlockUsage::<T>::insert(&who, (now, used + 1));
		}
		for (share, after) in drawn.into_iter().flatten() {
			BlockShares::<T>::insert(share, after);
		}
		Ok(Some(party))
	}

	/// Gives back to the signer's shares the weight its call declared and did not use, as
	/// `CheckWeight` gives it back to the block: else a call charged for its worst case (a
	/// report whose reads repeat one patient's) would keep its hospital out of the rest of a
	/// block it left empty.
	fn post_dispatch_details(
		pre: Self::Pre,
		info: &DispatchInfoOf<T::RuntimeCall>,
		post_info: &PostDispatchInfoOf<T::RuntimeCall>,
		_len: usize,
		_result: &sp_runtime::DispatchResult,
	) -> Result<Weight, TransactionValidityError> {
		// The extensions' own weight is settled before this runs, so what is unspent is the
		// call's alone. The keys written are the ones `prepare` wrote in this
		// extrinsic, in the overlay: no database access beyond `check_membership`'s weight.
		let unspent = post_info.calc_unspent(info);
		if let Some(party) = pre.filter(|_| unspent != Weight::zero()) {
			let now = frame_system::Pallet::<T>::block_number();
			for share in party.shares() {
				BlockShares::<T>::mutate(share, |used| {
					if let Some(used) = used.as_mut().filter(|used| used.block == now) {
						used.weight = used.weight.saturating_sub(unspent);
					}
				});
			}
		}
		Ok(Weight::zero())
	}
}
