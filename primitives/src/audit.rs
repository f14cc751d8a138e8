//! Audit entries and the per-patient hash chain.
//!
//! Every entry about a patient's records goes into that patient's *trail* with the next
//! sequence number (1, 2, …), and the chain keeps, per patient, the sequence number of the
//! last entry and the *head*: `head(n) = BLAKE2b-256(head(n − 1) ‖ SCALE(entry n))`, with
//! `head(0)` all zeros — where an entry without an `occurred_at` is encoded without that
//! field ([`AuditEntry::occurred_at`] says why). Each stored entry also keeps the head after
//! it.
//!
//! An entry carries the chain's time (`at`, the timestamp of the block that recorded it, so
//! never earlier than the patient's previous entry) and, for a read a gateway reported, the
//! time the gateway says the read happened (`occurred_at`).
//!
//! Given a patient's entries and a head read from a finalised block (with a storage proof),
//! [`verify_trail`] proves the list is complete (no sequence number missing, none after the
//! last), in order, and unaltered: changing, dropping, inserting or swapping any entry changes
//! every later head.

use crate::{ConsentId, DocId, Hash, Moment, OrgId, Purpose};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// What was done, as FHIR's AuditEvent.action codes it.
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
pub enum AuditAction {
	/// `C`: created (a document anchored, a consent requested).
	Create,
	/// `R`: read (a document's content viewed).
	Read,
	/// `U`: updated (amended, granted, denied, revoked, expired, marked entered-in-error).
	Update,
	/// `D`: deleted. MedLedger never deletes; kept so the code list is FHIR's.
	Delete,
	/// `E`: executed (emergency access opened, a data key released).
	Execute,
}

/// What an entry is about. Every subject belongs to one patient, whose trail holds the entry.
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
	PartialOrd,
	Ord,
)]
pub enum Subject {
	/// One document version.
	Document(DocId),
	/// One consent.
	Consent(ConsentId),
	/// The patient's records as a whole (e.g. emergency access to all of them).
	Patient,
}

/// Why access to a document was refused.
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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Refusal {
	/// The account is not an active member.
	NotAMember,
	/// The account's organisation is not active.
	OrganisationInactive,
	/// No such document.
	UnknownDocument,
	/// No consent of the patient names the account's organisation.
	NoConsent,
	/// The patient has not (yet) granted the request.
	ConsentNotGranted,
	/// The consent was denied.
	ConsentDenied,
	/// The consent was revoked.
	ConsentRevoked,
	/// The consent's window has ended.
	ConsentExpired,
	/// The consent's window has not started.
	ConsentNotYetValid,
	/// The consent does not cover this document.
	OutsideScope,
	/// The consent does not allow this action.
	ActionNotGranted,
	/// The consent is for another purpose than the one declared.
	PurposeNotGranted,
}

/// How an attempt ended.
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
pub enum Outcome {
	/// Done.
	Success,
	/// Refused, for this reason.
	Refused(Refusal),
}

/// One audit entry. Everything in it is hashed into the patient's chain.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct AuditEntry<AccountId> {
	/// Whose records: the trail the entry belongs to.
	pub patient: AccountId,
	/// Who acted (and signed the extrinsic that recorded it).
	pub actor: AccountId,
	/// The actor's organisation, for staff.
	pub org: Option<OrgId>,
	/// What was done.
	pub action: AuditAction,
	/// To what.
	pub subject: Subject,
	/// The consent that allowed it, if one did.
	pub consent: Option<ConsentId>,
	/// Why, when a purpose applies (reads, consents).
	pub purpose: Option<Purpose>,
	/// Done, or refused and why.
	pub outcome: Outcome,
	/// When the chain recorded it: the timestamp of the block that holds it. (Reads recorded
	/// before `pallet-audit`'s storage version 1 hold the reported read time here instead.)
	pub at: Moment,
	/// For a read a gateway reported: when it happened, as the gateway says — the chain takes
	/// it only within the runtime's `MaxReportDelay` before `at`. None for what the chain saw
	/// done itself. Hashed only when present, so the entries written before the field existed
	/// keep the heads they were proven with; entries with and without it never hash alike
	/// (SCALE encodings of one type are prefix-free).
	pub occurred_at: Option<Moment>,
}

impl<AccountId: Encode> AuditEntry<AccountId> {
	/// Feeds the bytes the trail hashes for this entry to `state`: its SCALE encoding,
	/// leaving `occurred_at` out when it is none.
	fn hash_into(&self, state: &mut blake2b_simd::State) {
		let recorded = (
			&self.patient,
			&self.actor,
			&self.org,
			&self.action,
			&self.subject,
			&self.consent,
			&self.purpose,
			&self.outcome,
			&self.at,
		);
		recorded.using_encoded(|bytes| {
			state.update(bytes);
		});
		if self.occurred_at.is_some() {
			self.occurred_at.using_encoded(|bytes| {
				state.update(bytes);
			});
		}
	}
}

