//! Stable 64-bit hashes for features that outlive one process (stored in the archive's index).
//!
//! Main items: [`stable_hash`] (FNV-1a with a SplitMix64 finaliser, a tag byte per feature kind)
//! and [`IdMap`] (a hash map keyed by such hashes, which need no re-hashing).

/// FNV-1a 64-bit prime.
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Hashes `bytes` under a `tag` (one per feature kind); stable across builds and platforms.
pub fn stable_hash(tag: u8, bytes: &[u8]) -> u64 {
    let mut h = StableHasher::new(tag);
    h.write(bytes);
    h.finish()
}

/// [`stable_hash`] computed piece by piece: `write(a); write(b)` hashes as `a` followed by `b`,
/// so a key made of several strings needs no joined copy.
#[derive(Clone, Copy, Debug)]
pub struct StableHasher(u64);

impl StableHasher {
    /// Starts a hash under `tag`.
    pub fn new(tag: u8) -> StableHasher {
        StableHasher((0xcbf2_9ce4_8422_2325 ^ u64::from(tag)).wrapping_mul(FNV_PRIME))
    }

    /// Appends `bytes`.
    pub fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(FNV_PRIME);
        }
        self.0 = h;
    }

    /// The hash of everything written, equal to [`stable_hash`] of the concatenation.
    pub fn finish(self) -> u64 {
        mix(self.0)
    }
}

/// SplitMix64 finaliser: spreads the bits of `x`.
pub fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A hasher for keys that are already well-mixed 64-bit hashes: passes them through.
#[derive(Clone, Copy, Debug, Default)]
pub struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = mix(u64::from(n));
    }
}

/// A hash map keyed by [`stable_hash`] values (or other well-mixed u64s).
pub type IdMap<V> = std::collections::HashMap<u64, V, std::hash::BuildHasherDefault<IdHasher>>;

/// A fast hasher for short in-memory keys (words, small integers): FNV-1a with the SplitMix64
/// finaliser. Not resistant to chosen collisions; for maps that live within one article's work.
#[derive(Clone, Copy, Debug)]
pub struct FastHasher(u64);

impl Default for FastHasher {
    fn default() -> Self {
        FastHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for FastHasher {
    fn finish(&self) -> u64 {
        mix(self.0)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(FNV_PRIME);
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.0 = (self.0 ^ u64::from(n)).wrapping_mul(FNV_PRIME);
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0 ^ u64::from(n)).wrapping_mul(FNV_PRIME);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(FNV_PRIME);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

/// A hash map with [`FastHasher`], for short-lived in-memory maps.
pub type FastMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<FastHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_values() {
        assert_eq!(stable_hash(1, b"abc"), stable_hash(1, b"abc"));
        assert_ne!(stable_hash(1, b"abc"), stable_hash(2, b"abc"));
        // Pinned: the index in existing archives depends on these values.
        assert_eq!(stable_hash(0, b""), mix(0xcbf2_9ce4_8422_2325u64.wrapping_mul(0x0000_0100_0000_01b3)));
        assert_eq!(stable_hash(1, b"abc"), 0x571c_7ae9_d4f3_894a);
        assert_eq!(stable_hash(2, b"ukraine forces"), 0x3f32_94ab_951d_ee77);
        let mut h = StableHasher::new(2);
        h.write(b"ukraine");
        h.write(b" ");
        h.write(b"forces");
        assert_eq!(h.finish(), stable_hash(2, b"ukraine forces"));
    }
}
