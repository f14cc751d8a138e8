//! Command line, environment and config file.
//!
//! Every `run` setting can come from a flag, an environment variable (`MEDLEDGER_…`, named
//! beside each flag) or a TOML file given with `--config` (keys as the flags, with
//! underscores: `node_url = "ws://…"`); flags and environment win over the file, the file
//! over the defaults (layered with figment). Defaults listen on 127.0.0.1 only.

use crate::ipfs::IpfsConfig;
use clap::{Args, Parser, Subcommand};
use figment::{
	providers::{Format, Serialized, Toml},
	Figment,
};
use serde::{Deserialize, Serialize};
use std::{net::SocketAddr, path::PathBuf};

/// The command line.
#[derive(Parser, Debug)]
#[command(name = "medledger-gateway", version, about = "MedLedger hospital gateway")]
pub struct Cli {
	/// What to do.
	#[command(subcommand)]
	pub command: Command,
}

/// Subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
	/// Serve the portal (JSON-RPC over HTTP and WebSocket).
	Run(RunArgs),
	/// Manage the hospital's keystore.
	#[command(subcommand)]
	Keys(KeysCommand),
	/// Issue, list and revoke client credentials.
	#[command(subcommand)]
	Credentials(CredentialsCommand),
}

/// Where the data directory and the keystore passphrase are.
#[derive(Args, Debug, Clone)]
pub struct Common {
	/// Data directory (keystore, credentials, outbox, IPFS repo).
	#[arg(long, env = "MEDLEDGER_DATA_DIR")]
	pub data_dir: Option<PathBuf>,
	/// File holding the keystore passphrase (else `MEDLEDGER_KEYSTORE_PASSPHRASE`).
	#[arg(long, env = "MEDLEDGER_PASSPHRASE_FILE")]
	pub passphrase_file: Option<PathBuf>,
}

impl Common {
	/// The keystore passphrase, never echoed or logged.
	pub fn passphrase(&self) -> anyhow::Result<String> {
		if let Some(file) = &self.passphrase_file {
			return Ok(std::fs::read_to_string(file)?.trim_end_matches('\n').to_string());
		}
		std::env::var("MEDLEDGER_KEYSTORE_PASSPHRASE")
			.map_err(|_| anyhow::anyhow!("set MEDLEDGER_KEYSTORE_PASSPHRASE or --passphrase-file"))
	}
}

/// `run` settings as given on the command line or in the environment.
#[derive(Args, Debug)]
pub struct RunArgs {
	/// Data directory and passphrase.
	#[command(flatten)]
	pub common: Common,
	/// A TOML file with any of the settings below.
	#[arg(long, env = "MEDLEDGER_CONFIG")]
	pub config: Option<PathBuf>,
	/// The node's WebSocket RPC (default ws://127.0.0.1:9944).
	#[arg(long, env = "MEDLEDGER_NODE_URL")]
	pub node_url: Option<String>,
	/// Address to serve JSON-RPC on (default 127.0.0.1:8545).
	#[arg(long, env = "MEDLEDGER_LISTEN")]
	pub listen: Option<SocketAddr>,
	/// `embedded` (default) or a Kubo RPC API URL such as http://127.0.0.1:5001.
	#[arg(long, env = "MEDLEDGER_IPFS")]
	pub ipfs: Option<String>,
	/// Embedded IPFS listen address (default /ip4/127.0.0.1/tcp/4001).
	#[arg(long, env = "MEDLEDGER_IPFS_LISTEN")]
	pub ipfs_listen: Option<String>,
	/// The other hospitals' IPFS nodes, `/ip4/…/tcp/…/p2p/<peer id>` (repeatable).
	#[arg(long = "ipfs-peer", env = "MEDLEDGER_IPFS_PEERS", value_delimiter = ',')]
	pub ipfs_peers: Vec<String>,
	/// The consortium's swarm key (kubo `swarm.key` format).
	#[arg(long, env = "MEDLEDGER_SWARM_KEY")]
	pub swarm_key: Option<PathBuf>,
	/// Largest accepted file in bytes (default 64 MiB).
	#[arg(long, env = "MEDLEDGER_MAX_FILE_SIZE")]
	pub max_file_size: Option<u64>,
	/// Calls per second allowed per credential (default 50; bursts of twice that).
	#[arg(long, env = "MEDLEDGER_RATE_LIMIT")]
	pub rate_limit: Option<u32>,
	/// The portal's TLS certificate chain (PEM, leaf first); with `--tls-key`, the portal
	/// serves HTTPS and WSS only.
	#[arg(long, env = "MEDLEDGER_TLS_CERT", requires = "tls_key")]
	pub tls_cert: Option<PathBuf>,
	/// The private key (PEM) of `--tls-cert`.
	#[arg(long, env = "MEDLEDGER_TLS_KEY", requires = "tls_cert")]
	pub tls_key: Option<PathBuf>,
}