/// An entry as stored, with the head of the patient's chain after it.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct AuditRecord<AccountId> {
	/// The entry.
	pub entry: AuditEntry<AccountId>,
	/// `head(seq)`: the chain's head once this entry was added.
	pub head: Hash,
}

/// A stored entry with its sequence number, as trails are read.
pub type SequencedRecord<AccountId> = (u64, AuditRecord<AccountId>);

/// The state of a patient's trail: the last sequence number and the head after it.
#[derive(
	Clone,
	Copy,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct TrailHead {
	/// Sequence number of the last entry; 0 for an empty trail.
	pub seq: u64,
	/// Head after that entry; all zeros for an empty trail.
	pub head: Hash,
}

impl TrailHead {
	/// The trail after appending `entry`.
	pub fn append<AccountId: Encode>(&self, entry: &AuditEntry<AccountId>) -> TrailHead {
		let mut state = crate::blake2b_256();
		state.update(&self.head);
		entry.hash_into(&mut state);
		TrailHead { seq: self.seq + 1, head: crate::finish(state) }
	}
}

/// How a trail failed [`verify_trail`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase", rename_all_fields = "camelCase"))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum TrailError {
	/// The entry at `position` in the list has sequence number `found` where `expected` was
	/// due: entries are missing or out of order.
	OutOfSequence {
		/// Index in the list given.
		position: usize,
		/// The sequence number that should come next.
		expected: u64,
		/// The one found.
		found: u64,
	},
	/// Entry `seq` belongs to another patient's trail.
	WrongPatient {
		/// Its sequence number.
		seq: u64,
	},
	/// Entry `seq` does not hash to the head recorded with it: it (or the one before) was
	/// altered.
	Altered {
		/// Its sequence number.
		seq: u64,
	},
	/// The list ends at `last`, before the trusted head's `trusted`: entries after it are
	/// missing.
	Incomplete {
		/// Last sequence number in the list.
		last: u64,
		/// Sequence number of the trusted head.
		trusted: u64,
	},
	/// The list goes on past the trusted head's sequence number `trusted`.
	BeyondTrusted {
		/// Sequence number of the trusted head.
		trusted: u64,
	},
	/// Every entry matches its recorded head, but the chain does not end at the trusted head:
	/// entries were altered and the heads recomputed.
	HeadMismatch,
}

impl core::fmt::Display for TrailError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			TrailError::OutOfSequence { expected, found, .. } => write!(
				f,
				"has entry {found} where entry {expected} is due: entries are missing or out of \
				 order"
			),
			TrailError::WrongPatient { seq } => {
				write!(f, "has an entry {seq} of another patient's trail")
			}
			TrailError::Altered { seq } => {
				write!(f, "has entry {seq} altered: it does not hash to its recorded head")
			}
			TrailError::Incomplete { last, trusted } => write!(
				f,
				"ends at entry {last}, but the trail's head on chain is entry {trusted}: entries \
				 are missing"
			),
			TrailError::BeyondTrusted { trusted } => {
				write!(f, "goes on past entry {trusted}, the trail's head on chain")
			}
			TrailError::HeadMismatch => write!(
				f,
				"does not end at the trail's head on chain: entries were altered and their heads \
				 recomputed"
			),
		}
	}
}

