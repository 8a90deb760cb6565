//! The on-disk encoding of one blob value: header plus zstd frame.
//!
//! Layout (all integers little-endian):
//!
//! | bytes | field                                                  |
//! |-------|--------------------------------------------------------|
//! | 2     | magic `b"SB"`                                          |
//! | 1     | blob format, currently 1                               |
//! | 1     | codec: 0 = zstd, 1 = zstd delta, 2 = zstd dictionary   |
//! | 1     | delta depth: 0 for zstd, 1 + the base's depth otherwise |
//! | 8     | raw length (u64) of the decoded bytes                  |
//! | 32    | base blob id (the delta base or the dictionary), codecs 1 and 2 |
//! | rest  | one zstd frame with its content size                   |
//!
//! A delta (codec 1) is compressed with the base's raw bytes as zstd prefix; a dictionary blob
//! (codec 2) with the base's bytes loaded as a zstd dictionary (a trained, formatted one when
//! they start with the dictionary magic, raw content otherwise).

use zstd::zstd_safe::{self, CCtx, CParameter, DCtx, InBuffer, OutBuffer};

use crate::{BlobId, Codec};

pub(crate) const MAGIC: [u8; 2] = *b"SB";
pub(crate) const BLOB_FORMAT: u8 = 1;
const CODEC_ZSTD: u8 = 0;
const CODEC_ZSTD_DELTA: u8 = 1;
const CODEC_ZSTD_DICT: u8 = 2;
const PLAIN_HEADER_LEN: usize = 13;
const DELTA_HEADER_LEN: usize = PLAIN_HEADER_LEN + 32;
/// Base plus new bytes must fit the window a default decoder accepts (2^27).
pub(crate) const MAX_DELTA_SPAN: usize = 1 << 27;

/// The parsed header of a blob value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header {
    pub codec: Codec,
    pub depth: u8,
    pub raw_len: u64,
    pub base: Option<BlobId>,
    pub body_offset: usize,
}

/// Parses and sanity-checks a blob value's header.
pub(crate) fn parse_header(value: &[u8]) -> Result<Header, String> {
    if value.len() < PLAIN_HEADER_LEN {
        return Err(format!("stored value too short ({} bytes)", value.len()));
    }
    if value[0..2] != MAGIC {
        return Err("bad magic in blob header".to_string());
    }
    if value[2] != BLOB_FORMAT {
        return Err(format!("unknown blob format {}", value[2]));
    }
    let depth = value[4];
    let mut len = [0u8; 8];
    len.copy_from_slice(&value[5..13]);
    let raw_len = u64::from_le_bytes(len);
    match value[3] {
        CODEC_ZSTD => {
            if depth != 0 {
                return Err(format!("plain blob with delta depth {depth}"));
            }
            Ok(Header { codec: Codec::Zstd, depth, raw_len, base: None, body_offset: PLAIN_HEADER_LEN })
        }
        c @ (CODEC_ZSTD_DELTA | CODEC_ZSTD_DICT) => {
            if value.len() < DELTA_HEADER_LEN {
                return Err(format!("delta value too short ({} bytes)", value.len()));
            }
            if depth == 0 {
                return Err("delta blob with depth 0".to_string());
            }
            let base = BlobId::from_slice(&value[PLAIN_HEADER_LEN..DELTA_HEADER_LEN])
                .ok_or_else(|| "bad base id".to_string())?;
            Ok(Header {
                codec: if c == CODEC_ZSTD_DICT { Codec::ZstdDict } else { Codec::ZstdDelta },
                depth,
                raw_len,
                base: Some(base),
                body_offset: DELTA_HEADER_LEN,
            })
        }
        other => Err(format!("unknown codec {other}")),
    }
}

/// Rewrites the depth recorded in a blob value's header (after its base was recompressed).
pub(crate) fn set_depth(value: &mut [u8], depth: u8) {
    if let Some(d) = value.get_mut(4) {
        *d = depth;
    }
}

