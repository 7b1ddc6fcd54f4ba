//! X11 capture through MIT-SHM on one persistent connection: each frame is a ShmGetImage
//! round trip into a segment we keep mapped, and the frame is a view of it; where the pointer
//! is and what it looks like come beside it from XFixes' cursor image (a second, small round
//! trip) when the server has it.
//! When RandR says the screen changed, the monitor is looked up again and the segment follows
//! its new size: frames then come at that size.

use std::time::Instant;

use meekijk_codec::{FrameView, FrameViewMut};
use x11rb::connection::{Connection, RequestConnection};
use x11rb::protocol::randr::{self, ConnectionExt as _};
use x11rb::protocol::shm::{self, ConnectionExt as _};
use x11rb::protocol::xfixes::{self, ConnectionExt as _};
use x11rb::protocol::xproto::{
    self, AtomEnum, ConnectionExt as _, ImageFormat, ImageOrder, MapState,
};
use x11rb::protocol::Event;
use x11rb::rust_connection::RustConnection;

use super::pointer::CursorImage;
use super::segment::Segment;
use super::{select, Monitor, MonitorInfo};
use crate::mask::{self, Masks, WindowInfo};
use crate::source::{Source, SourceFrame};
use crate::{Error, Result};

fn x11<E: std::fmt::Display>(what: &'static str) -> impl FnOnce(E) -> Error {
    move |e| Error::X11 {
        what,
        detail: e.to_string(),
    }
}

/// Captures one monitor of an X11 display through a shared-memory segment.
pub struct ShmCapture {
    conn: RustConnection,
    display: String,
    root: xproto::Window,
    screen: usize,
    wanted: Monitor,
    monitor: MonitorInfo,
    segment: Segment,
    shmseg: shm::Seg,
    started: Instant,
    masks: Masks,
    atoms: Atoms,
    /// The server has XFixes: each frame says where the pointer is.
    xfixes: bool,
    /// The pointer image of the last frame, as bytes.
    pointer: Vec<u8>,
}

/// Atoms needed to find windows and their titles.
struct Atoms {
    client_list: xproto::Atom,
    net_wm_name: xproto::Atom,
    utf8_string: xproto::Atom,
}

/// Monitors of the X display `display` (or `$DISPLAY`), by RandR; the whole root window
/// when RandR is missing.
pub(crate) fn x11_monitors(display: Option<&str>) -> Result<Vec<MonitorInfo>> {
    let (conn, screen) = x11rb::connect(display).map_err(x11("connect"))?;
    let root = conn.setup().roots[screen].root;
    monitors_of(&conn, root, screen)
}

fn monitors_of(
    conn: &RustConnection,
    root: xproto::Window,
    screen: usize,
) -> Result<Vec<MonitorInfo>> {
    let has_randr = conn
        .extension_information(randr::X11_EXTENSION_NAME)
        .map_err(x11("query RandR"))?
        .is_some();
    if has_randr {
        let reply = conn
            .randr_get_monitors(root, true)
            .map_err(x11("RandR GetMonitors"))?
            .reply()
            .map_err(x11("RandR GetMonitors"))?;
        let mut monitors = Vec::with_capacity(reply.monitors.len());
        for (index, m) in reply.monitors.iter().enumerate() {
            let name = conn
                .get_atom_name(m.name)
                .map_err(x11("GetAtomName"))?
                .reply()
                .map_err(x11("GetAtomName"))?;
            monitors.push(MonitorInfo {
                index,
                name: String::from_utf8_lossy(&name.name).into_owned(),
                x: m.x.into(),
                y: m.y.into(),
                width: m.width.into(),
                height: m.height.into(),
                primary: m.primary,
            });
        }
        if !monitors.is_empty() {
            return Ok(monitors);
        }
    }
    let s = &conn.setup().roots[screen];
    Ok(vec![MonitorInfo {
        index: 0,
        name: "screen".to_string(),
        x: 0,
        y: 0,
        width: s.width_in_pixels.into(),
        height: s.height_in_pixels.into(),
        primary: true,
    }])
}

