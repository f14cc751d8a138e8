//! # The patient's `medledger` command
//!
//! A patient's own tool. It holds their keys ([`keys`]: an ed25519 signing key — their
//! account — and an X25519 encryption key, sealed under a passphrase), talks to their
//! hospital's gateway ([`gateway`]) with the patient credential the hospital issued, and does
//! everything that needs a secret locally ([`patient`]): it decrypts the patient's documents,
//! signs consent decisions and wraps data keys for the hospitals they grant, and fills in the
//! salt of proof bundles. It believes no chain fact the gateway tells it: every fact it acts
//! on comes with a proof it checks against the consortium's trust file ([`proven`]).
//! Verifying a proof bundle needs no gateway and no network (`medledger verify`, over
//! `medledger-verifier`).

pub mod gateway;
pub mod keys;
pub mod patient;
pub mod proven;
