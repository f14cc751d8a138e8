//! `subscribe_events`: notifications over WebSocket, each filtered to what concerns the
//! subscriber.

use crate::{
	access::{Ownership, ANY},
	values::Hex32,
};
use medledger_chain_client::DomainEvent;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What a subscriber receives, with `kind` naming it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Notification {
	/// A domain event in a finalised block.
	Event {
		/// The event.
		#[serde(flatten)]
		event: DomainEvent,
		/// The finalised block it is in.
		block: u64,
	},
	/// One of this gateway's writes (or a patient's relayed decision) was finalised.
	Finalised(Finalised),
}

/// A write was finalised (`kind: "finalised"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename = "finalised")]
pub struct Finalised {
	/// The block it is in.
	pub block: Hex32,
}

/// Notifications (the subscription's items are [`Notification`]s).
#[jsonrpsee::proc_macros::rpc(server, client)]
pub trait EventsApi {
	/// Consent requested / granted / denied / revoked / expired / break-glass, document
	/// added, document accessed, finality of the gateway's writes — each to the subscribers
	/// it concerns.
	#[subscription(
		name = "subscribe_events" => "events",
		unsubscribe = "unsubscribe_events",
		item = Notification,
		with_extensions
	)]
	async fn subscribe_events(&self) -> jsonrpsee::core::SubscriptionResult;
}

/// This namespace's methods.
pub const METHODS: &[&super::Method] = &[&super::Method {
	name: "subscribe_events",
	callers: ANY,
	ownership: Ownership::Notifications,
	summary: "Notifications over WebSocket (method `events`): consent requested / granted / denied / revoked / expired / break-glass, document added, document accessed, finality of the gateway's writes — each to the subscribers it concerns.",
	param_names: &[],
	params: |_| Vec::new(),
	result: |generator| generator.subschema_for::<Notification>(),
	subscription: true,
	carries_file: false,
}];