fn header_bytes(codec: u8, depth: u8, raw_len: u64, base: Option<&BlobId>) -> Vec<u8> {
    let mut out = Vec::with_capacity(DELTA_HEADER_LEN);
    out.extend_from_slice(&MAGIC);
    out.push(BLOB_FORMAT);
    out.push(codec);
    out.push(depth);
    out.extend_from_slice(&raw_len.to_le_bytes());
    if let Some(b) = base {
        out.extend_from_slice(b.as_bytes());
    }
    out
}

fn zstd_msg(code: usize) -> String {
    zstd_safe::get_error_name(code).to_string()
}

/// Sets the level and the frame flags on a compression context: content size on (decoding
/// checks it against the header), zstd's own checksum off: every decoded blob is re-hashed
/// with blake3 against its id, which the 4 checksum bytes per blob (1% of a repository) only
/// repeated. Frames written with a checksum, before, are still checked.
pub(crate) fn configure(cctx: &mut CCtx<'_>, level: i32) -> Result<(), String> {
    cctx.set_parameter(CParameter::CompressionLevel(level)).map_err(zstd_msg)?;
    cctx.set_parameter(CParameter::ChecksumFlag(false)).map_err(zstd_msg)?;
    cctx.set_parameter(CParameter::ContentSizeFlag(true)).map_err(zstd_msg)?;
    Ok(())
}

fn compress_with(cctx: &mut CCtx<'_>, header: Vec<u8>, bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut frame = Vec::with_capacity(zstd_safe::compress_bound(bytes.len()));
    cctx.compress2(&mut frame, bytes).map_err(zstd_msg)?;
    let mut out = header;
    out.extend_from_slice(&frame);
    Ok(out)
}

/// Encodes `bytes` as a plain zstd blob value at `level` with this thread's context: the same
/// value as [`encode_plain`] with a context configured at that level.
pub(crate) fn encode_plain_at(level: i32, bytes: &[u8]) -> Result<Vec<u8>, String> {
    CCTX.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            *cell = Some(CCtx::try_create().ok_or_else(|| "cannot allocate a zstd context".to_string())?);
        }
        let Some(cctx) = cell.as_mut() else { return Err("no zstd context".to_string()) };
        cctx.reset(zstd_safe::ResetDirective::SessionAndParameters).map_err(zstd_msg)?;
        configure(cctx, level)?;
        encode_plain(cctx, bytes)
    })
}

/// Encodes `bytes` as a plain zstd blob value with an already configured context.
pub(crate) fn encode_plain(cctx: &mut CCtx<'_>, bytes: &[u8]) -> Result<Vec<u8>, String> {
    compress_with(cctx, header_bytes(CODEC_ZSTD, 0, bytes.len() as u64, None), bytes)
}

/// Encodes `bytes` as a zstd delta against `base_bytes` (the raw bytes of blob `base`).
pub(crate) fn encode_delta(
    level: i32,
    bytes: &[u8],
    base: &BlobId,
    base_bytes: &[u8],
    depth: u8,
) -> Result<Vec<u8>, String> {
    let mut cctx = CCtx::try_create().ok_or_else(|| "cannot allocate a zstd context".to_string())?;
    configure(&mut cctx, level)?;
    // The window must reach back over the whole base, or big bases are barely used.
    let span = base_bytes.len().saturating_add(bytes.len()).max(1 << 10);
    let window_log = usize::BITS - (span - 1).leading_zeros();
    cctx.set_parameter(CParameter::WindowLog(window_log.min(27))).map_err(zstd_msg)?;
    if span > 1 << 20 {
        cctx.set_parameter(CParameter::EnableLongDistanceMatching(true)).map_err(zstd_msg)?;
    }
    cctx.ref_prefix(base_bytes).map_err(zstd_msg)?;
    compress_with(&mut cctx, header_bytes(CODEC_ZSTD_DELTA, depth, bytes.len() as u64, Some(base)), bytes)
}

/// The zstd magic number that opens a formatted dictionary; bytes starting with it would be
/// read as one by [`zstd_safe::CDict::create`], not as raw content.
const DICT_MAGIC: [u8; 4] = [0x37, 0xA4, 0x30, 0xEC];

