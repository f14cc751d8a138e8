//! An envelope's IPFS DAG, built once when the upload is accepted.
//!
//! The blocks are what kubo's `ipfs add` defaults make of the bytes (see the module docs
//! of [`super`]); the upload's CID is their root. They are spooled as a CAR (CARv1, the
//! IPFS archive format, written and read by `iroh-car`) until IPFS has them, and the
//! outbox stores exactly those blocks: the embedded node writes them, a kubo node imports
//! the CAR. Nothing chunks or hashes the envelope a second time.

use cid::Cid;
use iroh_car::{CarHeader, CarReader, CarWriter};
use rust_ipfs::{unixfs::ll::file::adder::FileAdder, Block};

/// An envelope's blocks, root last.
pub struct Dag {
	blocks: Vec<Block>,
}

/// A spooled DAG that cannot be read back as the upload's blocks.
#[derive(Debug, thiserror::Error)]
pub enum SpoolError {
	/// Not a CARv1 archive, or cut short.
	#[error("not a readable CAR: {0}")]
	Unreadable(#[from] iroh_car::Error),
	/// A block's bytes do not hash to its CID: the spool file was altered.
	#[error("block {0} does not match its CID")]
	Altered(Cid),
	/// The archive names another root than the upload's CID, or does not end with it.
	#[error("the archive's root is not the upload's CID {expected}")]
	OtherRoot {
		/// The upload's CID.
		expected: Cid,
	},
}

impl Dag {
	/// The blocks kubo's `ipfs add` defaults make of `bytes`.
	pub fn of(bytes: &[u8]) -> Self {
		let mut adder = FileAdder::builder().build();
		let mut blocks = Vec::new();
		let mut offset = 0;
		while offset < bytes.len() {
			let (pushed, consumed) = adder.push(&bytes[offset..]);
			blocks.extend(pushed);
			offset += consumed;
		}
		blocks.extend(adder.finish());
		let blocks =
			blocks.into_iter().map(|(cid, data)| Block::new_unchecked(cid, data)).collect();
		Dag { blocks }
	}

	/// The root's CID: the envelope's CID.
	pub fn root(&self) -> Cid {
		*self.blocks.last().expect("an adder always yields a root").cid()
	}

	/// The blocks, root last.
	pub fn blocks(&self) -> &[Block] {
		&self.blocks
	}

	/// The DAG as a CARv1 archive with the root as its only root.
	pub fn to_car(&self) -> Vec<u8> {
		let mut car = CarWriter::new(CarHeader::new_v1(vec![self.root()]), Vec::new());
		// Writing into memory never waits, so the future completes on its first poll.
		futures::executor::block_on(async {
			for block in &self.blocks {
				car.write(*block.cid(), block.data()).await?;
			}
			car.finish().await
		})
		.expect("writing into memory cannot fail")
	}

	/// Reads back an archive from [`Dag::to_car`], checking each block against its CID and
	/// the root against `expected`.
	pub async fn from_car(car: &[u8], expected: &Cid) -> Result<Self, SpoolError> {
		let mut reader = CarReader::new(car).await?;
		if reader.header().roots() != [*expected] {
			return Err(SpoolError::OtherRoot { expected: *expected });
		}
		let mut blocks = Vec::new();
		while let Some((cid, data)) = reader.next_block().await? {
			blocks.push(Block::new(cid, data).map_err(|_| SpoolError::Altered(cid))?);
		}
		match blocks.last() {
			Some(root) if root.cid() == expected => Ok(Dag { blocks }),
			_ => Err(SpoolError::OtherRoot { expected: *expected }),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	/// Two 256 KiB chunks and a root.
	fn envelope() -> Vec<u8> {
		(0..300_000u32).map(|i| (i % 251) as u8).collect()
	}

	#[tokio::test]
	async fn a_spooled_dag_reads_back_as_the_same_blocks() {
		let dag = Dag::of(&envelope());
		assert_eq!(dag.blocks().len(), 3);
		let back = Dag::from_car(&dag.to_car(), &dag.root()).await.expect("reads back");
		let cids = |d: &Dag| d.blocks().iter().map(|b| *b.cid()).collect::<Vec<_>>();
		assert_eq!(cids(&back), cids(&dag));
		assert_eq!(back.blocks()[0].data(), dag.blocks()[0].data());
	}

	#[tokio::test]
	async fn an_altered_or_foreign_spool_is_refused() {
		let dag = Dag::of(&envelope());
		let mut car = dag.to_car();
		// A byte of the last block (the root's data ends the archive).
		let last = car.len() - 1;
		car[last] ^= 1;
		assert!(matches!(
			Dag::from_car(&car, &dag.root()).await,
			Err(SpoolError::Altered(cid)) if cid == dag.root()
		));

		let other = Dag::of(b"another envelope");
		assert!(matches!(
			Dag::from_car(&other.to_car(), &dag.root()).await,
			Err(SpoolError::OtherRoot { .. })
		));
		let cut = &dag.to_car()[..1000];
		assert!(Dag::from_car(cut, &dag.root()).await.is_err(), "cut short");
	}
}
