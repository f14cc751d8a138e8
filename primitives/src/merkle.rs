//! The Merkle tree of a batch of anchors: RFC 6962's (as RFC 9162 §2.1 restates it), with
//! BLAKE2b-256 for SHA-256.
//!
//! - A leaf's hash is `H(0x00 ‖ leaf)`, an inner node's `H(0x01 ‖ left ‖ right)`: the two
//!   prefixes keep a leaf from passing for an inner node (a second preimage of the root).
//! - The tree of `n > 1` leaves splits them at `k`, the largest power of two below `n`: the
//!   root is the node over the tree of the first `k` and the tree of the rest. The tree of
//!   one leaf is that leaf's hash. (No batch is empty; the empty tree is `H()`, as RFC 6962
//!   defines it.)
//! - An inclusion path lists the sibling hashes from the leaf up. [`verify`] walks it as RFC
//!   9162 §2.1.3.2 does, which fixes its length by the leaf's index and the tree's size: a
//!   path that is too short or too long is refused as such, not only by a root mismatch.

use crate::Hash;
use alloc::vec::Vec;

const LEAF: u8 = 0x00;
const NODE: u8 = 0x01;

/// Why an inclusion path does not prove a leaf at an index of a tree with a root.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PathError {
	/// The index is not below the tree's size.
	IndexOutOfRange {
		/// The leaf's index.
		index: u64,
		/// The number of leaves.
		size: u64,
	},
	/// The path has more or fewer hashes than a leaf at that index of that tree has.
	WrongLength,
	/// The path leads to another root.
	RootMismatch,
}

impl core::fmt::Display for PathError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			PathError::IndexOutOfRange { index, size } => {
				write!(f, "leaf {index} is outside a tree of {size} leaves")
			}
			PathError::WrongLength => {
				write!(f, "the path has the wrong number of hashes for the leaf's place")
			}
			PathError::RootMismatch => write!(f, "the path does not lead to the root"),
		}
	}
}

/// The hash of a leaf whose content is `leaf`.
pub fn leaf_hash(leaf: &[u8]) -> Hash {
	let mut state = crate::blake2b_256();
	state.update(&[LEAF]).update(leaf);
	crate::finish(state)
}

fn node_hash(left: &Hash, right: &Hash) -> Hash {
	let mut state = crate::blake2b_256();
	state.update(&[NODE]).update(left).update(right);
	crate::finish(state)
}

/// Where the leaves of a tree of `n > 1` leaves split: the largest power of two below `n`.
fn split(n: usize) -> usize {
	1 << (usize::BITS - 1 - (n - 1).leading_zeros())
}

/// The root of the tree over `leaves` (their [`leaf_hash`]es, in order).
pub fn root(leaves: &[Hash]) -> Hash {
	match leaves {
		[] => crate::finish(crate::blake2b_256()),
		[leaf] => *leaf,
		_ => {
			let (left, right) = leaves.split_at(split(leaves.len()));
			node_hash(&root(left), &root(right))
		}
	}
}

/// The inclusion path of leaf `index` in the tree over `leaves`, from the leaf up; `None` if
/// there is no such leaf.
pub fn path(leaves: &[Hash], index: usize) -> Option<Vec<Hash>> {
	if index >= leaves.len() {
		return None;
	}
	let mut path = Vec::new();
	collect(leaves, index, &mut path);
	Some(path)
}

/// RFC 6962's `PATH(m, D[n])`, the sibling nearest the leaf first.
fn collect(leaves: &[Hash], index: usize, path: &mut Vec<Hash>) {
	if leaves.len() <= 1 {
		return;
	}
	let k = split(leaves.len());
	let (left, right) = leaves.split_at(k);
	if index < k {
		collect(left, index, path);
		path.push(root(right));
	} else {
		collect(right, index - k, path);
		path.push(root(left));
	}
}

