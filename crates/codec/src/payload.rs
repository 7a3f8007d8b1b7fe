//! [`Payload`]: the contents of a `bytes` or `bytearray` node, owned, or shared with the
//! input the graph was loaded from.
//!
//! [`Loader::load`](crate::Loader::load) borrows its input, so it copies every payload into
//! its node. [`Loader::load_shared`](crate::Loader::load_shared) is handed the input as
//! [`bytes::Bytes`] and keeps payloads of [`SHARE_MIN`] bytes and more as slices of it: a
//! 64 MiB `BINBYTES8` costs no copy and no second 64 MiB, where CPython's `pickle.loads`
//! copies it into a new `bytes` object.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

use bytes::Bytes;

/// From this many bytes up, [`Loader::load_shared`](crate::Loader::load_shared) shares a
/// payload with its input instead of copying it. A shared payload costs one small block of
/// its own (the [`Bytes`] handle) and a reference count; copying a payload this short
/// costs about as much.
///
/// ```
/// assert_eq!(picklejar_codec::SHARE_MIN, 256);
/// ```
pub const SHARE_MIN: usize = 256;

/// The contents of a [`Node::Bytes`](crate::Node::Bytes) or
/// [`Node::ByteArray`](crate::Node::ByteArray): a byte string, owned by the node, or a
/// slice of the input it was loaded from, shared with it
/// ([`Loader::load_shared`](crate::Loader::load_shared)). Either way it reads as a `[u8]`
/// (it dereferences to one), compares, hashes and prints as its bytes, and clones
/// cheaply when shared. To edit one, take a copy (`payload.to_vec()`, a slice method)
/// and store a new payload.
///
/// ```
/// use picklejar_codec::Payload;
///
/// let p = Payload::from(b"abc".to_vec());
/// assert_eq!((&p[..], p.len(), p.is_shared()), (&b"abc"[..], 3, false));
/// assert_eq!(p, Payload::from(bytes::Bytes::from_static(b"abc")));
/// ```
#[derive(Clone)]
pub struct Payload(Repr);

#[derive(Clone)]
enum Repr {
    Owned(Box<[u8]>),
    // Boxed, so that a payload stays two words and a `Node` stays 32 bytes: only payloads
    // of `SHARE_MIN` bytes and more are shared, and for those one more small block is
    // nothing.
    Shared(Box<Bytes>),
}

impl Payload {
    /// The bytes.
    ///
    /// ```
    /// assert_eq!(picklejar_codec::Payload::from(&b"hi"[..]).as_bytes(), b"hi");
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Owned(b) => b,
            Repr::Shared(b) => b,
        }
    }

    /// Whether the bytes are a slice of a buffer shared with others (the input of
    /// [`Loader::load_shared`](crate::Loader::load_shared)), not owned by this payload.
    ///
    /// ```
    /// use picklejar_codec::Payload;
    ///
    /// assert!(!Payload::from(vec![1, 2]).is_shared());
    /// assert!(Payload::from(bytes::Bytes::from(vec![1, 2])).is_shared());
    /// ```
    pub fn is_shared(&self) -> bool {
        matches!(self.0, Repr::Shared(_))
    }

    /// The bytes as a [`Bytes`] (shared payloads without a copy).
    ///
    /// ```
    /// let p = picklejar_codec::Payload::from(&b"xy"[..]);
    /// assert_eq!(p.to_shared(), bytes::Bytes::from_static(b"xy"));
    /// ```
    pub fn to_shared(&self) -> Bytes {
        match &self.0 {
            Repr::Owned(b) => Bytes::copy_from_slice(b),
            Repr::Shared(b) => Bytes::clone(b),
        }
    }

    /// The bytes in a vector of their own (owned payloads without a copy).
    ///
    /// ```
    /// assert_eq!(picklejar_codec::Payload::from(vec![7]).into_vec(), vec![7]);
    /// ```
    pub fn into_vec(self) -> Vec<u8> {
        match self.0 {
            Repr::Owned(b) => b.into_vec(),
            Repr::Shared(b) => b.to_vec(),
        }
    }
}

