//! The embedding API in one page: a host encodes frames into updates, a viewer applies them.
//!
//! `cargo run -p meekijk-codec --example pipeline`

use meekijk_codec::metrics::psnr;
use meekijk_codec::{Frame, HostConfig, HostEncoder, Rect, ViewerDecoder};

fn main() -> Result<(), meekijk_codec::Error> {
    let (width, height) = (1280, 720);
    // The host side: one encoder per shared screen. The first update is the whole screen.
    let mut host = HostEncoder::new(HostConfig::new(width, height))?;
    // The viewer side: one decoder per session, holding the framebuffer.
    let mut viewer = ViewerDecoder::new(width, height)?;

    let mut screen = Frame::filled(width, height, [48, 40, 36, 255])?;
    for n in 0..40u32 {
        // Something changes on screen: a "caret" moves along a line, a window slides.
        let mut view = screen.view_mut();
        view.sub_mut(Rect::new(200 + n * 8, 300, 2, 18))?
            .fill([230, 230, 230, 255]);
        view.sub_mut(Rect::new(600, 100 + n * 4, 400, 240))?
            .fill([250, 250, 250, 255]);
        view.sub_mut(Rect::new(600, 100 + n * 4, 400, 24))?
            .fill([120, 80, 40, 255]);

        // Zero frame delay: the update for this frame is complete when `encode` returns.
        let update = host.encode(&screen.view())?;
        let stats = host.last_stats();
        // ... the update crosses the network (see `meekijk_codec::wire`) ...
        viewer.apply(&update)?;

        let quality = psnr(&screen.view(), &viewer.framebuffer())?;
        if n % 10 == 0 {
            println!(
                "frame {n:2}: {:3} ops, {:6} bytes, {:3} dirty blocks, diff {:?}, encode {:?}, PSNR {quality:.1} dB",
                update.ops.len(),
                update.payload_len(),
                stats.dirty_blocks,
                stats.diff,
                stats.encode,
            );
        }
    }
    // A viewer that lost its state (or a new one) asks for a refresh: the next update is whole.
    host.request_refresh();
    let full = host.encode(&screen.view())?;
    println!(
        "refresh: {} ops, {} bytes",
        full.ops.len(),
        full.payload_len()
    );
    Ok(())
}
