//! Notifications for WebSocket subscribers, from the events of finalised blocks, each with
//! the audience allowed to receive it ([`crate::access::may_see`] decides per subscriber).
//!
//! Each finalised block's events are read once and turned into [`DomainEvent`]s: consent
//! requested / granted / denied / revoked / expired / break-glass, document added, document
//! accessed (an audited read). Finality of the gateway's own writes is sent by
//! [`crate::Gateway::watch_finality`].

use crate::Gateway;
use medledger_chain_client::{DomainEvent, H256};
use medledger_gateway_api::{api::events::Notification, GatewayError};
use pallet_consortium::{OrgId, Role};
use sp_runtime::AccountId32;
use std::{sync::Arc, time::Duration};

/// How long a block's notifications wait for the audit index to file it.
const INDEX_PATIENCE: Duration = Duration::from_secs(10);

/// Who may receive a notification, besides auditors (who see every event on chain).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audience {
	/// The patient it is about.
	pub patient: Option<AccountId32>,
	/// The hospitals it concerns: their staff receive it.
	pub organisations: Vec<OrgId>,
}

/// Follows finalised heads until the gateway stops, reconnecting after node outages.
pub async fn run(gw: Arc<Gateway>) {
	let mut next: Option<u64> = None;
	loop {
		if let Err(error) = follow(&gw, &mut next).await {
			tracing::debug!(%error, "finalised-head subscription ended; resubscribing");
		}
		tokio::time::sleep(Duration::from_secs(2)).await;
	}
}

async fn follow(gw: &Gateway, next: &mut Option<u64>) -> Result<(), GatewayError> {
	let mut heads = gw.chain.finalised_heads().await?;
	while let Some(Ok(header)) = heads.next().await {
		let number = u64::from(header.number);
		// Finality can jump several blocks: notify for each, in order.
		let first = next.unwrap_or(number);
		for n in first..=number {
			let Some(hash) = gw.chain.block_hash(n).await? else { continue };
			// Told of a block's events once the audit index holds them, a subscriber who
			// then asks for a trail or a history finds them there; an index stuck or
			// rebuilding delays notifications by at most `INDEX_PATIENCE`.
			if !gw.index.filed(n, INDEX_PATIENCE).await {
				tracing::warn!(
					block = n,
					"the audit index has not filed this block: notifying anyway"
				);
			}
			for record in gw.chain.events_at(hash).await? {
				// Audiences cost state reads: none are made while nobody listens.
				if gw.notifications.receiver_count() == 0 {
					continue;
				}
				let Ok(event) = DomainEvent::try_from(&record.event) else { continue };
				let audience = audience(gw, &event, hash).await?;
				let _ = gw.notifications.send((audience, Notification::Event { event, block: n }));
			}
		}
		*next = Some(number + 1);
	}
	Ok(())
}

/// The patient an event is about and the hospitals it concerns: the hospital it names, or
/// for a read, the hospital that issued the document and the reader's hospital.
async fn audience(gw: &Gateway, event: &DomainEvent, at: H256) -> Result<Audience, GatewayError> {
	let mut organisations: Vec<OrgId> = event.organisation().into_iter().collect();
	if let DomainEvent::DocumentAccessed { document, actor, .. } = event {
		let api = gw.chain.api_at(at);
		if let Some((_, issuer)) = crate::records::owner(api, *document).await? {
			organisations.push(issuer);
		}
		if let Some(member) = api.member(actor).await? {
			if let Role::Clinician(org) | Role::OrgAdmin(org) = member.role {
				organisations.push(org);
			}
		}
	}
	Ok(Audience { patient: Some(event.patient().clone()), organisations })
}