/// Checks that `records` — `(seq, record)` pairs of `patient`'s trail, starting right after
/// `start` (`TrailHead::default()` for the whole trail) — are exactly the entries that lead
/// to `trusted`, a head read from the chain at a finalised block.
pub fn verify_trail<AccountId: Encode + PartialEq>(
	patient: &AccountId,
	start: TrailHead,
	records: &[SequencedRecord<AccountId>],
	trusted: TrailHead,
) -> Result<(), TrailError> {
	let mut head = start;
	for (position, (seq, record)) in records.iter().enumerate() {
		let expected = head.seq + 1;
		if *seq != expected {
			return Err(TrailError::OutOfSequence { position, expected, found: *seq });
		}
		if expected > trusted.seq {
			return Err(TrailError::BeyondTrusted { trusted: trusted.seq });
		}
		if &record.entry.patient != patient {
			return Err(TrailError::WrongPatient { seq: *seq });
		}
		head = head.append(&record.entry);
		if head.head != record.head {
			return Err(TrailError::Altered { seq: *seq });
		}
	}
	if head.seq < trusted.seq {
		return Err(TrailError::Incomplete { last: head.seq, trusted: trusted.seq });
	}
	if head != trusted {
		return Err(TrailError::HeadMismatch);
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	fn entry(patient: u8, at: Moment) -> AuditEntry<[u8; 32]> {
		AuditEntry {
			patient: [patient; 32],
			actor: [9; 32],
			org: Some(1),
			action: AuditAction::Read,
			subject: Subject::Document(7),
			consent: Some(3),
			purpose: Some(Purpose::Treatment),
			outcome: Outcome::Success,
			at,
			occurred_at: None,
		}
	}

	/// A trail of `n` entries for patient 1, as the chain would store it, and its head.
	fn trail(n: u64) -> (Vec<SequencedRecord<[u8; 32]>>, TrailHead) {
		let mut head = TrailHead::default();
		let mut records = Vec::new();
		for seq in 1..=n {
			let entry = entry(1, seq * 1000);
			head = head.append(&entry);
			records.push((seq, AuditRecord { entry, head: head.head }));
		}
		(records, head)
	}

	#[test]
	fn a_whole_trail_verifies() {
		let (records, head) = trail(5);
		assert_eq!(verify_trail(&[1; 32], TrailHead::default(), &records, head), Ok(()));
		assert_eq!(verify_trail(&[1; 32], TrailHead::default(), &[], TrailHead::default()), Ok(()));
	}

	#[test]
	fn a_page_verifies_from_the_head_before_it() {
		let (records, head) = trail(5);
		let start = TrailHead { seq: 2, head: records[1].1.head };
		assert_eq!(verify_trail(&[1; 32], start, &records[2..], head), Ok(()));
	}

	#[test]
	fn head_follows_the_formula() {
		let e = entry(1, 5);
		let hash = |bytes: &[u8]| sp_crypto_hashing::blake2_256(&[&[0u8; 32][..], bytes].concat());
		// The full encoding ends with `occurred_at`'s; without one, that byte is left out.
		let full = codec::Encode::encode(&e);
		let expected = hash(&full[..full.len() - 1]);
		assert_eq!(TrailHead::default().append(&e), TrailHead { seq: 1, head: expected });
		let reported = AuditEntry { occurred_at: Some(4), ..e };
		let expected = hash(&codec::Encode::encode(&reported));
		assert_eq!(TrailHead::default().append(&reported), TrailHead { seq: 1, head: expected });
	}

	/// A read's reported time is part of what the head proves.
	#[test]
	fn a_changed_read_time_breaks_the_chain() {
		let (mut records, head) = trail(3);
		records[1].1.entry.occurred_at = Some(1);
		assert!(verify_trail(&[1; 32], TrailHead::default(), &records, head).is_err());
	}

	#[test]
	fn a_removed_entry_is_found() {
		let (mut records, head) = trail(5);
		records.remove(2);
		assert_eq!(
			verify_trail(&[1; 32], TrailHead::default(), &records, head),
			Err(TrailError::OutOfSequence { position: 2, expected: 3, found: 4 })
		);
	}

	#[test]
	fn a_removed_last_entry_is_found() {
		let (mut records, head) = trail(5);
		records.pop();
		assert_eq!(
			verify_trail(&[1; 32], TrailHead::default(), &records, head),
			Err(TrailError::Incomplete { last: 4, trusted: 5 })
		);
	}

	#[test]
	fn reordered_entries_are_found() {
		let (mut records, head) = trail(5);
		records.swap(1, 2);
		assert_eq!(
			verify_trail(&[1; 32], TrailHead::default(), &records, head),
			Err(TrailError::OutOfSequence { position: 1, expected: 2, found: 3 })
		);
		// Renumbered after the swap, the recorded heads no longer match.
		records[1].0 = 2;
		records[2].0 = 3;
		assert_eq!(
			verify_trail(&[1; 32], TrailHead::default(), &records, head),
			Err(TrailError::Altered { seq: 2 })
		);
	}

	#[test]
	fn an_altered_entry_is_found() {
		let (mut records, head) = trail(5);
		records[3].1.entry.outcome = Outcome::Refused(Refusal::NoConsent);
		assert_eq!(
			verify_trail(&[1; 32], TrailHead::default(), &records, head),
			Err(TrailError::Altered { seq: 4 })
		);
	}

	#[test]
	fn altered_entries_with_recomputed_heads_do_not_reach_the_trusted_head() {
		let (mut records, head) = trail(5);
		records[3].1.entry.at += 1;
		let mut recomputed = TrailHead { seq: 3, head: records[2].1.head };
		for (_, record) in records.iter_mut().skip(3) {
			recomputed = recomputed.append(&record.entry);
			record.head = recomputed.head;
		}
		assert_eq!(
			verify_trail(&[1; 32], TrailHead::default(), &records, head),
			Err(TrailError::HeadMismatch)
		);
	}

	#[test]
	fn entries_past_the_trusted_head_or_of_another_patient_are_refused() {
		let (records, head) = trail(5);
		let earlier = TrailHead { seq: 4, head: records[3].1.head };
		assert_eq!(
			verify_trail(&[1; 32], TrailHead::default(), &records, earlier),
			Err(TrailError::BeyondTrusted { trusted: 4 })
		);
		assert_eq!(
			verify_trail(&[2; 32], TrailHead::default(), &records, head),
			Err(TrailError::WrongPatient { seq: 1 })
		);
	}
}