impl ShmCapture {
    /// Connects to `display` (`None`: `$DISPLAY`), checks MIT-SHM and the pixel format, and
    /// maps a segment for `monitor`.
    ///
    /// # Errors
    /// [`Error::X11`] when the server cannot be reached or lacks MIT-SHM (e.g. a remote
    /// display), [`Error::UnsupportedVisual`] for non-32-bit BGRx screens,
    /// [`Error::MonitorNotFound`] for an unknown monitor.
    pub fn open(display: Option<&str>, monitor: &Monitor) -> Result<Self> {
        let (conn, screen) = x11rb::connect(display).map_err(x11("connect"))?;
        let display = display
            .map(str::to_string)
            .or_else(|| std::env::var("DISPLAY").ok())
            .unwrap_or_default();
        conn.shm_query_version()
            .map_err(x11("MIT-SHM QueryVersion"))?
            .reply()
            .map_err(x11("MIT-SHM QueryVersion"))?;
        let setup = conn.setup();
        let root_screen = &setup.roots[screen];
        let root = root_screen.root;
        let depth = root_screen.root_depth;
        let bits_per_pixel = setup
            .pixmap_formats
            .iter()
            .find(|f| f.depth == depth)
            .map_or(0, |f| f.bits_per_pixel);
        let bgrx = root_screen
            .allowed_depths
            .iter()
            .flat_map(|d| &d.visuals)
            .find(|v| v.visual_id == root_screen.root_visual)
            .is_some_and(|v| {
                v.red_mask == 0xff_0000 && v.green_mask == 0xff00 && v.blue_mask == 0xff
            });
        if !(depth == 24 || depth == 32)
            || bits_per_pixel != 32
            || !bgrx
            || setup.image_byte_order != ImageOrder::LSB_FIRST
        {
            return Err(Error::UnsupportedVisual {
                depth,
                bits_per_pixel,
            });
        }
        if conn
            .extension_information(randr::X11_EXTENSION_NAME)
            .map_err(x11("query RandR"))?
            .is_some()
        {
            // Screen size, CRTC and output changes arrive as events, read before each frame.
            let changes = randr::NotifyMask::SCREEN_CHANGE
                | randr::NotifyMask::CRTC_CHANGE
                | randr::NotifyMask::OUTPUT_CHANGE;
            conn.randr_select_input(root, changes)
                .map_err(x11("RandR SelectInput"))?;
        }
        let wanted = monitor.clone();
        let monitor = select(&monitors_of(&conn, root, screen)?, &wanted)?;
        let (segment, shmseg) = attach(&conn, &monitor)?;
        let atoms = intern_atoms(&conn)?;
        let xfixes = has_xfixes(&conn)?;
        Ok(Self {
            conn,
            display,
            root,
            screen,
            wanted,
            monitor,
            segment,
            shmseg,
            started: Instant::now(),
            masks: Masks::new(),
            atoms,
            xfixes,
            pointer: Vec::new(),
        })
    }

    /// The monitor being captured.
    pub fn monitor(&self) -> &MonitorInfo {
        &self.monitor
    }

    /// True when RandR reported a change of the screen, its CRTCs or outputs since the last
    /// call (events are only read here: nothing else is selected on this connection).
    fn screen_changed(&self) -> Result<bool> {
        let mut changed = false;
        while let Some(event) = self.conn.poll_for_event().map_err(x11("read events"))? {
            changed |= matches!(
                event,
                Event::RandrScreenChangeNotify(_) | Event::RandrNotify(_)
            );
        }
        Ok(changed)
    }

    /// Looks the monitor up again; when its size changed, maps a segment of the new size.
    /// Returns whether the captured area moved or changed size.
    ///
    /// # Errors
    /// [`Error::MonitorNotFound`] when the monitor is gone, [`Error::X11`].
    fn follow_monitor(&mut self) -> Result<bool> {
        let monitor = select(
            &monitors_of(&self.conn, self.root, self.screen)?,
            &self.wanted,
        )?;
        let same_size =
            (monitor.width, monitor.height) == (self.monitor.width, self.monitor.height);
        let moved = (monitor.x, monitor.y) != (self.monitor.x, self.monitor.y);
        if !same_size {
            let (segment, shmseg) = attach(&self.conn, &monitor)?;
            let _ = self.conn.shm_detach(self.shmseg);
            (self.segment, self.shmseg) = (segment, shmseg);
        }
        self.monitor = monitor;
        Ok(moved || !same_size)
    }

