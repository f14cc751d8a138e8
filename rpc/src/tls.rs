//! TLS for the portal (rustls, ring): the certificate and key a hospital gives the gateway
//! (`crate::transport` runs the handshake). Plain HTTP is served on loopback only
//! (`crate::config` refuses otherwise), so a credential never crosses a network unencrypted.

use anyhow::Context;
use rustls_pki_types::{pem::PemObject, CertificateDer, PrivateKeyDer};
use std::{path::Path, sync::Arc};

/// The server's TLS settings from PEM files: `cert` holds the certificate chain (leaf
/// first), `key` its private key. ALPN offers HTTP/1.1 only (WebSocket upgrades need it).
pub fn server_config(cert: &Path, key: &Path) -> anyhow::Result<Arc<rustls::ServerConfig>> {
	let read =
		|path: &Path| std::fs::read(path).with_context(|| format!("reading {}", path.display()));
	let chain = CertificateDer::pem_slice_iter(&read(cert)?)
		.collect::<Result<Vec<_>, _>>()
		.with_context(|| format!("{} is not a PEM certificate chain", cert.display()))?;
	anyhow::ensure!(!chain.is_empty(), "{} holds no certificate", cert.display());
	// The key's bytes are not put in any error.
	let key = PrivateKeyDer::from_pem_slice(&read(key)?)
		.map_err(|_| anyhow::anyhow!("{} is not a PEM private key", key.display()))?;
	let provider = Arc::new(rustls::crypto::ring::default_provider());
	let mut config = rustls::ServerConfig::builder_with_provider(provider)
		.with_safe_default_protocol_versions()?
		.with_no_client_auth()
		.with_single_cert(chain, key)
		.context("the TLS certificate does not match its key, or the key type is unsupported")?;
	config.alpn_protocols = vec![b"http/1.1".to_vec()];
	Ok(Arc::new(config))
}