/// The `run` settings as layered: the defaults, then the config file, then what flags and
/// the environment give (figment merges them; a key the file misspells is refused).
#[derive(Serialize, Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Layered {
	data_dir: Option<PathBuf>,
	node_url: String,
	listen: SocketAddr,
	ipfs: String,
	ipfs_listen: String,
	ipfs_peers: Vec<String>,
	swarm_key: Option<PathBuf>,
	max_file_size: u64,
	rate_limit: u32,
	tls_cert: Option<PathBuf>,
	tls_key: Option<PathBuf>,
}

impl Default for Layered {
	/// Loopback only; the embedded IPFS node; 64 MiB files; 50 calls per second.
	fn default() -> Self {
		Layered {
			data_dir: None,
			node_url: "ws://127.0.0.1:9944".into(),
			listen: ([127, 0, 0, 1], 8545).into(),
			ipfs: "embedded".into(),
			ipfs_listen: "/ip4/127.0.0.1/tcp/4001".into(),
			ipfs_peers: Vec::new(),
			swarm_key: None,
			max_file_size: 64 << 20,
			rate_limit: 50,
			tls_cert: None,
			tls_key: None,
		}
	}
}

/// What flags and the environment set; what they leave unset is left out, so the layers
/// below show through.
#[derive(Serialize)]
struct Given<'a> {
	#[serde(skip_serializing_if = "Option::is_none")]
	data_dir: Option<&'a PathBuf>,
	#[serde(skip_serializing_if = "Option::is_none")]
	node_url: Option<&'a String>,
	#[serde(skip_serializing_if = "Option::is_none")]
	listen: Option<SocketAddr>,
	#[serde(skip_serializing_if = "Option::is_none")]
	ipfs: Option<&'a String>,
	#[serde(skip_serializing_if = "Option::is_none")]
	ipfs_listen: Option<&'a String>,
	#[serde(skip_serializing_if = "<[String]>::is_empty")]
	ipfs_peers: &'a [String],
	#[serde(skip_serializing_if = "Option::is_none")]
	swarm_key: Option<&'a PathBuf>,
	#[serde(skip_serializing_if = "Option::is_none")]
	max_file_size: Option<u64>,
	#[serde(skip_serializing_if = "Option::is_none")]
	rate_limit: Option<u32>,
	#[serde(skip_serializing_if = "Option::is_none")]
	tls_cert: Option<&'a PathBuf>,
	#[serde(skip_serializing_if = "Option::is_none")]
	tls_key: Option<&'a PathBuf>,
}

/// Resolved `run` settings.
#[derive(Debug, Clone)]
pub struct Settings {
	/// Data directory.
	pub data_dir: PathBuf,
	/// Node URL.
	pub node_url: String,
	/// Portal address.
	pub listen: SocketAddr,
	/// IPFS.
	pub ipfs: IpfsConfig,
	/// Largest file.
	pub max_file_size: u64,
	/// Calls per second per credential.
	pub rate_limit: u32,
	/// The portal's TLS certificate chain and key (PEM files), if it serves HTTPS.
	pub tls: Option<Tls>,
}

