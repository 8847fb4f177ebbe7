//! How large an upload may be: the one set of limits within which the web server and the
//! command line read files. The server takes them from `innozone serve`'s flags, the
//! command line's imports from the same flags with the same defaults.

pub use innozone_exchange::ReadLimits;

const MIB: u64 = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes of one upload: the body of a request, a file the command line reads.
    pub upload_bytes: u64,
    /// What a file may unpack to and hold: see [`ReadLimits`].
    pub read: ReadLimits,
}

impl Limits {
    pub const DEFAULT: Limits = Limits {
        upload_bytes: 32 * MIB,
        read: ReadLimits::DEFAULT,
    };

    /// The limits given in megabytes (MiB), rows and cells, as the flags give them.
    pub fn from_flags(upload_mb: u64, unpacked_mb: u64, rows: usize, cells: usize) -> Limits {
        Limits {
            upload_bytes: upload_mb.saturating_mul(MIB),
            read: ReadLimits {
                unpacked_bytes: unpacked_mb.saturating_mul(MIB),
                rows,
                cells,
            },
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// The most characters of a search text: a name or a credit code is far shorter, and the
/// database refuses a pattern much longer (SQLite: 50,000 bytes).
pub const SEARCH_CHARS: usize = 200;