/// A delta base or dictionary digested once for many blobs (a [`zstd_safe::CDict`]):
/// compressing against a 110 KB base as a prefix re-indexes it for every blob.
pub(crate) struct PreparedBase {
    pub(crate) id: BlobId,
    pub(crate) level: i32,
    /// Whether blobs are encoded as dictionary blobs (codec 2) rather than deltas (codec 1).
    pub(crate) dictionary: bool,
    /// The base's own delta depth.
    pub(crate) depth: u8,
    cdict: zstd_safe::CDict<'static>,
}

impl PreparedBase {
    /// Digests `base_bytes` (blob `id` at delta depth `depth`) for deltas (`dictionary` false)
    /// or dictionary blobs; `None` when zstd fails, or for deltas when the bytes cannot serve as
    /// raw content (they look like a formatted dictionary).
    pub(crate) fn new(id: BlobId, depth: u8, base_bytes: &[u8], level: i32, dictionary: bool) -> Option<PreparedBase> {
        if !dictionary && base_bytes.starts_with(&DICT_MAGIC) {
            return None;
        }
        let cdict = zstd_safe::CDict::try_create(base_bytes, level)?;
        Some(PreparedBase { id, level, dictionary, depth, cdict })
    }

    /// Encodes `bytes` against this base. A delta's frame decodes with the base's raw bytes as
    /// prefix, exactly like one from [`encode_delta`]; a dictionary blob's with the base loaded
    /// as a dictionary.
    pub(crate) fn encode(&self, bytes: &[u8]) -> Result<Vec<u8>, String> {
        // A context per thread, reused: a new one per blob allocated (and the kernel zeroed)
        // a megabyte of tables each time.
        CCTX.with(|cell| {
            let mut cell = cell.borrow_mut();
            if cell.is_none() {
                *cell = Some(CCtx::try_create().ok_or_else(|| "cannot allocate a zstd context".to_string())?);
            }
            let Some(cctx) = cell.as_mut() else { return Err("no zstd context".to_string()) };
            cctx.reset(zstd_safe::ResetDirective::SessionAndParameters).map_err(zstd_msg)?;
            configure(cctx, self.level)?;
            cctx.ref_cdict(&self.cdict).map_err(zstd_msg)?;
            let codec = if self.dictionary { CODEC_ZSTD_DICT } else { CODEC_ZSTD_DELTA };
            let header = header_bytes(codec, self.depth + 1, bytes.len() as u64, Some(&self.id));
            let out = compress_with(cctx, header, bytes);
            // Drop the reference to the dictionary before the context outlives it.
            cctx.reset(zstd_safe::ResetDirective::SessionAndParameters).map_err(zstd_msg)?;
            out
        })
    }
}

/// Blobs up to this size are decoded in one call into a buffer of their announced size, with a
/// context reused per thread: a new streaming context per blob allocated (and the kernel
/// zeroed) its buffers every time, a sixth of `add`'s CPU time in system time.
const ONE_SHOT_MAX: u64 = 16 << 20;

thread_local! {
    static DCTX: std::cell::RefCell<Option<DCtx<'static>>> = const { std::cell::RefCell::new(None) };
    static CCTX: std::cell::RefCell<Option<CCtx<'static>>> = const { std::cell::RefCell::new(None) };
}

/// Decodes one whole frame (content size already checked against `len`), its base given as a
/// raw-content dictionary, which zstd reads exactly like the prefix it was compressed with.
fn decode_one_shot(body: &[u8], len: usize, prefix: Option<&[u8]>) -> Result<Vec<u8>, String> {
    let mut out: Vec<u8> = Vec::new();
    out.try_reserve_exact(len).map_err(|_| format!("cannot allocate {len} bytes"))?;
    DCTX.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            *cell = Some(DCtx::try_create().ok_or_else(|| "cannot allocate a zstd context".to_string())?);
        }
        let Some(dctx) = cell.as_mut() else { return Err("no zstd context".to_string()) };
        let n = match prefix {
            Some(p) => dctx.decompress_using_dict(&mut out, body, p),
            None => dctx.decompress(&mut out, body),
        }
        .map_err(|c| format!("zstd: {}", zstd_msg(c)))?;
        if n != len || out.len() != len {
            return Err(format!("decoded {n} bytes, expected {len}"));
        }
        Ok(out)
    })
}