/// The files of the portal's TLS identity.
#[derive(Debug, Clone)]
pub struct Tls {
	/// Certificate chain, leaf first.
	pub cert: PathBuf,
	/// Its private key.
	pub key: PathBuf,
}

impl RunArgs {
	/// Merges flags/environment, the config file and the defaults.
	pub fn settings(&self) -> anyhow::Result<Settings> {
		let mut layers = Figment::from(Serialized::defaults(Layered::default()));
		if let Some(path) = &self.config {
			if !path.is_file() {
				anyhow::bail!("config file {} not found", path.display());
			}
			layers = layers.merge(Toml::file_exact(path));
		}
		let given = Given {
			data_dir: self.common.data_dir.as_ref(),
			node_url: self.node_url.as_ref(),
			listen: self.listen,
			ipfs: self.ipfs.as_ref(),
			ipfs_listen: self.ipfs_listen.as_ref(),
			ipfs_peers: &self.ipfs_peers,
			swarm_key: self.swarm_key.as_ref(),
			max_file_size: self.max_file_size,
			rate_limit: self.rate_limit,
			tls_cert: self.tls_cert.as_ref(),
			tls_key: self.tls_key.as_ref(),
		};
		let settings: Layered = layers.merge(Serialized::defaults(given)).extract()?;
		let data_dir =
			settings.data_dir.ok_or_else(|| anyhow::anyhow!("--data-dir is required"))?;
		let ipfs = if settings.ipfs == "embedded" {
			IpfsConfig::Embedded {
				listen: vec![settings.ipfs_listen.parse()?],
				peers: settings
					.ipfs_peers
					.iter()
					.map(|p| {
						let addr: libp2p::Multiaddr = p.parse()?;
						crate::ipfs::peer_of(&addr)
							.ok_or_else(|| anyhow::anyhow!("IPFS peer {p} lacks /p2p/<peer id>"))?;
						Ok(addr)
					})
					.collect::<anyhow::Result<_>>()?,
				swarm_key: settings.swarm_key,
			}
		} else {
			IpfsConfig::Kubo(settings.ipfs)
		};
		let tls = match (settings.tls_cert, settings.tls_key) {
			(Some(cert), Some(key)) => Some(Tls { cert, key }),
			(None, None) => None,
			_ => anyhow::bail!("tls_cert and tls_key go together"),
		};
		// A credential must not cross a network in the clear: plain HTTP is for this
		// computer (or a TLS reverse proxy on it) only.
		if tls.is_none() && !settings.listen.ip().is_loopback() {
			anyhow::bail!(
				"refusing to serve plain HTTP on {}: give --tls-cert and --tls-key, or listen \
				 on a loopback address behind a TLS reverse proxy",
				settings.listen
			);
		}
		Ok(Settings {
			data_dir,
			node_url: settings.node_url,
			listen: settings.listen,
			ipfs,
			max_file_size: settings.max_file_size,
			rate_limit: settings.rate_limit,
			tls,
		})
	}
}

/// `keys …`
#[derive(Subcommand, Debug)]
pub enum KeysCommand {
	/// Create the keystore for an organisation.
	Init {
		/// Data directory and passphrase.
		#[command(flatten)]
		common: Common,
		/// The organisation (its id on chain).
		#[arg(long)]
		organisation: u32,
		/// The hospital's X25519 secret, 0x + 32 bytes hex (default: a fresh random one).
		#[arg(long, conflicts_with = "dev")]
		encryption_secret: Option<String>,
		/// Development only: take the well-known keys of a dev delegate (alice, bob,
		/// charlie, dave) — its signing key as admin account and its public dev
		/// encryption secret.
		#[arg(long)]
		dev: Option<String>,
	},
	/// Add a staff signing account (generated, or from a secret URI).
	Add {
		/// Data directory and passphrase.
		#[command(flatten)]
		common: Common,
		/// Local name.
		#[arg(long)]
		name: String,
		/// `clinician` or `admin`.
		#[arg(long)]
		role: String,
		/// Secret URI (`//Alice`, mnemonic, `0x` seed); read from the environment variable
		/// `MEDLEDGER_SECRET_URI` if set, never from the command line's history.
		#[arg(long, env = "MEDLEDGER_SECRET_URI", hide_env_values = true)]
		secret_uri: Option<String>,
	},
	/// Print the public keys and accounts (no secrets).
	Show {
		/// Data directory and passphrase.
		#[command(flatten)]
		common: Common,
	},
}

