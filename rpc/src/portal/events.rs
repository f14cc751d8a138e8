//! `subscribe_events`: each subscriber receives the notifications that concern it
//! (`crate::access::may_see`), for as long as its credential stays valid.

use super::{caller, Portal};
use crate::access::may_see;
use jsonrpsee::{
	core::SubscriptionResult, Extensions, PendingSubscriptionSink, SubscriptionMessage,
};
use medledger_gateway_api::api::events::EventsApiServer;
use tokio::sync::broadcast;

#[jsonrpsee::core::async_trait]
impl EventsApiServer for Portal {
	async fn subscribe_events(
		&self,
		pending: PendingSubscriptionSink,
		ext: &Extensions,
	) -> SubscriptionResult {
		let subscriber = caller(ext)?.clone();
		let mut notifications = self.notifications.subscribe();
		let sink = pending.accept().await?;
		loop {
			let (audience, notification) = match notifications.recv().await {
				Ok(next) => next,
				// A slow subscriber misses what it could not keep up with.
				Err(broadcast::error::RecvError::Lagged(_)) => continue,
				Err(broadcast::error::RecvError::Closed) => break,
			};
			if !may_see(&subscriber, self.organisation, &audience) {
				continue;
			}
			// A credential revoked while the socket is open ends the subscription.
			if !self.credentials.is_valid(&subscriber.credential) {
				break;
			}
			if sink.send(SubscriptionMessage::from_json(&notification)?).await.is_err() {
				break;
			}
		}
		Ok(())
	}
}
