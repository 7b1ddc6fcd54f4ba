//! Screen capture: X11 MIT-SHM on a persistent connection (fast path, ~0.3 ms per 1080p
//! frame) and xcap (portable fallback, also used to list monitors and windows).

mod pointer;
mod segment;
mod shm;
mod xcap_backend;

pub use pointer::Pointer;
pub use shm::ShmCapture;
pub use xcap_backend::XcapCapture;

use crate::mask::WindowInfo;
use crate::source::Source;
use crate::{Error, Result};

/// Which monitor to capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Monitor {
    /// The primary monitor (the first one when none is marked primary).
    Primary,
    /// The N-th monitor in the backend's order, from 0.
    Index(usize),
    /// The monitor with this output name (`DP-1`, `HDMI-A-0`, `screen`).
    Name(String),
}

/// A monitor as a backend lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitorInfo {
    /// Position in the backend's list, as used by `screen:N`.
    pub index: usize,
    /// Output name, as used by `screen:NAME`.
    pub name: String,
    /// Left edge on the virtual screen.
    pub x: i32,
    /// Top edge on the virtual screen.
    pub y: i32,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// True for the primary monitor.
    pub primary: bool,
}

impl std::fmt::Display for MonitorInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let primary = if self.primary { " primary" } else { "" };
        write!(
            f,
            "{}:{} {}x{}+{}+{}{primary}",
            self.index, self.name, self.width, self.height, self.x, self.y
        )
    }
}

/// Picks the wanted monitor from a list.
pub(crate) fn select(monitors: &[MonitorInfo], wanted: &Monitor) -> Result<MonitorInfo> {
    let found = match wanted {
        Monitor::Primary => monitors
            .iter()
            .find(|m| m.primary)
            .or_else(|| monitors.first()),
        Monitor::Index(i) => monitors.get(*i),
        Monitor::Name(name) => monitors.iter().find(|m| &m.name == name),
    };
    found.cloned().ok_or_else(|| Error::MonitorNotFound {
        wanted: match wanted {
            Monitor::Primary => "primary".to_string(),
            Monitor::Index(i) => i.to_string(),
            Monitor::Name(n) => n.clone(),
        },
        available: if monitors.is_empty() {
            "none".to_string()
        } else {
            monitors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        },
    })
}

/// Lists monitors: through X11 RandR when `$DISPLAY` reaches an X server, else through xcap.
///
/// # Errors
/// [`Error::X11`] / [`Error::Xcap`] when neither backend can list them.
pub fn list_monitors() -> Result<Vec<MonitorInfo>> {
    match shm::x11_monitors(None) {
        Ok(monitors) => Ok(monitors),
        Err(_) => {
            xcap_backend::xcap_monitors().map(|m| m.into_iter().map(|(_, info)| info).collect())
        }
    }
}

/// Lists top-level windows with their titles, in virtual-screen coordinates, through xcap.
///
/// # Errors
/// [`Error::Xcap`] when the platform cannot list windows.
pub fn list_windows() -> Result<Vec<WindowInfo>> {
    xcap_backend::xcap_windows(0, 0)
}

/// Opens the fast backend, falling back to xcap when MIT-SHM is not available (no X server,
/// a remote display, Wayland).
pub(crate) fn open_screen(monitor: &Monitor) -> Result<Box<dyn Source>> {
    match ShmCapture::open(None, monitor) {
        Ok(capture) => Ok(Box::new(capture)),
        // The X server answered but has no such monitor: xcap would not find it either.
        Err(e @ Error::MonitorNotFound { .. }) => Err(e),
        Err(_) => Ok(Box::new(XcapCapture::open(monitor)?)),
    }
}
