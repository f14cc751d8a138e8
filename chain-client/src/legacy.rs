//! Events of blocks made before a runtime upgrade changed their shape.
//!
//! A block's events are decoded with the runtime types this client is built with; an event
//! that changed shape since makes an older block's list undecodable. The one change so far:
//! `Audit.Recorded`, which before the audit pallet's storage version 2 named the entry's
//! fields and left the entry itself in state. Those old events are left out: the upgrade
//! block deposited every entry again, whole, as a new-shape `Recorded` event.

use crate::EventRecords;
use codec::{Compact, Decode};
use frame_support::traits::{PalletInfoAccess, StorageVersion};
use frame_system::{EventRecord, Phase};
use medledger_primitives::audit::{AuditAction, Outcome, Subject};
use medledger_runtime::{AccountId, Runtime, RuntimeEvent};
use sp_core::H256;

/// The audit pallet's storage version from which `Recorded` carries the whole entry (and
/// state keeps only the trails' heads). Blocks before it recorded entries in state; the
/// upgrade to it deposited every one of them again, as events of the upgrade block.
pub const AUDIT_IN_BLOCKS: StorageVersion = StorageVersion::new(2);

/// `Audit`'s event as storage version 1 deposited it.
#[derive(Decode)]
// Decoded to be skipped: its fields are read past, never used.
#[allow(dead_code)]
enum AuditEventV1 {
	Recorded {
		patient: AccountId,
		seq: u64,
		actor: AccountId,
		action: AuditAction,
		subject: Subject,
		outcome: Outcome,
	},
}

/// `System.Events` of a block before audit storage version 2: every event in today's
/// types, but the audit pallet's, which are read in their old shape and left out.
pub(crate) fn events_before_audit_v2(bytes: &[u8]) -> Result<EventRecords, codec::Error> {
	let audit = <pallet_audit::Pallet<Runtime> as PalletInfoAccess>::index() as u8;
	let input = &mut &bytes[..];
	let count = Compact::<u32>::decode(input)?.0;
	let mut events = Vec::new();
	for _ in 0..count {
		let phase = Phase::decode(input)?;
		if input.first() == Some(&audit) {
			*input = &input[1..];
			AuditEventV1::decode(input)?;
			Vec::<H256>::decode(input)?;
			continue;
		}
		let event = RuntimeEvent::decode(input)?;
		let topics = Vec::<H256>::decode(input)?;
		events.push(EventRecord { phase, event, topics });
	}
	if !input.is_empty() {
		return Err("bytes left after the last event".into());
	}
	Ok(events)
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Encode;

	/// A block of before the upgrade: a system event, an old-shape audit event, a consent
	/// event. Today's types cannot decode the list; the other events come out as they were.
	#[test]
	fn an_old_blocks_events_decode_without_its_old_audit_entries() {
		let record = |event: RuntimeEvent| EventRecord {
			phase: Phase::ApplyExtrinsic(1),
			event,
			topics: vec![H256::repeat_byte(9)],
		};
		let system = record(RuntimeEvent::System(frame_system::Event::CodeUpdated {
			hash: H256::repeat_byte(5),
		}));
		let consent = record(RuntimeEvent::Consent(pallet_consent::Event::Revoked {
			id: 4,
			patient: AccountId::new([1; 32]),
			org: 2,
		}));
		let audit = <pallet_audit::Pallet<Runtime> as PalletInfoAccess>::index() as u8;
		let mut bytes = Compact(3u32).encode();
		bytes.extend(system.encode());
		bytes.extend(Phase::ApplyExtrinsic(1).encode());
		bytes.extend([audit, 0]);
		bytes.extend(
			(AccountId::new([1; 32]), 7u64, AccountId::new([2; 32]), AuditAction::Read).encode(),
		);
		bytes.extend((Subject::Document(3), Outcome::Success, vec![H256::zero()]).encode());
		bytes.extend(consent.encode());

		assert!(EventRecords::decode(&mut &bytes[..]).is_err());
		let events = events_before_audit_v2(&bytes).unwrap();
		assert_eq!(events.encode(), vec![system, consent].encode());
		assert!(events_before_audit_v2(&bytes[..bytes.len() - 1]).is_err());
	}
}
