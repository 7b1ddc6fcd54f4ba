//! The zstd plumbing shared by the session-long streams (palette tiles and update op tables):
//! one compressed chunk per call, flushed so the peer can decode it now and keep the history.

use zstd::zstd_safe::{
    self, zstd_sys::ZSTD_EndDirective, CCtx, CParameter, DCtx, DParameter, InBuffer, OutBuffer,
    ResetDirective,
};

use crate::{Error, Result};

/// zstd's error code as an [`Error::Zstd`].
pub(crate) fn zstd_error(code: usize) -> Error {
    Error::Zstd(zstd_safe::get_error_name(code).to_string())
}

/// A compression context at `level` with a window of 2^`window_log` bytes.
pub(crate) fn compressor(level: i32, window_log: u32) -> Result<CCtx<'static>> {
    let mut cctx = CCtx::create();
    cctx.set_parameter(CParameter::CompressionLevel(level))
        .map_err(zstd_error)?;
    cctx.set_parameter(CParameter::WindowLog(window_log))
        .map_err(zstd_error)?;
    Ok(cctx)
}

/// A decompression context that refuses windows over 2^`window_log_max` bytes, whatever the
/// data asks for: that bounds its memory.
pub(crate) fn decompressor(window_log_max: u32) -> Result<DCtx<'static>> {
    let mut dctx = DCtx::create();
    dctx.set_parameter(DParameter::WindowLogMax(window_log_max))
        .map_err(zstd_error)?;
    Ok(dctx)
}

/// Appends `source`, compressed, to `out`: a new stream first when `restart`, then `end`
/// (`ZSTD_e_flush` keeps the stream going, `ZSTD_e_end` closes a lone frame).
pub(crate) fn compress_into(
    cctx: &mut CCtx<'_>,
    restart: bool,
    source: &[u8],
    end: ZSTD_EndDirective,
    out: &mut Vec<u8>,
) -> Result<()> {
    if restart {
        cctx.reset(ResetDirective::SessionOnly)
            .map_err(zstd_error)?;
    }
    out.reserve(zstd_safe::compress_bound(source.len()));
    let mut input = InBuffer::around(source);
    loop {
        // `out` has compress_bound capacity, so each call makes progress; reserve anyway
        // so a flush that needs more room never spins.
        out.reserve(64);
        let mut output = OutBuffer::around_pos(out, out.len());
        let remaining = cctx
            .compress_stream2(&mut output, &mut input, end)
            .map_err(zstd_error)?;
        if remaining == 0 && input.pos == source.len() {
            return Ok(());
        }
    }
}
