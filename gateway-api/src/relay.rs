//! What `patient_relay` accepts: an extrinsic of this chain, signed by the patient, whose
//! call is one a patient makes about their own records — their consent decisions and wraps,
//! the lift of a break-glass bar, and a change of their own encryption key. Anything else
//! is refused before it reaches the node. (The chain checks the signature and the signer's
//! standing; the gateway holds no patient key.)

use crate::GatewayError;
use medledger_runtime::{RuntimeCall, UncheckedExtrinsic};

/// The extrinsic in `bytes`, if it is one a gateway relays for a patient.
pub fn relayable(bytes: &[u8]) -> Result<UncheckedExtrinsic, GatewayError> {
	let xt = <UncheckedExtrinsic as codec::DecodeAll>::decode_all(&mut &bytes[..])
		.map_err(|_| GatewayError::invalid("extrinsic", "not an extrinsic of this chain"))?;
	let relayed = matches!(
		xt.function,
		RuntimeCall::Consent(
			pallet_consent::Call::grant { .. }
				| pallet_consent::Call::deny { .. }
				| pallet_consent::Call::revoke { .. }
				| pallet_consent::Call::add_wraps { .. }
				| pallet_consent::Call::lift_break_glass_hold { .. }
		) | RuntimeCall::Consortium(pallet_consortium::Call::set_encryption_key { .. })
	);
	match relayed {
		true => Ok(xt),
		false => Err(GatewayError::invalid(
			"extrinsic",
			"only consent grant/deny/revoke/addWraps/liftBreakGlassHold and consortium \
			 setEncryptionKey",
		)),
	}
}
