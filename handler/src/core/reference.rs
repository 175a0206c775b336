//! Reference IDs: `HS-7K4M-2QXF` — a prefix and eight Crockford base32
//! characters (40 random bits), easy to read aloud and to type back.

/// Crockford's alphabet: no I, L, O or U.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A new random reference with the given prefix.
pub fn new_reference(prefix: &str) -> String {
    let mut bytes = [0u8; 5];
    if getrandom::fill(&mut bytes).is_err() {
        // No OS randomness (never expected): fall back to the clock and a counter.
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = crate::core::time::now_ms()
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(COUNTER.fetch_add(1, Ordering::Relaxed));
        bytes.copy_from_slice(&n.to_le_bytes()[..5]);
    }
    let mut n = bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    let mut chars = [0u8; 8];
    for c in chars.iter_mut().rev() {
        *c = CROCKFORD[(n & 31) as usize];
        n >>= 5;
    }
    let s = std::str::from_utf8(&chars).expect("ASCII");
    format!("{prefix}-{}-{}", &s[..4], &s[4..])
}

/// Whether `s` has the shape of a reference (any prefix of capitals/digits).
pub fn is_reference(s: &str) -> bool {
    let Some((prefix, rest)) = s.split_once('-') else {
        return false;
    };
    let prefix_ok = (1..=8).contains(&prefix.len())
        && prefix
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    let rest = rest.as_bytes();
    prefix_ok
        && rest.len() == 9
        && rest[4] == b'-'
        && rest
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || CROCKFORD.contains(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_and_uniqueness() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1000 {
            let r = new_reference("HS");
            assert!(is_reference(&r), "{r}");
            assert_eq!(r.len(), 12);
            assert!(!r[3..].contains(['I', 'L', 'O', 'U']));
            assert!(seen.insert(r));
        }
        assert!(!is_reference("HS-7K4M2QXF"));
        assert!(!is_reference("HS-7K4M-2QXI"));
        assert!(!is_reference("hs-7K4M-2QXF"));
        assert!(is_reference("HS-7K4M-2QXF"));
    }
}