/// Checks that `path` proves `leaf` (a [`leaf_hash`]) to be leaf `index` of the tree of
/// `size` leaves whose root is `root`.
pub fn verify(
	root: &Hash,
	leaf: Hash,
	index: u64,
	size: u64,
	path: &[Hash],
) -> Result<(), PathError> {
	if index >= size {
		return Err(PathError::IndexOutOfRange { index, size });
	}
	// `at` is the node's index in its level and `last` the level's last index: a node with
	// no right sibling (`at == last`, even) is carried up without hashing.
	let (mut at, mut last, mut hash) = (index, size - 1, leaf);
	for sibling in path {
		if last == 0 {
			return Err(PathError::WrongLength);
		}
		if at % 2 == 1 || at == last {
			hash = node_hash(sibling, &hash);
			while at % 2 == 0 && at != 0 {
				at >>= 1;
				last >>= 1;
			}
		} else {
			hash = node_hash(&hash, sibling);
		}
		at >>= 1;
		last >>= 1;
	}
	if last != 0 {
		return Err(PathError::WrongLength);
	}
	if &hash != root {
		return Err(PathError::RootMismatch);
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	fn leaves(n: usize) -> Vec<Hash> {
		(0..n).map(|i| leaf_hash(&(i as u64).to_le_bytes())).collect()
	}

	#[test]
	fn the_tree_splits_at_the_largest_power_of_two_below_its_size() {
		let l = leaves(5);
		let n = node_hash;
		assert_eq!(root(&l[..1]), l[0]);
		assert_eq!(root(&l[..2]), n(&l[0], &l[1]));
		assert_eq!(root(&l[..3]), n(&n(&l[0], &l[1]), &l[2]));
		assert_eq!(root(&l), n(&n(&n(&l[0], &l[1]), &n(&l[2], &l[3])), &l[4]));
	}

	#[test]
	fn every_leaf_of_every_size_has_a_path_that_verifies() {
		for size in 1..=33 {
			let l = leaves(size);
			let r = root(&l);
			for index in 0..size {
				let p = path(&l, index).unwrap();
				assert!(p.len() <= 6, "size {size}: a path of {} hashes", p.len());
				assert_eq!(verify(&r, l[index], index as u64, size as u64, &p), Ok(()));
			}
			assert_eq!(path(&l, size), None);
		}
	}

	/// Each part of a proof altered: refused, each with the failure that names it.
	#[test]
	fn an_altered_leaf_path_root_or_index_is_refused() {
		let l = leaves(11);
		let r = root(&l);
		let p = path(&l, 6).unwrap();
		let check = |root: &Hash, leaf: Hash, index: u64, size: u64, path: &[Hash]| {
			verify(root, leaf, index, size, path)
		};
		assert_eq!(check(&r, l[6], 6, 11, &p), Ok(()));
		assert_eq!(check(&r, l[5], 6, 11, &p), Err(PathError::RootMismatch), "leaf");
		let mut altered = p.clone();
		altered[1][0] ^= 1;
		assert_eq!(check(&r, l[6], 6, 11, &altered), Err(PathError::RootMismatch), "path");
		let mut other = r;
		other[31] ^= 1;
		assert_eq!(check(&other, l[6], 6, 11, &p), Err(PathError::RootMismatch), "root");
		assert_eq!(check(&r, l[6], 7, 11, &p), Err(PathError::RootMismatch), "index");
		assert_eq!(
			check(&r, l[6], 11, 11, &p),
			Err(PathError::IndexOutOfRange { index: 11, size: 11 })
		);
		assert_eq!(check(&r, l[6], 6, 11, &p[..p.len() - 1]), Err(PathError::WrongLength));
		let longer = [p.as_slice(), &[r]].concat();
		assert_eq!(check(&r, l[6], 6, 11, &longer), Err(PathError::WrongLength));
		// A size that gives leaf 6 another place in the tree's shape is refused. (Sizes that
		// keep its place — 9 to 16 here — pass: the path does not prove the size, the root
		// does, which is why a batch's record on chain holds its count beside its root.)
		assert_eq!(check(&r, l[6], 6, 8, &p), Err(PathError::WrongLength));
		assert_eq!(check(&r, l[6], 6, 7, &p), Err(PathError::WrongLength));
	}

	/// An inner node's two children, offered as one leaf's content, hash to something else:
	/// no path can present an inner node as a leaf.
	#[test]
	fn an_inner_node_does_not_pass_for_a_leaf() {
		let l = leaves(4);
		let r = root(&l);
		let children = [l[0], l[1]].concat();
		let forged = leaf_hash(&children);
		assert_ne!(forged, node_hash(&l[0], &l[1]));
		let upper = [root(&l[2..])];
		assert_eq!(verify(&r, forged, 0, 2, &upper), Err(PathError::RootMismatch));
	}
}