impl Deref for Payload {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl AsRef<[u8]> for Payload {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl Default for Payload {
    fn default() -> Payload {
        Payload(Repr::Owned(Box::default()))
    }
}

impl From<Vec<u8>> for Payload {
    fn from(v: Vec<u8>) -> Payload {
        Payload(Repr::Owned(v.into_boxed_slice()))
    }
}

impl From<Box<[u8]>> for Payload {
    fn from(b: Box<[u8]>) -> Payload {
        Payload(Repr::Owned(b))
    }
}

impl From<&[u8]> for Payload {
    fn from(b: &[u8]) -> Payload {
        Payload(Repr::Owned(b.into()))
    }
}

impl<const N: usize> From<&[u8; N]> for Payload {
    fn from(b: &[u8; N]) -> Payload {
        Payload::from(&b[..])
    }
}

impl From<Bytes> for Payload {
    fn from(b: Bytes) -> Payload {
        Payload(Repr::Shared(Box::new(b)))
    }
}

impl PartialEq for Payload {
    fn eq(&self, other: &Payload) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Payload {}

impl PartialEq<[u8]> for Payload {
    fn eq(&self, other: &[u8]) -> bool {
        self.as_bytes() == other
    }
}

impl PartialEq<&[u8]> for Payload {
    fn eq(&self, other: &&[u8]) -> bool {
        self.as_bytes() == *other
    }
}

impl PartialEq<Vec<u8>> for Payload {
    fn eq(&self, other: &Vec<u8>) -> bool {
        self.as_bytes() == other.as_slice()
    }
}

impl Hash for Payload {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_bytes(), f)
    }
}

/// `part` as a payload shared with `owner` when it lies inside `owner`'s bytes (it is a
/// slice the loader read from that input), `None` otherwise.
pub(crate) fn share(owner: &Bytes, part: &[u8]) -> Option<Payload> {
    // Where `part` starts in `owner` (wrapping, so a `part` before it is far past its end),
    // and one bounds test: `Bytes::slice_ref` checks the same twice over and costs a
    // third of a shared payload's load.
    let start = (part.as_ptr() as usize).wrapping_sub(owner.as_ptr() as usize);
    let end = start.checked_add(part.len())?;
    (start < end && end <= owner.len()).then(|| Payload::from(owner.slice(start..end)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_takes_only_slices_of_the_owner() {
        let owner = Bytes::from((0u8..=255).collect::<Vec<u8>>());
        let inside = &owner[10..20];
        let p = share(&owner, inside).expect("a slice of the owner");
        assert!(p.is_shared());
        assert_eq!(&p[..], &(10u8..20).collect::<Vec<u8>>()[..]);
        let other = vec![0u8; 10];
        assert!(share(&owner, &other).is_none());
        assert!(share(&owner, &owner[5..5]).is_none());
        // The whole input, and its last byte.
        assert_eq!(share(&owner, &owner[..]).map(|p| p.len()), Some(256));
        assert_eq!(share(&owner, &owner[255..]).map(|p| p[0]), Some(255));
        // Slices that overlap the owner without lying inside it, at either end.
        let middle = owner.slice(10..20);
        assert!(share(&middle, &owner[5..15]).is_none());
        assert!(share(&middle, &owner[15..25]).is_none());
        assert!(share(&middle, &owner[0..256]).is_none());
        assert_eq!(share(&middle, &owner[12..20]).map(|p| p[0]), Some(12));
    }

    #[test]
    fn owned_and_shared_payloads_are_equal_when_their_bytes_are() {
        let a = Payload::from(b"abc");
        let b = Payload::from(Bytes::from_static(b"abc"));
        assert_eq!(a, b);
        assert_ne!(a, Payload::from(b"abd"));
        let hash = |p: &Payload| {
            use std::collections::hash_map::DefaultHasher;
            let mut h = DefaultHasher::new();
            p.hash(&mut h);
            h.finish()
        };
        assert_eq!(hash(&a), hash(&b));
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        assert_eq!(format!("{a:?}"), "[97, 98, 99]");
        assert_eq!(b.clone().into_vec(), b"abc");
        assert_eq!(a.to_shared(), b.to_shared());
    }

    #[test]
    fn a_payload_keeps_a_node_at_32_bytes() {
        assert_eq!(std::mem::size_of::<Payload>(), 16);
        assert_eq!(std::mem::size_of::<crate::Node>(), 32);
    }
}
