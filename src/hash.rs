//! Content hashing, for cache-busting URLs and file names: a leaf module, used by every stage
//! that names a file by what it holds.

/// A stable content hash (FNV-1a, 64 bits) in hex: enough to tell versions of a file apart, for
/// cache-busting URLs and image names.
pub fn content_hash(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}
