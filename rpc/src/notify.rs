//! Notifications for WebSocket subscribers, from the events of finalised blocks.
//!
//! Each finalised block's events are read once and turned into domain notifications:
//! consent requested / granted / denied / revoked / expired / break-glass, document added,
//! document accessed (an audited read). Finality of the gateway's own writes is sent by
//! [`crate::Gateway::watch_finality`].

use crate::{views, Gateway};
use medledger_primitives::audit::{AuditAction, Subject};
use medledger_runtime::RuntimeEvent;
use pallet_consent::Event as ConsentEvent;
use serde_json::{json, Value};
use std::{sync::Arc, time::Duration};

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

async fn follow(gw: &Gateway, next: &mut Option<u64>) -> Result<(), crate::error::GatewayError> {
	let mut heads = gw.chain.finalised_heads().await?;
	while let Some(Ok(header)) = heads.next().await {
		let number = crate::chain::header_number(&header).unwrap_or(0);
		// Finality can jump several blocks: notify for each, in order.
		let first = next.unwrap_or(number);
		for n in first..=number {
			let Some(hash) = gw.chain.block_hash(n).await? else { continue };
			for record in gw.chain.events_at(hash).await? {
				if let Some(mut note) = notification(&record.event) {
					note["block"] = json!(n);
					let _ = gw.notifications.send(note);
				}
			}
		}
		*next = Some(number + 1);
	}
	Ok(())
}

/// The notification for an event, if subscribers care about it.
pub fn notification(event: &RuntimeEvent) -> Option<Value> {
	Some(match event {
		RuntimeEvent::Consent(e) => match e {
			ConsentEvent::Requested { id, patient, org, .. } => {
				json!({ "kind": "consentRequested", "consent": id, "patient": views::account(patient), "organisation": org })
			}
			ConsentEvent::Granted { id, patient, org } => {
				json!({ "kind": "consentGranted", "consent": id, "patient": views::account(patient), "organisation": org })
			}
			ConsentEvent::Denied { id, patient, org } => {
				json!({ "kind": "consentDenied", "consent": id, "patient": views::account(patient), "organisation": org })
			}
			ConsentEvent::Revoked { id, patient, org } => {
				json!({ "kind": "consentRevoked", "consent": id, "patient": views::account(patient), "organisation": org })
			}
			ConsentEvent::Expired { id, patient, org } => {
				json!({ "kind": "consentExpired", "consent": id, "patient": views::account(patient), "organisation": org })
			}
			ConsentEvent::BreakGlass { id, patient, org, until, .. } => {
				json!({ "kind": "breakGlass", "consent": id, "patient": views::account(patient), "organisation": org, "until": until })
			}
			_ => return None,
		},
		RuntimeEvent::Documents(pallet_documents::Event::Anchored { id, patient, org, .. }) => {
			json!({ "kind": "documentAdded", "document": id, "patient": views::account(patient), "organisation": org })
		}
		RuntimeEvent::Audit(pallet_audit::Event::Recorded {
			patient,
			seq,
			actor,
			action: AuditAction::Read,
			subject: Subject::Document(document),
			outcome,
		}) => json!({
			"kind": "documentAccessed",
			"document": document,
			"patient": views::account(patient),
			"actor": views::account(actor),
			"seq": seq,
			"granted": matches!(outcome, medledger_primitives::audit::Outcome::Success),
		}),
		_ => return None,
	})
}
