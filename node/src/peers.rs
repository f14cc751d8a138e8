//! Peer permissioning: the node talks only to the consortium's authorised nodes.
//!
//! The authorised node identities live on chain (`pallet-consortium`, changed by consortium
//! vote). When the chain lists any, the node starts with non-reserved peers denied and makes
//! exactly those identities its reserved peers; after every finalised block it re-reads the
//! list, so an admitted hospital's node is accepted, and a suspended one dropped, as soon as
//! the vote is final. Enforcement is the node's own (sc-network's reserved-only mode on the
//! block-sync protocol, which every other protocol follows), not an offchain worker's.
//!
//! What it does not do: reserved-only mode governs the notification protocols (block
//! announces, transactions, GRANDPA votes). A peer outside the list that reaches the p2p
//! port can still open a libp2p connection and have request-response queries answered
//! (block, state and warp-sync requests): it cannot inject anything, but it can read the
//! chain. Firewall the p2p port to the consortium's addresses.

use crate::service::FullClient;
use futures::StreamExt;
use medledger_runtime::{opaque::Block, AccountId, BlockNumber, Runtime};
use pallet_consortium::{ConsortiumApi, NodeKey, OrganisationOf};
use sc_client_api::BlockchainEvents;
use sc_network::{NetworkPeers, PeerId};
use sp_api::ProvideRuntimeApi;
use sp_runtime::traits::Block as BlockT;
use std::{collections::HashSet, sync::Arc};

const LOG_TARGET: &str = "medledger::peers";

/// Peer ids of node identities (ed25519 public keys). Keys that are not valid ed25519 points
/// cannot identify a peer and are skipped with a warning.
pub fn peer_ids(keys: &[NodeKey]) -> HashSet<PeerId> {
	keys.iter()
		.filter_map(|key| match sc_network_types::ed25519::PublicKey::try_from_bytes(key) {
			Ok(public) => Some(public.to_peer_id()),
			Err(_) => {
				log::warn!(target: LOG_TARGET, "ignoring an authorised node key that is not an ed25519 point");
				None
			}
		})
		.collect()
}

/// The authorised peers at `at`, or `None` where the chain does not restrict peers.
pub fn authorized_at(
	client: &FullClient,
	at: <Block as BlockT>::Hash,
) -> Result<Option<HashSet<PeerId>>, sp_api::ApiError> {
	let keys =
		ConsortiumApi::<Block, AccountId, BlockNumber, OrganisationOf<Runtime>>::authorized_nodes(
			&*client.runtime_api(),
			at,
		)?;
	Ok((!keys.is_empty()).then(|| peer_ids(&keys)))
}

/// Makes `peers` (less the node itself) the node's reserved peers.
pub fn apply(network: &dyn NetworkPeers, local: PeerId, peers: &HashSet<PeerId>) {
	let others: HashSet<_> = peers.iter().filter(|p| **p != local).copied().collect();
	log::info!(target: LOG_TARGET, "authorised peers: {}", others.len());
	network.set_authorized_peers(others);
}

/// Follows finality and re-applies the authorised peers whenever the list changes.
pub async fn follow_finality(
	client: Arc<FullClient>,
	network: Arc<dyn NetworkPeers + Send + Sync>,
	local: PeerId,
	mut current: HashSet<PeerId>,
) {
	let mut finality = client.finality_notification_stream();
	while let Some(notification) = finality.next().await {
		match authorized_at(&client, notification.hash) {
			// A restricted chain never becomes unrestricted by emptying its list: that
			// would open the node to anyone. An empty list isolates the node instead.
			Ok(peers) => {
				let peers = peers.unwrap_or_default();
				if peers != current {
					apply(&*network, local, &peers);
					current = peers;
				}
			}
			Err(e) => log::warn!(target: LOG_TARGET, "cannot read the authorised nodes: {e}"),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn well_known_node_keys_give_the_well_known_peer_ids() {
		// `--node-key 0000…0001` is Alice's node in the standard hand start.
		let alice: NodeKey =
			hex_literal::hex!("4cb5abf6ad79fbf5abbccafcc269d85cd2651ed4b885b5869f241aedf0a5ba29");
		let ids = peer_ids(&[alice]);
		let expected: PeerId =
			"12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp".parse().unwrap();
		assert_eq!(ids, HashSet::from([expected]));
	}

	#[test]
	fn invalid_keys_are_skipped() {
		// y = 2 has no x on edwards25519: not a public key.
		let mut bogus: NodeKey = [0; 32];
		bogus[0] = 2;
		assert!(peer_ids(&[bogus]).is_empty());
	}
}
