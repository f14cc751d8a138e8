//! What `patient_relay` accepts: an extrinsic of this chain, signed by the patient, whose
//! call is one a patient makes about their own records — their consent decisions and wraps,
//! the lift of a break-glass bar, and a change of their own encryption key. Anything else
//! is refused before it reaches the node. (The chain checks the signature and the signer's
//! standing; the gateway holds no patient key.)

use crate::GatewayError;
use medledger_runtime::{RuntimeCall, UncheckedExtrinsic};

/// The extrinsic in `bytes`, if it is one a gateway relays for a patient.
pub fn relayable(bytes: &[u8]) -> Result<UncheckedExtrinsic, GatewayError> {
	let foreign = || GatewayError::invalid("extrinsic", "not an extrinsic of this chain");
	// sp-runtime's decoder reserves as many bytes as the length prefix says before reading
	// them (found by `fuzz/fuzz_targets/patient_relay.rs`: 2.5 GB from a few bytes), so the
	// prefix is checked against what was sent first.
	let mut body = bytes;
	let declared =
		<codec::Compact<u32> as codec::Decode>::decode(&mut body).map_err(|_| foreign())?;
	if declared.0 as usize != body.len() {
		return Err(foreign());
	}
	let xt = <UncheckedExtrinsic as codec::DecodeAll>::decode_all(&mut &bytes[..])
		.map_err(|_| foreign())?;
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

#[cfg(test)]
mod tests {
	use super::*;

	/// Nine bytes whose length prefix claims ~640 MB (the fuzzer's find): refused without
	/// reserving it.
	#[test]
	fn a_length_prefix_larger_than_the_bytes_sent_is_refused_unread() {
		let claims_too_much = [0x03, 0x04, 0xbd, 0x5b, 0x98, 0x04, 0x03, 0x35, 0xbd];
		assert!(relayable(&claims_too_much).is_err());
		assert!(relayable(&[]).is_err());
	}
}
