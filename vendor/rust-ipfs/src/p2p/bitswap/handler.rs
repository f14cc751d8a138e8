use std::{
    collections::VecDeque,
    io,
    task::{Context, Poll},
    time::Duration,
};

use futures::{stream::SelectAll, StreamExt};
use libp2p::swarm::{
    handler::{ConnectionEvent, DialUpgradeError, FullyNegotiatedInbound, FullyNegotiatedOutbound},
    ConnectionHandler, ConnectionHandlerEvent, StreamUpgradeError, SubstreamProtocol,
};

use super::{
    message::BitswapMessage,
    protocol::{self, BitswapProtocol, InboundMessages, Message},
};

/// Inbound streams read at the same time on one connection. A stream opened beyond
/// that is dropped (reset) as soon as it is negotiated.
const MAX_INBOUND_STREAMS: usize = 32;
/// Outbound streams being opened at the same time (as `OneShotHandler`).
const MAX_DIAL_NEGOTIATED: u32 = 8;
/// Time to open an outbound stream and write its message (as `OneShotHandler`).
const OUTBOUND_SUBSTREAM_TIMEOUT: Duration = Duration::from_secs(10);

/// Sends each message on a new outbound stream, like `OneShotHandler`, but reads every
/// message of an inbound stream, handing each to the behaviour as it arrives, until the
/// remote closes the stream.
#[derive(Default)]
pub struct Handler {
    inbound: SelectAll<InboundMessages>,
    dial_queue: VecDeque<BitswapMessage>,
    dial_negotiated: u32,
    events: VecDeque<Result<Message, StreamUpgradeError<io::Error>>>,
}

impl ConnectionHandler for Handler {
    type FromBehaviour = BitswapMessage;
    type ToBehaviour = Result<Message, StreamUpgradeError<io::Error>>;
    type InboundProtocol = BitswapProtocol;
    type OutboundProtocol = BitswapMessage;
    type InboundOpenInfo = ();
    type OutboundOpenInfo = ();

    fn listen_protocol(&self) -> SubstreamProtocol<Self::InboundProtocol, Self::InboundOpenInfo> {
        SubstreamProtocol::new(BitswapProtocol, ())
    }

    fn on_behaviour_event(&mut self, message: Self::FromBehaviour) {
        self.dial_queue.push_back(message);
    }

    fn poll(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<
        ConnectionHandlerEvent<Self::OutboundProtocol, Self::OutboundOpenInfo, Self::ToBehaviour>,
    > {
        if let Some(event) = self.events.pop_front() {
            return Poll::Ready(ConnectionHandlerEvent::NotifyBehaviour(event));
        }

        if self.dial_negotiated < MAX_DIAL_NEGOTIATED {
            if let Some(message) = self.dial_queue.pop_front() {
                self.dial_negotiated += 1;
                return Poll::Ready(ConnectionHandlerEvent::OutboundSubstreamRequest {
                    protocol: SubstreamProtocol::new(message, ())
                        .with_timeout(OUTBOUND_SUBSTREAM_TIMEOUT),
                });
            }
        }

        loop {
            match self.inbound.poll_next_unpin(cx) {
                Poll::Ready(Some(Ok(message))) => {
                    return Poll::Ready(ConnectionHandlerEvent::NotifyBehaviour(Ok(
                        Message::Receive { message },
                    )));
                }
                Poll::Ready(Some(Err(e))) => {
                    // That stream ends here; the others are still read.
                    tracing::debug!(error = %e, "dropping inbound stream");
                }
                Poll::Ready(None) | Poll::Pending => return Poll::Pending,
            }
        }
    }

    fn on_connection_event(
        &mut self,
        event: ConnectionEvent<
            Self::InboundProtocol,
            Self::OutboundProtocol,
            Self::InboundOpenInfo,
            Self::OutboundOpenInfo,
        >,
    ) {
        match event {
            ConnectionEvent::FullyNegotiatedInbound(FullyNegotiatedInbound {
                protocol: mut stream,
                ..
            }) => {
                if self.inbound.len() >= MAX_INBOUND_STREAMS {
                    // Debug, not warn: a peer could otherwise fill the log at will.
                    tracing::debug!(
                        "too many inbound streams on the connection; dropping the new one"
                    );
                    return;
                }
                // Like ping's streams, it does not keep the connection alive by itself: kubo
                // keeps its stream open for as long as it is connected.
                stream.ignore_for_keep_alive();
                self.inbound.push(protocol::read_messages(stream));
            }
            ConnectionEvent::FullyNegotiatedOutbound(FullyNegotiatedOutbound { .. }) => {
                self.dial_negotiated -= 1;
                self.events.push_back(Ok(Message::Sent));
            }
            ConnectionEvent::DialUpgradeError(DialUpgradeError { error, .. }) => {
                // Unlike `OneShotHandler`, which never frees the slot of a failed stream.
                self.dial_negotiated -= 1;
                self.events.push_back(Err(error));
            }
            _ => {}
        }
    }
}