    /// One ShmGetImage of the monitor into the segment.
    fn grab(&self) -> Result<()> {
        let m = &self.monitor;
        // Coordinates fit: X11 geometry is 16-bit by protocol.
        self.conn
            .shm_get_image(
                self.root,
                m.x as i16,
                m.y as i16,
                m.width as u16,
                m.height as u16,
                !0,
                ImageFormat::Z_PIXMAP.into(),
                self.shmseg,
                0,
            )
            .map_err(x11("MIT-SHM GetImage"))?
            .reply()
            .map_err(x11("MIT-SHM GetImage"))?;
        Ok(())
    }

    /// The pointer's image and where it is (XFixes), relative to the captured monitor;
    /// `None` without XFixes, or when the server refuses: a frame without the pointer beats
    /// no frame (a broken connection fails the next grab anyway).
    fn cursor_image(&self) -> Option<CursorImage> {
        if !self.xfixes {
            return None;
        }
        let reply = self.conn.xfixes_get_cursor_image().ok()?.reply().ok()?;
        Some(CursorImage {
            x: i64::from(reply.x) - i64::from(self.monitor.x),
            y: i64::from(reply.y) - i64::from(self.monitor.y),
            width: reply.width,
            height: reply.height,
            hot_x: reply.xhot,
            hot_y: reply.yhot,
            argb: reply.cursor_image,
            serial: reply.cursor_serial,
        })
    }

    /// Top-level windows (from the window manager's client list, or the root's children
    /// when no window manager runs), relative to the captured monitor.
    ///
    /// # Errors
    /// [`Error::X11`] when the connection fails.
    pub fn windows(&self) -> Result<Vec<WindowInfo>> {
        let conn = &self.conn;
        let list = conn
            .get_property(
                false,
                self.root,
                self.atoms.client_list,
                AtomEnum::WINDOW,
                0,
                4096,
            )
            .map_err(x11("GetProperty"))?
            .reply()
            .map_err(x11("GetProperty"))?;
        let mut windows: Vec<xproto::Window> =
            list.value32().map(|v| v.collect()).unwrap_or_default();
        if windows.is_empty() {
            windows = conn
                .query_tree(self.root)
                .map_err(x11("QueryTree"))?
                .reply()
                .map_err(x11("QueryTree"))?
                .children;
        }
        // Send every request first and collect the replies after: two round trips in all.
        let mut cookies = Vec::with_capacity(windows.len());
        for &w in &windows {
            let e = x11("window query");
            cookies.push((
                conn.get_window_attributes(w).map_err(e)?,
                conn.get_property(
                    false,
                    w,
                    self.atoms.net_wm_name,
                    self.atoms.utf8_string,
                    0,
                    1024,
                )
                .map_err(x11("GetProperty"))?,
                conn.get_property(false, w, AtomEnum::WM_NAME, AtomEnum::ANY, 0, 1024)
                    .map_err(x11("GetProperty"))?,
                conn.get_geometry(w).map_err(x11("GetGeometry"))?,
                conn.translate_coordinates(w, self.root, 0, 0)
                    .map_err(x11("TranslateCoordinates"))?,
            ));
        }
        let mut out = Vec::new();
        for (attrs, net_name, name, geometry, position) in cookies {
            // A window that vanished in between answers with an error: skip it.
            let (Ok(attrs), Ok(geometry), Ok(position)) =
                (attrs.reply(), geometry.reply(), position.reply())
            else {
                continue;
            };
            if attrs.map_state != MapState::VIEWABLE {
                continue;
            }
            let net_name = net_name.reply().map(|r| r.value).unwrap_or_default();
            let title = if net_name.is_empty() {
                name.reply().map(|r| r.value).unwrap_or_default()
            } else {
                net_name
            };
            out.push(WindowInfo {
                title: String::from_utf8_lossy(&title).into_owned(),
                x: position.dst_x as i64 - self.monitor.x as i64,
                y: position.dst_y as i64 - self.monitor.y as i64,
                width: geometry.width.into(),
                height: geometry.height.into(),
            });
        }
        Ok(out)
    }
}

