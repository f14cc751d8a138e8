//! `medledger-gateway`: serve the portal, or manage keys and credentials.

use clap::Parser;
use medledger_gateway::{
	auth,
	config::{Cli, Command, Common, CredentialsCommand, KeysCommand},
	keystore::{parse_secret32, Keystore},
};
use pallet_consortium::Role;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
	tracing_subscriber::fmt()
		.with_env_filter(
			tracing_subscriber::EnvFilter::try_from_default_env()
				.unwrap_or_else(|_| "info,libp2p=warn,rust_ipfs=warn".into()),
		)
		.with_writer(std::io::stderr)
		.init();
	match Cli::parse().command {
		Command::Run(args) => {
			let settings = args.settings()?;
			let running = medledger_gateway::start(&settings, &args.common.passphrase()?).await?;
			println!(
				"medledger-gateway listening on http://{} (JSON-RPC over HTTP and WebSocket)",
				running.addr
			);
			tokio::select! {
				_ = tokio::signal::ctrl_c() => {}
				_ = terminate() => {}
			}
			tracing::info!("stopping");
			let _ = running.server.stop();
			running.gateway.storage.stop().await;
			Ok(())
		}
		Command::Keys(command) => keys(command),
		Command::Credentials(command) => credentials(command).await,
	}
}

async fn terminate() {
	if let Ok(mut signal) =
		tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
	{
		signal.recv().await;
	}
}

fn data_dir(common: &Common) -> anyhow::Result<std::path::PathBuf> {
	let dir = common.data_dir.clone().ok_or_else(|| anyhow::anyhow!("--data-dir is required"))?;
	std::fs::create_dir_all(&dir)?;
	Ok(dir)
}

fn keys(command: KeysCommand) -> anyhow::Result<()> {
	match command {
		KeysCommand::Init { common, organisation, encryption_secret, dev } => {
			let dir = data_dir(&common)?;
			let passphrase = common.passphrase()?;
			let (secret, dev_account) = match (&encryption_secret, &dev) {
				(Some(hex), _) => (Some(parse_secret32(hex)?), None),
				(None, Some(name)) => {
					let (uri, secret) = medledger_gateway::dev_secrets(name).ok_or_else(|| {
						anyhow::anyhow!("--dev takes alice, bob, charlie or dave")
					})?;
					(Some(secret), Some((name.clone(), uri)))
				}
				(None, None) => (None, None),
			};
			let mut store = Keystore::create(&dir, &passphrase, organisation, secret)?;
			if let Some((name, uri)) = dev_account {
				store.add_account(&name, Role::OrgAdmin(organisation), Some(uri))?;
			}
			describe(&store, &dir)?;
		}
		KeysCommand::Add { common, name, role, secret_uri } => {
			let dir = data_dir(&common)?;
			let mut store = Keystore::open(&dir, &common.passphrase()?)?;
			let role = medledger_gateway::keystore::staff_role(&role, store.organisation())
				.ok_or_else(|| anyhow::anyhow!("role must be clinician or admin"))?;
			store.add_account(&name, role, secret_uri)?;
			describe(&store, &dir)?;
		}
		KeysCommand::Show { common } => {
			let dir = data_dir(&common)?;
			describe(&Keystore::open(&dir, &common.passphrase()?)?, &dir)?;
		}
	}
	Ok(())
}

/// Prints the public side of the keystore and the embedded IPFS node's peer id.
fn describe(store: &Keystore, dir: &std::path::Path) -> anyhow::Result<()> {
	let mut description = store.describe();
	description["ipfsPeerId"] = medledger_gateway::ipfs::peer_id(dir)?.to_string().into();
	println!("{}", serde_json::to_string_pretty(&description)?);
	Ok(())
}

async fn credentials(command: CredentialsCommand) -> anyhow::Result<()> {
	use sp_core::crypto::Ss58Codec;
	match command {
		CredentialsCommand::Issue { common, key, account, role, label, node_url } => {
			let dir = data_dir(&common)?;
			let (account, role, key_name) = match (key, account, role) {
				(Some(name), None, None) => {
					let store = Keystore::open(&dir, &common.passphrase()?)?;
					let entry = store
						.account(&name)
						.ok_or_else(|| anyhow::anyhow!("no keystore account {name}"))?;
					(entry.account_id(), entry.role, Some(name))
				}
				(None, Some(account), Some(role)) => {
					let account = sp_runtime::AccountId32::from_ss58check(&account)
						.map_err(|_| anyhow::anyhow!("--account is not SS58"))?;
					let role = match role.as_str() {
						"patient" => Role::Patient,
						"auditor" => Role::Auditor,
						_ => anyhow::bail!("--role must be patient or auditor"),
					};
					(account, role, None)
				}
				_ => anyhow::bail!("give --key NAME, or --account SS58 --role patient|auditor"),
			};
			ensure_member(&node_url, &account, role).await?;
			let (token, credential) = auth::issue(&dir, account, role, key_name, label)?;
			println!(
				"{}",
				serde_json::json!({ "id": credential.id, "account": credential.account, "role": credential.role, "token": token })
			);
		}
		CredentialsCommand::List { common } => {
			println!("{}", serde_json::to_string_pretty(&auth::list(&data_dir(&common)?)?)?);
		}
		CredentialsCommand::Revoke { common, id } => {
			if !auth::revoke(&data_dir(&common)?, &id)? {
				anyhow::bail!("no credential {id}");
			}
			println!("{}", serde_json::json!({ "revoked": id }));
		}
	}
	Ok(())
}

/// A credential is issued only to an active member holding its role on chain (an auditor
/// credential to an auditor, …); every call checks again (`medledger_gateway::standing`).
async fn ensure_member(
	node_url: &str,
	account: &sp_runtime::AccountId32,
	role: Role,
) -> anyhow::Result<()> {
	use sp_core::crypto::Ss58Codec;
	let chain = medledger_chain_client::Chain::new(node_url);
	let member = chain.api().member(account).await.map_err(|e| {
		anyhow::anyhow!("cannot ask the node at {node_url} whether the account is a member: {e}")
	})?;
	match member {
		Some(m) if m.status == pallet_consortium::MemberStatus::Active && m.role == role => Ok(()),
		_ => anyhow::bail!(
			"{} is not an active member with the role {role:?} on chain; no credential issued",
			account.to_ss58check()
		),
	}
}
