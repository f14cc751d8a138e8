//! The portal: this gateway's implementation of the API's server traits
//! (`medledger_gateway_api::api`), one file per namespace. Handlers are thin: by the time
//! one runs, the access middleware (`crate::access`) has authenticated the caller, checked
//! the role and what a patient owns, and put the [`Authorised`] caller in the call's
//! extensions; jsonrpsee has parsed the typed parameters.

mod audit;
mod consent;
pub(crate) mod documents;
mod events;
mod members;
mod proofs;

pub(crate) use documents::{audit_refused_attempt, read_document};

use crate::{access::Authorised, Gateway};
use jsonrpsee::{Extensions, RpcModule};
use medledger_chain_client::DomainEvent;
use medledger_gateway_api::{
	api::{
		audit::AuditApiServer, consent::ConsentApiServer, documents::DocumentsApiServer,
		events::EventsApiServer, explorer::ExplorerApiServer, members::MembersApiServer,
		proofs::ProofsApiServer,
	},
	values::{Account, Hex32},
	GatewayError, Written,
};
use medledger_primitives::{DocId, MAX_PAGE};
use medledger_runtime::{Runtime, RuntimeCall};
use pallet_documents::Document;
use std::{ops::Deref, sync::Arc};

/// The gateway as the API's server.
#[derive(Clone)]
pub struct Portal(pub Arc<Gateway>);

impl Deref for Portal {
	type Target = Gateway;

	fn deref(&self) -> &Gateway {
		&self.0
	}
}

/// Every namespace's methods and `rpc.discover`, in one module.
pub fn module(gw: Arc<Gateway>) -> RpcModule<()> {
	let portal = Portal(gw);
	let mut module = RpcModule::new(());
	let namespaces = [
		MembersApiServer::into_rpc(portal.clone()).remove_context(),
		DocumentsApiServer::into_rpc(portal.clone()).remove_context(),
		ProofsApiServer::into_rpc(portal.clone()).remove_context(),
		ConsentApiServer::into_rpc(portal.clone()).remove_context(),
		AuditApiServer::into_rpc(portal.clone()).remove_context(),
		EventsApiServer::into_rpc(portal.clone()).remove_context(),
		ExplorerApiServer::into_rpc(medledger_explorer::Explorer::new(
			portal.chain.clone(),
			portal.index.clone(),
		))
		.remove_context(),
	];
	for namespace in namespaces {
		module.merge(namespace).expect("method names are unique");
	}
	module
		.register_method("rpc.discover", |_, _, _| medledger_gateway_api::openrpc())
		.expect("method names are unique");
	module
}

/// The caller the access middleware authorised for this call.
pub(crate) fn caller(ext: &Extensions) -> Result<&Authorised, GatewayError> {
	ext.get::<Authorised>()
		.ok_or_else(|| GatewayError::internal("a portal method ran without the access middleware"))
}

/// Submits `call` signed by the caller's key at this gateway; the block and the events.
pub(crate) async fn write(
	gw: &Gateway,
	caller: &Authorised,
	call: RuntimeCall,
) -> Result<Written, GatewayError> {
	// Credentials issued for an account whose key is elsewhere sign nothing here.
	let name = caller.credential.key_name.as_deref().ok_or_else(|| GatewayError::Forbidden {
		role: "a member without a key at this gateway".into(),
		method: "a method that signs".into(),
	})?;
	let signer = gw.signing_pair(name).await?;
	let (included, watch) = gw.chain.submit(&signer, call).await?;
	gw.watch_finality(watch, None);
	Ok(written(included))
}

/// What an included extrinsic did, as the API tells it.
pub(crate) fn written(included: medledger_chain_client::Included) -> Written {
	Written {
		block: Hex32::from(included.block),
		events: included.events.iter().filter_map(|e| DomainEvent::try_from(e).ok()).collect(),
	}
}

/// Document `id`'s record on chain.
pub(crate) async fn document_record(
	gw: &Gateway,
	id: DocId,
) -> Result<Document<Runtime>, GatewayError> {
	let doc = medledger_index::record_at(&gw.chain, &gw.index, None, id).await?;
	doc.ok_or(GatewayError::UnknownDocument(id))
}

/// Refuses empty or over-long text.
pub(crate) fn check_text(field: &'static str, text: &str, max: usize) -> Result<(), GatewayError> {
	if text.is_empty() {
		return Err(GatewayError::invalid(field, "must not be empty"));
	}
	if text.len() > max {
		return Err(GatewayError::invalid(field, format!("longer than {max} bytes")));
	}
	Ok(())
}

/// Whose records a list method lists.
pub(crate) enum Whose {
	/// A patient's.
	Patient(sp_runtime::AccountId32),
	/// An organisation's.
	Organisation(u32),
}

/// The one of `patient` and `organisation` a list method was given.
pub(crate) fn whose(
	patient: Option<Account>,
	organisation: Option<u32>,
) -> Result<Whose, GatewayError> {
	match (patient, organisation) {
		(Some(patient), None) => Ok(Whose::Patient(patient.0)),
		(None, Some(org)) => Ok(Whose::Organisation(org)),
		_ => Err(GatewayError::invalid("params", "give exactly one of patient, organisation")),
	}
}

/// A page size asked for, bounded by the chain's page limit.
pub(crate) fn page_limit(limit: Option<u32>) -> u32 {
	limit.unwrap_or(100).min(MAX_PAGE)
}
