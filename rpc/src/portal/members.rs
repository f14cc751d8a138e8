//! `organisation_list`, `member_get`, `patient_register`, `staff_register`, and the relay of
//! what patients sign themselves (`patient_relayContext`, `patient_relay`).

use super::{caller, write, written, Portal};
use jsonrpsee::{core::RpcResult, Extensions};
use medledger_gateway_api::{
	api::members::{Member, MembersApiServer, Organisation, RelayContext, StaffRegistered},
	values::{Account, Hex32, HexBytes, KeyProof, StaffRole},
	GatewayError, Written,
};
use medledger_runtime::{Runtime, RuntimeCall};
use pallet_consortium::{OrgId, Role};
use sp_runtime::AccountId32;

#[jsonrpsee::core::async_trait]
impl MembersApiServer for Portal {
	async fn organisation_list(&self, _: &Extensions) -> RpcResult<Vec<Organisation>> {
		let orgs: Vec<(OrgId, pallet_consortium::OrganisationOf<Runtime>)> =
			self.chain.api().organisations().await.map_err(GatewayError::from)?;
		Ok(orgs
			.iter()
			.map(|(id, org)| Organisation {
				id: *id,
				name: String::from_utf8_lossy(&org.name).into_owned(),
				status: org.status.into(),
				delegate: Account::from(&org.delegate),
				validator: org.validator.as_ref().map(Account::from),
			})
			.collect())
	}

	async fn member_get(&self, _: &Extensions, account: Account) -> RpcResult<Option<Member>> {
		let member: Option<pallet_consortium::Member<u32>> =
			self.chain.api().member(&account.0).await.map_err(GatewayError::from)?;
		Ok(member.map(|m| Member {
			account,
			role: m.role.into(),
			status: m.status.into(),
			encryption_key: Hex32(m.encryption_key),
			registered_at: m.registered_at,
		}))
	}

	async fn patient_register(
		&self,
		ext: &Extensions,
		account: Account,
		encryption_key: Hex32,
		proof: KeyProof,
	) -> RpcResult<Written> {
		let call = RuntimeCall::Consortium(pallet_consortium::Call::register_member {
			who: account.0,
			role: Role::Patient,
			encryption_key: encryption_key.0,
			proof: proof.0,
		});
		Ok(write(self, caller(ext)?, call).await?)
	}

	/// Staff are registered with the hospital's encryption key: data keys are wrapped to
	/// hospitals, not to individual staff. The key is kept only once the chain has
	/// registered it: a refused registration leaves the keystore as it was.
	async fn staff_register(
		&self,
		ext: &Extensions,
		name: String,
		role: StaffRole,
	) -> RpcResult<StaffRegistered> {
		let (org, encryption_key) = {
			let keystore = self.keystore.read().await;
			if name.is_empty() || name.len() > 64 || keystore.account(&name).is_some() {
				return Err(GatewayError::invalid("name", "empty, too long or already used").into());
			}
			(keystore.organisation(), *keystore.encryption_public().as_bytes())
		};
		let role = match role {
			StaffRole::Clinician => Role::Clinician(org),
			StaffRole::Admin => Role::OrgAdmin(org),
		};
		let (pair, secret_uri) = crate::keystore::generate_pair();
		let account: AccountId32 = sp_core::Pair::public(&pair).into();
		// The new staff key signs its own key statement (the gateway holds it).
		let genesis = self.chain.block_hash(0).await.map_err(GatewayError::from)?;
		let genesis =
			genesis.ok_or_else(|| GatewayError::internal("the chain has no genesis block"))?;
		let statement = pallet_consortium::KeyStatement {
			account: &account,
			encryption_key: &encryption_key,
			registrar: Some(org),
			genesis,
		};
		let proof = sp_core::Pair::sign(&pair, &statement.message()).into();
		let call = RuntimeCall::Consortium(pallet_consortium::Call::register_member {
			who: account.clone(),
			role,
			encryption_key,
			proof,
		});
		let written = write(self, caller(ext)?, call).await?;
		self.keystore
			.write()
			.await
			.add_account(&name, role, Some(secret_uri.to_string()))
			.map_err(|e| {
				GatewayError::internal(format!(
					"{name} registered on chain but the keystore write failed: {e}"
				))
			})?;
		Ok(StaffRegistered { written, account: Account(account) })
	}

	async fn patient_relay_context(&self, ext: &Extensions) -> RpcResult<RelayContext> {
		let patient = &caller(ext)?.credential.account;
		let (nonce, versions) =
			self.chain.signing_context(patient).await.map_err(GatewayError::from)?;
		Ok(RelayContext {
			nonce,
			spec_version: versions.spec_version,
			transaction_version: versions.tx_version,
			genesis_hash: Hex32::from(versions.genesis),
		})
	}

	/// An extrinsic the patient signed with their own key — the gateway never holds patient
	/// keys. Only what `medledger_gateway_api::relay` names; anything else is refused before it reaches the
	/// node.
	async fn patient_relay(&self, ext: &Extensions, extrinsic: HexBytes) -> RpcResult<Written> {
		medledger_gateway_api::relay::relayable(&extrinsic.0)?;
		let (included, watch) =
			self.chain.submit_signed(extrinsic.0).await.map_err(GatewayError::from)?;
		self.watch_finality(watch, Some(caller(ext)?.credential.account.clone()));
		Ok(written(included))
	}
}
