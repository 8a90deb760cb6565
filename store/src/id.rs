//! Blob identifiers: the blake3 hash of a blob's raw bytes.

use std::fmt;
use std::str::FromStr;

/// The identity of a blob: the 32-byte blake3 hash of its raw (decoded) bytes.
///
/// `Display` shows the 64 lower-case hex digits; `Debug` shows a short prefix.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BlobId(pub [u8; 32]);

const HEX: &[u8; 16] = b"0123456789abcdef";

impl BlobId {
    /// Hashes `bytes` with blake3 and returns their id.
    pub fn of(bytes: &[u8]) -> BlobId {
        BlobId(*blake3::hash(bytes).as_bytes())
    }

    /// Returns the 64 lower-case hex digits of the id.
    pub fn hex(&self) -> String {
        let mut s = String::with_capacity(64);
        for b in self.0 {
            s.push(HEX[usize::from(b >> 4)] as char);
            s.push(HEX[usize::from(b & 0x0f)] as char);
        }
        s
    }

    /// Parses exactly 64 hex digits (either case); `None` for anything else.
    pub fn from_hex(s: &str) -> Option<BlobId> {
        let s = s.as_bytes();
        if s.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, pair) in s.chunks_exact(2).enumerate() {
            out[i] = (hex_val(pair[0])? << 4) | hex_val(pair[1])?;
        }
        Some(BlobId(out))
    }

    /// Returns the raw 32 bytes of the id.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Builds an id from exactly 32 bytes; `None` for any other length.
    pub fn from_slice(b: &[u8]) -> Option<BlobId> {
        <[u8; 32]>::try_from(b).ok().map(BlobId)
    }

    /// Returns the first `n` hex digits (at most 64), for human output.
    pub fn short(&self, n: usize) -> String {
        let mut s = self.hex();
        s.truncate(n.min(64));
        s
    }
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

impl fmt::Display for BlobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hex())
    }
}

impl fmt::Debug for BlobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BlobId({}…)", self.short(12))
    }
}

/// The error of parsing a [`BlobId`] from a string that is not 64 hex digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseBlobIdError;

impl fmt::Display for ParseBlobIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a blob id is 64 hex digits")
    }
}

impl std::error::Error for ParseBlobIdError {}

impl FromStr for BlobId {
    type Err = ParseBlobIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BlobId::from_hex(s).ok_or(ParseBlobIdError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        let id = BlobId::of(b"hello");
        assert_eq!(id.hex().len(), 64);
        assert_eq!(BlobId::from_hex(&id.hex()), Some(id));
        assert_eq!(BlobId::from_hex(&id.hex().to_uppercase()), Some(id));
        assert_eq!(id.to_string(), id.hex());
        assert_eq!(id.hex(), blake3::hash(b"hello").to_hex().as_str());
        assert_eq!(BlobId::from_hex("zz"), None);
        assert_eq!(BlobId::from_hex(&"g".repeat(64)), None);
        assert_eq!(BlobId::from_slice(id.as_bytes()), Some(id));
        assert_eq!(BlobId::from_slice(&[0u8; 31]), None);
        assert!(format!("{id:?}").len() < 30);
    }
}