/// `credentials …`
#[derive(Subcommand, Debug)]
pub enum CredentialsCommand {
	/// Issue a credential; prints the token once.
	Issue {
		/// Data directory and passphrase.
		#[command(flatten)]
		common: Common,
		/// A keystore account (staff: the gateway signs with its key).
		#[arg(long, conflicts_with_all = ["account", "role"])]
		key: Option<String>,
		/// A member account without a key here (patients, auditors), SS58.
		#[arg(long, requires = "role")]
		account: Option<String>,
		/// `patient` or `auditor`, with `--account`.
		#[arg(long)]
		role: Option<String>,
		/// Who holds it.
		#[arg(long, default_value = "")]
		label: String,
		/// The node's WebSocket RPC: the account must be an active member with the
		/// credential's role there.
		#[arg(long, env = "MEDLEDGER_NODE_URL", default_value = "ws://127.0.0.1:9944")]
		node_url: String,
	},
	/// List credentials (hashes only).
	List {
		/// Data directory.
		#[command(flatten)]
		common: Common,
	},
	/// Revoke a credential by id.
	Revoke {
		/// Data directory.
		#[command(flatten)]
		common: Common,
		/// The credential id (`c1`, …).
		id: String,
	},
}

#[cfg(test)]
mod tests {
	use super::*;

	fn run_args(args: &[&str]) -> RunArgs {
		let mut argv = vec!["medledger-gateway", "run"];
		argv.extend(args);
		match Cli::parse_from(argv).command {
			Command::Run(args) => args,
			_ => unreachable!("a run command"),
		}
	}

	#[test]
	fn flags_win_over_the_file_and_the_file_over_the_defaults() {
		let dir = tempfile::tempdir().unwrap();
		let file = dir.path().join("gateway.toml");
		std::fs::write(&file, "data_dir = \"/d\"\nrate_limit = 7\nnode_url = \"ws://file\"\n")
			.unwrap();
		let config = file.to_str().unwrap();
		let settings =
			run_args(&["--config", config, "--node-url", "ws://flag"]).settings().unwrap();
		assert_eq!(settings.node_url, "ws://flag");
		assert_eq!(settings.rate_limit, 7);
		assert_eq!(settings.data_dir, PathBuf::from("/d"));
		assert_eq!(settings.listen, SocketAddr::from(([127, 0, 0, 1], 8545)));
		assert_eq!(settings.max_file_size, 64 << 20);

		std::fs::write(&file, "data_dir = \"/d\"\nrate_limt = 7\n").unwrap();
		let misspelt = run_args(&["--config", config]).settings().unwrap_err();
		assert!(misspelt.to_string().contains("rate_limt"), "{misspelt}");
		assert!(run_args(&["--config", "/nonexistent.toml"]).settings().is_err());
	}

	#[test]
	fn plain_http_is_served_on_loopback_only() {
		let refused = run_args(&["--data-dir", "/d", "--listen", "10.1.2.3:8545"]).settings();
		assert!(refused.unwrap_err().to_string().contains("plain HTTP"));
		let refused = run_args(&["--data-dir", "/d", "--listen", "[::]:8545"]).settings();
		assert!(refused.is_err());
		let tls = ["--tls-cert", "/c.pem", "--tls-key", "/k.pem"];
		let settings =
			run_args(&[&["--data-dir", "/d", "--listen", "10.1.2.3:8545"][..], &tls].concat())
				.settings()
				.unwrap();
		assert_eq!(settings.tls.unwrap().cert, PathBuf::from("/c.pem"));
		let loopback = run_args(&["--data-dir", "/d", "--listen", "[::1]:8545"]).settings();
		assert!(loopback.unwrap().tls.is_none());
	}
}