/// Output space reserved before decoding starts; more is added as decoded bytes arrive.
const INITIAL_RESERVE: usize = 1 << 20;

/// Decompresses one blob body (the zstd frame), given the decoded bytes of its base for deltas
/// and dictionary blobs (`dictionary`: the base is loaded as a zstd dictionary, not a prefix).
/// Checks the frame's content size against the header, and the zstd checksum when it has one.
///
/// Memory grows with the bytes actually decoded, never with the length a (possibly damaged)
/// header or frame claims.
pub(crate) fn decode_body(body: &[u8], raw_len: u64, prefix: Option<&[u8]>, dictionary: bool) -> Result<Vec<u8>, String> {
    match zstd_safe::get_frame_content_size(body) {
        Ok(Some(n)) if n == raw_len => {}
        Ok(Some(n)) => return Err(format!("header says {raw_len} bytes but the frame holds {n}")),
        Ok(None) => return Err("zstd frame without content size".to_string()),
        Err(_) => return Err("not a valid zstd frame".to_string()),
    }
    let len = usize::try_from(raw_len).map_err(|_| format!("raw length {raw_len} too large"))?;
    // One shot loads the base as a dictionary: a formatted one when it starts with the magic,
    // which only a dictionary blob may use that way.
    if raw_len <= ONE_SHOT_MAX && (dictionary || prefix.is_none_or(|p| !p.starts_with(&DICT_MAGIC))) {
        return decode_one_shot(body, len, prefix);
    }
    let mut out: Vec<u8> = Vec::new();
    let reserve = |out: &mut Vec<u8>, extra: usize| {
        out.try_reserve_exact(extra).map_err(|_| format!("cannot allocate {raw_len} bytes"))
    };
    reserve(&mut out, len.min(INITIAL_RESERVE))?;
    let mut dctx = DCtx::try_create().ok_or_else(|| "cannot allocate a zstd context".to_string())?;
    match prefix {
        Some(p) if dictionary => {
            dctx.load_dictionary(p).map_err(zstd_msg)?;
        }
        Some(p) => {
            dctx.ref_prefix(p).map_err(zstd_msg)?;
        }
        None => {}
    }
    let mut input = InBuffer::around(body);
    loop {
        if out.len() == out.capacity() && out.len() < len {
            // Double, up to the announced length.
            let extra = out.len().max(INITIAL_RESERVE).min(len - out.len());
            reserve(&mut out, extra)?;
        }
        let (in_before, out_before) = (input.pos(), out.len());
        let pos = out.len();
        let mut output = OutBuffer::around_pos(&mut out, pos);
        let hint = dctx.decompress_stream(&mut output, &mut input).map_err(|c| format!("zstd: {}", zstd_msg(c)))?;
        if hint == 0 {
            break;
        }
        if out.len() > len {
            return Err(format!("decoded more than the {raw_len} bytes expected"));
        }
        if input.pos() == in_before && out.len() == out_before {
            return Err("zstd frame truncated".to_string());
        }
    }
    if input.pos() != body.len() {
        return Err(format!("{} bytes after the zstd frame", body.len() - input.pos()));
    }
    if out.len() != len {
        return Err(format!("decoded {} bytes, expected {raw_len}", out.len()));
    }
    Ok(out)
}

/// Trains a zstd dictionary of at most `max_size` bytes on `samples`, for
/// [`crate::Batch::put_blob_with_dictionary`]; `None` when zstd cannot (too few or too small
/// samples). Deterministic: the same samples give the same dictionary.
pub fn train_dictionary(samples: &[Vec<u8>], max_size: usize) -> Option<Vec<u8>> {
    let sizes: Vec<usize> = samples.iter().map(Vec::len).collect();
    let data = samples.concat();
    zstd::dict::from_continuous(&data, &sizes, max_size).ok().filter(|d| !d.is_empty())
}
