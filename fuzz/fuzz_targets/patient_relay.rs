//! What a patient (or anyone holding a patient's credential) sends to `patient_relay`: any
//! bytes are an extrinsic a patient may have relayed, or refused with the API's error —
//! never a panic; and what is accepted is exactly the bytes sent (no second encoding of
//! the same extrinsic slips through).
#![no_main]

use codec::Encode;
use libfuzzer_sys::fuzz_target;
use medledger_gateway_api::relay::relayable;

fuzz_target!(|data: &[u8]| {
	if let Ok(xt) = relayable(data) {
		assert_eq!(xt.encode(), data, "an accepted extrinsic is exactly the bytes sent");
	}
});
