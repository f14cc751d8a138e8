//! The runtime APIs the node, the gateway, the explorer and the verifier call.

use crate::{
	genesis, opaque::SessionKeys, AccountId, Aura, Block, BlockNumber, Consent as ConsentPallet,
	Documents, Executive, Grandpa, InherentDataExt, Nonce, Runtime, RuntimeGenesisConfig, System,
	VERSION,
};
use alloc::vec::Vec;
use frame_support::genesis_builder_helper::{build_state, get_preset};
use medledger_primitives::{
	audit::{Refusal, TrailHead},
	Action, ConsentId, DocId, Purpose,
};
use pallet_consent::{Access, Consent, KeyWrap, PatientWrap};
use pallet_consortium::{Member, NodeKey, OrgId, OrganisationOf, Standing};
use pallet_documents::{Batch, BatchedDocument, Document};
use sp_api::impl_runtime_apis;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_core::{crypto::KeyTypeId, OpaqueMetadata};
use sp_inherents::{CheckInherentsResult, InherentData};
use sp_runtime::{
	traits::{Block as BlockT, NumberFor},
	transaction_validity::{TransactionSource, TransactionValidity},
	ApplyExtrinsicResult, ExtrinsicInclusionMode,
};
use sp_session::OpaqueGeneratedSessionKeys;
use sp_version::RuntimeVersion;

impl_runtime_apis! {
	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block);
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: InherentData,
		) -> CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl sp_consensus_aura::AuraApi<Block, AuraId> for Runtime {
		fn slot_duration() -> sp_consensus_aura::SlotDuration {
			sp_consensus_aura::SlotDuration::from_millis(Aura::slot_duration())
		}

		fn authorities() -> Vec<AuraId> {
			pallet_aura::Authorities::<Runtime>::get().into_inner()
		}
	}

	impl sp_session::SessionKeys<Block> for Runtime {
		fn generate_session_keys(owner: Vec<u8>, seed: Option<Vec<u8>>) -> OpaqueGeneratedSessionKeys {
			SessionKeys::generate(&owner, seed).into()
		}

		fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
			SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl sp_consensus_grandpa::GrandpaApi<Block> for Runtime {
		fn grandpa_authorities() -> sp_consensus_grandpa::AuthorityList {
			Grandpa::grandpa_authorities()
		}

		fn current_set_id() -> sp_consensus_grandpa::SetId {
			Grandpa::current_set_id()
		}

		// Equivocations are not reported on chain: validators are known hospitals, and
		// misbehaviour is handled by a consortium vote, not by slashing.
		fn submit_report_equivocation_unsigned_extrinsic(
			_equivocation_proof: sp_consensus_grandpa::EquivocationProof<
				<Block as BlockT>::Hash,
				NumberFor<Block>,
			>,
			_key_owner_proof: sp_consensus_grandpa::OpaqueKeyOwnershipProof,
		) -> Option<()> {
			None
		}

		fn generate_key_ownership_proof(
			_set_id: sp_consensus_grandpa::SetId,
			_authority_id: GrandpaId,
		) -> Option<sp_consensus_grandpa::OpaqueKeyOwnershipProof> {
			None
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, genesis::get_preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			genesis::preset_names()
		}
	}

	#[api_version(3)]
	impl pallet_audit::AuditApi<Block, AccountId> for Runtime {
		fn trail_head(patient: AccountId) -> TrailHead {
			pallet_audit::Trails::<Runtime>::get(patient)
		}
	}

	#[api_version(3)]
	impl pallet_documents::DocumentsApi<
		Block,
		AccountId,
		Document<Runtime>,
		BatchedDocument<Runtime>,
		Batch<Runtime>,
	> for Runtime {
		fn document(id: DocId) -> Option<Document<Runtime>> {
			Documents::document(id)
		}

		fn batched(id: DocId) -> Option<(BatchedDocument<Runtime>, Batch<Runtime>)> {
			Documents::batched(id)
		}

		fn document_id(commitment: medledger_primitives::Hash, org: OrgId) -> Option<DocId> {
			Documents::document_id(&commitment, org)
		}

		fn documents_by_commitment(
			commitment: medledger_primitives::Hash,
		) -> Vec<(DocId, Document<Runtime>)> {
			Documents::by_commitment(&commitment)
		}

		fn documents_by_patient(
			patient: AccountId,
			after: Option<DocId>,
			limit: u32,
		) -> Vec<(DocId, Document<Runtime>)> {
			Documents::by_patient(&patient, after, limit)
		}

		fn documents_by_organisation(
			org: OrgId,
			after: Option<DocId>,
			limit: u32,
		) -> Vec<(DocId, Document<Runtime>)> {
			Documents::by_organisation(org, after, limit)
		}
	}

	#[api_version(2)]
	impl pallet_consent::ConsentApi<Block, AccountId, Consent<Runtime>, KeyWrap<Runtime>, PatientWrap<Runtime>>
		for Runtime
	{
		fn consent(id: ConsentId) -> Option<Consent<Runtime>> {
			ConsentPallet::consent(id)
		}

		fn consents_by_patient(
			patient: AccountId,
			after: Option<ConsentId>,
			limit: u32,
		) -> Vec<(ConsentId, Consent<Runtime>)> {
			ConsentPallet::by_patient(&patient, after, limit)
		}

		fn consents_by_organisation(
			org: OrgId,
			after: Option<ConsentId>,
			limit: u32,
		) -> Vec<(ConsentId, Consent<Runtime>)> {
			ConsentPallet::by_organisation(org, after, limit)
		}

		fn can_access(
			who: AccountId,
			document: DocId,
			action: Action,
			purpose: Option<Purpose>,
		) -> Result<Access, Refusal> {
			ConsentPallet::can_access(&who, document, action, purpose)
		}

		fn key_wrap(document: DocId, org: OrgId) -> Option<KeyWrap<Runtime>> {
			ConsentPallet::key_wrap(document, org)
		}

		fn patient_wrap(document: DocId) -> Option<PatientWrap<Runtime>> {
			ConsentPallet::patient_wrap(document)
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	impl frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(extra: bool) -> (
			Vec<frame_benchmarking::BenchmarkList>,
			Vec<frame_support::traits::StorageInfo>,
		) {
			crate::benchmarks::metadata(extra)
		}

		fn dispatch_benchmark(
			config: frame_benchmarking::BenchmarkConfig,
		) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			crate::benchmarks::dispatch(config)
		}
	}

	impl pallet_consortium::ConsortiumApi<Block, AccountId, BlockNumber, OrganisationOf<Runtime>> for Runtime {
		fn organisations() -> Vec<(OrgId, OrganisationOf<Runtime>)> {
			pallet_consortium::Organisations::<Runtime>::iter().collect()
		}

		fn member(who: AccountId) -> Option<Member<BlockNumber>> {
			pallet_consortium::Members::<Runtime>::get(who)
		}

		fn standing(who: AccountId) -> Standing {
			pallet_consortium::Pallet::<Runtime>::standing(&who)
		}

		fn authorized_nodes() -> Vec<NodeKey> {
			pallet_consortium::Pallet::<Runtime>::authorized_nodes()
		}
	}
}
