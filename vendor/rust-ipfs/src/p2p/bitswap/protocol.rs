use std::io;
use std::iter;
use std::time::Duration;

use asynchronous_codec::{FramedRead, FramedWrite};
use futures::{future::BoxFuture, stream::BoxStream, AsyncRead, AsyncWrite, SinkExt, StreamExt};
use futures_timeout::TimeoutExt;
use libp2p::{core::UpgradeInfo, InboundUpgrade, OutboundUpgrade, Stream, StreamProtocol};

use super::{bitswap_pb, message::BitswapMessage};

const PROTOCOL: StreamProtocol = StreamProtocol::new("/ipfs/bitswap/1.2.0");
const MAX_BUF_SIZE: usize = 2_097_152;
/// How long an inbound stream may stay silent before it is dropped.
const INBOUND_IDLE_TIMEOUT: Duration = Duration::from_secs(300);

/// The messages of an inbound stream, in the order they arrive.
pub type InboundMessages = BoxStream<'static, io::Result<BitswapMessage>>;

#[derive(Debug, Clone, Default)]
pub struct BitswapProtocol;

impl UpgradeInfo for BitswapProtocol {
    type Info = StreamProtocol;
    type InfoIter = iter::Once<Self::Info>;

    fn protocol_info(&self) -> Self::InfoIter {
        iter::once(PROTOCOL)
    }
}

// The stream is handed to the connection handler, which reads every message sent on it
// (see `read_messages`): a peer may send many messages on one stream (kubo does).
impl InboundUpgrade<Stream> for BitswapProtocol {
    type Output = Stream;
    type Error = io::Error;
    type Future = BoxFuture<'static, Result<Self::Output, Self::Error>>;

    fn upgrade_inbound(self, socket: Stream, _: Self::Info) -> Self::Future {
        Box::pin(async move { Ok(socket) })
    }
}

/// Reads the messages of an inbound stream as they arrive, until the remote closes the
/// stream, a message cannot be read or parsed, or none arrives within `INBOUND_IDLE_TIMEOUT`.
pub fn read_messages<S>(socket: S) -> InboundMessages
where
    S: AsyncRead + Send + Unpin + 'static,
{
    let framed = FramedRead::new(
        socket,
        quick_protobuf_codec::Codec::<bitswap_pb::Message>::new(MAX_BUF_SIZE),
    );

    futures::stream::try_unfold(framed, |mut framed| async move {
        let Some(message) = framed.next().timeout(INBOUND_IDLE_TIMEOUT).await? else {
            return Ok(None);
        };
        let message = BitswapMessage::from_proto(message?)?;
        Ok::<_, io::Error>(Some((message, framed)))
    })
    .boxed()
}

impl UpgradeInfo for BitswapMessage {
    type Info = StreamProtocol;
    type InfoIter = iter::Once<Self::Info>;

    fn protocol_info(&self) -> Self::InfoIter {
        iter::once(PROTOCOL)
    }
}

impl<TSocket> OutboundUpgrade<TSocket> for BitswapMessage
where
    TSocket: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    type Output = ();
    type Error = io::Error;
    type Future = BoxFuture<'static, Result<Self::Output, Self::Error>>;

    #[inline]
    fn upgrade_outbound(self, socket: TSocket, _info: Self::Info) -> Self::Future {
        Box::pin(async move {
            let mut framed = FramedWrite::new(
                socket,
                quick_protobuf_codec::Codec::<bitswap_pb::Message>::new(MAX_BUF_SIZE),
            );

            let message = self.into_proto()?;

            framed.send(message).await?;
            framed.close().await?;
            Ok(())
        })
    }
}

#[derive(Debug)]
pub enum Message {
    Receive { message: BitswapMessage },
    Sent,
}

impl From<BitswapMessage> for Message {
    #[inline]
    fn from(message: BitswapMessage) -> Self {
        Message::Receive { message }
    }
}

impl From<()> for Message {
    #[inline]
    fn from(_: ()) -> Self {
        Message::Sent
    }
}

#[cfg(test)]
mod test {
    use asynchronous_codec::FramedWrite;
    use futures::{io::Cursor, SinkExt, StreamExt};
    use ipld_core::cid::Cid;
    use multihash_codetable::{Code, MultihashDigest};

    use super::{bitswap_pb, read_messages, MAX_BUF_SIZE};
    use crate::block::BlockCodec;
    use crate::p2p::bitswap::message::{BitswapMessage, BitswapRequest};

    // kubo sends many messages on one stream: each is read, in order.
    #[tokio::test]
    async fn every_message_of_a_stream_is_read() {
        let cids = [b"a", b"b", b"c"]
            .map(|data| Cid::new_v1(BlockCodec::Raw.into(), Code::Sha2_256.digest(data)));

        let mut buf = Vec::new();
        let mut framed = FramedWrite::new(
            &mut buf,
            quick_protobuf_codec::Codec::<bitswap_pb::Message>::new(MAX_BUF_SIZE),
        );
        for cid in cids {
            let message = BitswapMessage::default().add_request(BitswapRequest::have(cid));
            framed.send(message.into_proto().unwrap()).await.unwrap();
        }
        drop(framed);

        let read = read_messages(Cursor::new(buf))
            .map(|message| message.unwrap().requests[0].cid)
            .collect::<Vec<_>>()
            .await;
        assert_eq!(read, cids);
    }
}
