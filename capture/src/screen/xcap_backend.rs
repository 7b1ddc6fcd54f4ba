//! The portable fallback: xcap's per-call capture (slow on X11, ~90 ms a 1080p frame, but it
//! works on every platform xcap supports) and xcap's monitor and window lists.

use std::time::Instant;

use meekijk_codec::Frame;

use super::{select, Monitor, MonitorInfo};
use crate::mask::{self, Masks, WindowInfo};
use crate::source::{Source, SourceFrame};
use crate::{Error, Result};

fn xcap_err(what: &'static str) -> impl Fn(xcap::XCapError) -> Error {
    move |e| Error::Xcap {
        what,
        detail: e.to_string(),
    }
}

/// All monitors as xcap sees them, with xcap's handle.
pub(crate) fn xcap_monitors() -> Result<Vec<(xcap::Monitor, MonitorInfo)>> {
    let all = xcap::Monitor::all().map_err(xcap_err("list monitors"))?;
    let mut out = Vec::with_capacity(all.len());
    for (index, m) in all.into_iter().enumerate() {
        let e = xcap_err("read monitor");
        let info = MonitorInfo {
            index,
            name: m.name().map_err(&e)?,
            x: m.x().map_err(&e)?,
            y: m.y().map_err(&e)?,
            width: m.width().map_err(&e)?,
            height: m.height().map_err(&e)?,
            primary: m.is_primary().unwrap_or(false),
        };
        out.push((m, info));
    }
    Ok(out)
}

/// Visible windows relative to the point (`origin_x`, `origin_y`) of the virtual screen.
pub(crate) fn xcap_windows(origin_x: i32, origin_y: i32) -> Result<Vec<WindowInfo>> {
    let all = xcap::Window::all().map_err(xcap_err("list windows"))?;
    let mut out = Vec::with_capacity(all.len());
    for w in all {
        // A window that closed while we looked answers with errors: skip it.
        let (Ok(title), Ok(x), Ok(y), Ok(width), Ok(height)) =
            (w.title(), w.x(), w.y(), w.width(), w.height())
        else {
            continue;
        };
        if w.is_minimized().unwrap_or(false) {
            continue;
        }
        out.push(WindowInfo {
            title,
            x: x as i64 - origin_x as i64,
            y: y as i64 - origin_y as i64,
            width,
            height,
        });
    }
    Ok(out)
}

/// Captures a monitor through xcap, converting its RGBA images to BGRA.
pub struct XcapCapture {
    monitor: xcap::Monitor,
    info: MonitorInfo,
    frame: Frame,
    started: Instant,
    masks: Masks,
}

impl XcapCapture {
    /// Finds `monitor` among xcap's monitors.
    ///
    /// # Errors
    /// [`Error::Xcap`] when xcap cannot list monitors, [`Error::MonitorNotFound`].
    pub fn open(monitor: &Monitor) -> Result<Self> {
        let monitors = xcap_monitors()?;
        let infos: Vec<MonitorInfo> = monitors.iter().map(|(_, i)| i.clone()).collect();
        let info = select(&infos, monitor)?;
        let Some((handle, _)) = monitors.into_iter().nth(info.index) else {
            return Err(Error::MonitorNotFound {
                wanted: info.to_string(),
                available: String::new(),
            });
        };
        Ok(Self {
            monitor: handle,
            frame: Frame::new(info.width.max(1), info.height.max(1))?,
            info,
            started: Instant::now(),
            masks: Masks::new(),
        })
    }

    /// The monitor being captured.
    pub fn monitor(&self) -> &MonitorInfo {
        &self.info
    }
}

impl Source for XcapCapture {
    fn size(&self) -> (u32, u32) {
        (self.frame.width(), self.frame.height())
    }

    fn next_frame(&mut self) -> Result<Option<SourceFrame<'_>>> {
        let image = self.monitor.capture_image().map_err(xcap_err("capture"))?;
        let timestamp = self.started.elapsed();
        if (image.width(), image.height()) != (self.frame.width(), self.frame.height()) {
            // The monitor changed resolution: frames come at its new size from now on.
            self.frame = Frame::new(image.width(), image.height())?;
            (self.info.width, self.info.height) = (image.width(), image.height());
        }
        for (dst, src) in self
            .frame
            .data_mut()
            .chunks_exact_mut(4)
            .zip(image.as_raw().chunks_exact(4))
        {
            dst.copy_from_slice(&[src[2], src[1], src[0], src[3]]);
        }
        if !self.masks.is_empty() {
            let windows = if self.masks.has_titles() {
                xcap_windows(self.info.x, self.info.y)?
            } else {
                Vec::new()
            };
            mask::paint(&mut self.frame.view_mut(), &self.masks, &windows);
        }
        Ok(Some(SourceFrame {
            pixels: self.frame.view(),
            pointer: None,
            timestamp,
            unchanged: false,
        }))
    }

    fn set_masks(&mut self, masks: Masks) -> Result<()> {
        self.masks = masks;
        Ok(())
    }

    fn describe(&self) -> String {
        format!("xcap monitor {}", self.info)
    }
}
