//! The part of `crc-fast`'s API that the AWS SDK's checksums use:
//! [`CrcAlgorithm`], [`Digest`] and [`checksum`] for CRC-32 (ISO-HDLC),
//! CRC-32C (iSCSI) and CRC-64/NVME.
//!
//! `crc-fast` keeps a 8–32 KiB lookup table for each of its 50 algorithms
//! and picks one at run time, so every table stays in a binary that names
//! only these three: 0.66 MB of read-only data that hardly deflates, about a
//! fifth of the Lambda zip. Here CRC-32 goes to `crc32fast` (hardware
//! accelerated where the CPU allows) and the other two use one 256-entry
//! table each, built at compile time; the SDK computes them only when a
//! caller asks for that algorithm, over objects of a few KB in this project.

/// The CRC variants this crate computes (those the AWS SDK names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrcAlgorithm {
    /// CRC-32/ISO-HDLC, the one of zlib and Ethernet (S3's `CRC32`).
    Crc32IsoHdlc,
    /// CRC-32C, Castagnoli (S3's `CRC32C`).
    Crc32Iscsi,
    /// CRC-64/NVME (S3's `CRC64NVME`).
    Crc64Nvme,
}

/// Reflected polynomial of CRC-32C (0x1EDC6F41).
const CRC32C_POLY: u32 = 0x82F6_3B78;
/// Reflected polynomial of CRC-64/NVME (0xAD93D23594C93659).
const CRC64_NVME_POLY: u64 = 0x9A6C_9329_AC4B_C9B5;

const fn table32(poly: u32) -> [u32; 256] {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { (c >> 1) ^ poly } else { c >> 1 };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
}

const fn table64(poly: u64) -> [u64; 256] {
    let mut t = [0u64; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u64;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { (c >> 1) ^ poly } else { c >> 1 };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
}

static CRC32C_TABLE: [u32; 256] = table32(CRC32C_POLY);
static CRC64_NVME_TABLE: [u64; 256] = table64(CRC64_NVME_POLY);

#[derive(Debug, Clone)]
enum State {
    Crc32(crc32fast::Hasher),
    /// The running register, before the final inversion.
    Crc32c(u32),
    Crc64Nvme(u64),
}

/// A streaming CRC: [`update`](Digest::update) any number of times, then
/// [`finalize`](Digest::finalize).
#[derive(Debug, Clone)]
pub struct Digest {
    state: State,
}

impl Digest {
    pub fn new(algorithm: CrcAlgorithm) -> Digest {
        let state = match algorithm {
            CrcAlgorithm::Crc32IsoHdlc => State::Crc32(crc32fast::Hasher::new()),
            CrcAlgorithm::Crc32Iscsi => State::Crc32c(!0),
            CrcAlgorithm::Crc64Nvme => State::Crc64Nvme(!0),
        };
        Digest { state }
    }

    pub fn update(&mut self, data: &[u8]) {
        match &mut self.state {
            State::Crc32(h) => h.update(data),
            State::Crc32c(c) => {
                for &b in data {
                    *c = CRC32C_TABLE[((*c ^ u32::from(b)) & 0xFF) as usize] ^ (*c >> 8);
                }
            }
            State::Crc64Nvme(c) => {
                for &b in data {
                    *c = CRC64_NVME_TABLE[((*c ^ u64::from(b)) & 0xFF) as usize] ^ (*c >> 8);
                }
            }
        }
    }

    /// The checksum of everything passed to `update` so far.
    pub fn finalize(&self) -> u64 {
        match &self.state {
            State::Crc32(h) => u64::from(h.clone().finalize()),
            State::Crc32c(c) => u64::from(!*c),
            State::Crc64Nvme(c) => !*c,
        }
    }
}

/// The checksum of `buf` in one call.
pub fn checksum(algorithm: CrcAlgorithm, buf: &[u8]) -> u64 {
    let mut d = Digest::new(algorithm);
    d.update(buf);
    d.finalize()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bit by bit from the definition (reflected in and out, all-ones
    /// initial value and final xor), independent of the tables.
    fn reference(width: u32, poly: u64, data: &[u8]) -> u64 {
        let mask = if width == 64 {
            !0u64
        } else {
            (1u64 << width) - 1
        };
        let mut c = mask;
        for &b in data {
            c ^= u64::from(b);
            for _ in 0..8 {
                c = if c & 1 != 0 { (c >> 1) ^ poly } else { c >> 1 };
            }
        }
        !c & mask
    }

    #[test]
    fn catalogue_check_values() {
        // The "check" of each algorithm in the CRC catalogue: the CRC of
        // the ASCII digits 1 to 9.
        let nine = b"123456789";
        assert_eq!(checksum(CrcAlgorithm::Crc32IsoHdlc, nine), 0xCBF4_3926);
        assert_eq!(checksum(CrcAlgorithm::Crc32Iscsi, nine), 0xE306_9283);
        assert_eq!(
            checksum(CrcAlgorithm::Crc64Nvme, nine),
            0xAE8B_1486_0A79_9888
        );
    }

    #[test]
    fn empty_input_is_zero() {
        for a in [
            CrcAlgorithm::Crc32IsoHdlc,
            CrcAlgorithm::Crc32Iscsi,
            CrcAlgorithm::Crc64Nvme,
        ] {
            assert_eq!(checksum(a, b""), 0, "{a:?}");
        }
    }

    #[test]
    fn tables_agree_with_the_bitwise_definition_and_streaming_with_one_shot() {
        // Deterministic bytes of every value, lengths across word sizes.
        let data: Vec<u8> = (0..4099u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        for len in [1, 7, 8, 63, 64, 1000, 4099] {
            let d = &data[..len];
            assert_eq!(
                checksum(CrcAlgorithm::Crc32IsoHdlc, d),
                reference(32, 0xEDB8_8320, d)
            );
            assert_eq!(
                checksum(CrcAlgorithm::Crc32Iscsi, d),
                reference(32, u64::from(CRC32C_POLY), d)
            );
            assert_eq!(
                checksum(CrcAlgorithm::Crc64Nvme, d),
                reference(64, CRC64_NVME_POLY, d)
            );
            for a in [
                CrcAlgorithm::Crc32IsoHdlc,
                CrcAlgorithm::Crc32Iscsi,
                CrcAlgorithm::Crc64Nvme,
            ] {
                let mut s = Digest::new(a);
                for part in d.chunks(5) {
                    s.update(part);
                }
                assert_eq!(s.finalize(), checksum(a, d), "{a:?}, {len} bytes");
                // finalize does not consume: more data continues the same CRC.
                s.update(b"x");
                let mut whole = d.to_vec();
                whole.push(b'x');
                assert_eq!(s.finalize(), checksum(a, &whole), "{a:?}");
            }
        }
    }
}
