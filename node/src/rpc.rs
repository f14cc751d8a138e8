//! RPC methods beyond Substrate's standard set (system, chain, state — including
//! `state_getReadProof` — author, offchain): account nonces for signing clients, and GRANDPA
//! (`grandpa_proveFinality`, `grandpa_roundState`, `grandpa_subscribeJustifications`),
//! which patients' proof bundles are built from.

use crate::service::{FullBackend, FullClient};
use jsonrpsee::RpcModule;
use medledger_runtime::opaque::Block;
use sc_consensus_grandpa::{
	FinalityProofProvider, GrandpaJustificationStream, SharedAuthoritySet, SharedVoterState,
};
use sc_consensus_grandpa_rpc::{Grandpa, GrandpaApiServer};
use sc_rpc::SubscriptionTaskExecutor;
use sc_transaction_pool_api::TransactionPool;
use std::sync::Arc;
use substrate_frame_rpc_system::{System, SystemApiServer};

/// What the GRANDPA RPC reads.
pub struct GrandpaDeps {
	/// The voter's round state.
	pub shared_voter_state: SharedVoterState,
	/// The current authority set.
	pub shared_authority_set: SharedAuthoritySet<
		<Block as sp_runtime::traits::Block>::Hash,
		sp_runtime::traits::NumberFor<Block>,
	>,
	/// New justifications, for subscribers.
	pub justification_stream: GrandpaJustificationStream<Block>,
	/// Runs subscriptions.
	pub subscription_executor: SubscriptionTaskExecutor,
	/// Builds finality proofs from stored justifications.
	pub finality_provider: Arc<FinalityProofProvider<FullBackend, Block>>,
}

/// Everything the extra RPC methods need.
pub struct FullDeps<P> {
	/// The client.
	pub client: Arc<FullClient>,
	/// The transaction pool.
	pub pool: Arc<P>,
	/// GRANDPA's state.
	pub grandpa: GrandpaDeps,
}

/// The extra RPC methods.
pub fn create_full<P>(
	deps: FullDeps<P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	P: TransactionPool<Block = Block> + 'static,
{
	let FullDeps { client, pool, grandpa } = deps;
	let mut module = RpcModule::new(());
	module.merge(System::new(client, pool).into_rpc())?;
	module.merge(
		Grandpa::new(
			grandpa.subscription_executor,
			grandpa.shared_authority_set,
			grandpa.shared_voter_state,
			grandpa.justification_stream,
			grandpa.finality_provider,
		)
		.into_rpc(),
	)?;
	Ok(module)
}