/// True when the server has XFixes, whose cursor image the pointer is drawn from (version
/// 1 has it; the version must be asked for before the extension is used).
fn has_xfixes(conn: &RustConnection) -> Result<bool> {
    if conn
        .extension_information(xfixes::X11_EXTENSION_NAME)
        .map_err(x11("query XFixes"))?
        .is_none()
    {
        return Ok(false);
    }
    conn.xfixes_query_version(1, 0)
        .map_err(x11("XFixes QueryVersion"))?
        .reply()
        .map_err(x11("XFixes QueryVersion"))?;
    Ok(true)
}

/// Maps a segment the size of `monitor` and attaches it to the server.
fn attach(conn: &RustConnection, monitor: &MonitorInfo) -> Result<(Segment, shm::Seg)> {
    let len = monitor.width as usize * monitor.height as usize * 4;
    let mut segment = Segment::new(len.max(4))?;
    let shmseg = conn.generate_id().map_err(x11("generate id"))?;
    conn.shm_attach(shmseg, segment.id(), false)
        .map_err(x11("MIT-SHM Attach"))?
        .check()
        .map_err(x11("MIT-SHM Attach"))?;
    // The server holds its own attachment now; removal frees the memory once both detach.
    segment.mark_removed();
    Ok((segment, shmseg))
}

fn intern_atoms(conn: &RustConnection) -> Result<Atoms> {
    let intern = |name: &[u8]| -> Result<xproto::Atom> {
        Ok(conn
            .intern_atom(false, name)
            .map_err(x11("InternAtom"))?
            .reply()
            .map_err(x11("InternAtom"))?
            .atom)
    };
    Ok(Atoms {
        client_list: intern(b"_NET_CLIENT_LIST_STACKING")?,
        net_wm_name: intern(b"_NET_WM_NAME")?,
        utf8_string: intern(b"UTF8_STRING")?,
    })
}

impl Source for ShmCapture {
    fn size(&self) -> (u32, u32) {
        (self.monitor.width, self.monitor.height)
    }

    fn next_frame(&mut self) -> Result<Option<SourceFrame<'_>>> {
        if self.screen_changed()? {
            self.follow_monitor()?;
        }
        if let Err(e) = self.grab() {
            // The screen may have shrunk before its event arrived: look again, and fail only
            // when the monitor is where it was.
            if !self.follow_monitor()? {
                return Err(e);
            }
            self.grab()?;
        }
        let timestamp = self.started.elapsed();
        let (w, h) = (self.monitor.width, self.monitor.height);
        let cursor = self.cursor_image();
        let windows = if self.masks.has_titles() {
            self.windows()?
        } else {
            Vec::new()
        };
        let mut view = FrameViewMut::new(self.segment.bytes_mut(), w, h, w as usize * 4)?;
        mask::paint(&mut view, &self.masks, &windows);
        // A pointer over a masked area is not shown: where the customer points inside a
        // hidden PIN pad stays hidden too.
        let pointer = cursor
            .filter(|image| !mask::hides(&self.masks, &windows, (w, h), image.area()))
            .and_then(|image| image.on_frame(w, h, &mut self.pointer));
        let pixels = FrameView::new(self.segment.bytes(), w, h, w as usize * 4)?;
        Ok(Some(SourceFrame {
            pixels,
            pointer,
            timestamp,
            unchanged: false,
        }))
    }

    fn set_masks(&mut self, masks: Masks) -> Result<()> {
        self.masks = masks;
        Ok(())
    }

    fn describe(&self) -> String {
        format!("X11 MIT-SHM {} monitor {}", self.display, self.monitor)
    }
}

impl Drop for ShmCapture {
    fn drop(&mut self) {
        // Best effort: the server also detaches when the connection closes.
        let _ = self.conn.shm_detach(self.shmseg);
        let _ = self.conn.flush();
    }
}
