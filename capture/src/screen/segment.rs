//! The System V shared-memory segment that the X server copies the screen into: the only
//! `unsafe` code in this crate.
#![allow(unsafe_code)]

use crate::{Error, Result};

/// A private shared-memory segment mapped into this process.
pub(crate) struct Segment {
    id: i32,
    addr: *mut u8,
    len: usize,
    removed: bool,
}

// SAFETY: the segment is plain memory owned by this value alone (IPC_PRIVATE, and marked
// for removal as soon as the X server has attached); moving it to another thread moves
// that ownership with it. All access goes through `&self`/`&mut self`.
unsafe impl Send for Segment {}

impl Segment {
    /// Creates and maps a segment of `len` bytes readable and writable by this user only.
    pub(crate) fn new(len: usize) -> Result<Self> {
        let fail = |what: &'static str| Error::X11 {
            what,
            detail: std::io::Error::last_os_error().to_string(),
        };
        // SAFETY: shmget has no memory-safety preconditions; the return value is checked.
        let id = unsafe { libc::shmget(libc::IPC_PRIVATE, len, libc::IPC_CREAT | 0o600) };
        if id < 0 {
            return Err(fail("shmget"));
        }
        // SAFETY: `id` is a segment we just created; a null address lets the kernel choose
        // where to map it. The result is checked against the documented (void*)-1.
        let addr = unsafe { libc::shmat(id, std::ptr::null(), 0) };
        if addr as isize == -1 {
            let err = fail("shmat");
            // SAFETY: removing our own, unattached segment.
            unsafe { libc::shmctl(id, libc::IPC_RMID, std::ptr::null_mut()) };
            return Err(err);
        }
        Ok(Self {
            id,
            addr: addr.cast(),
            len,
            removed: false,
        })
    }

    /// The id to pass to `ShmAttach`.
    pub(crate) fn id(&self) -> u32 {
        self.id as u32
    }

    /// Marks the segment for removal: it disappears once the X server and we detach, even
    /// if this process crashes. Call after the server has attached.
    pub(crate) fn mark_removed(&mut self) {
        if !self.removed {
            // SAFETY: IPC_RMID on our own segment; existing attachments stay valid.
            unsafe { libc::shmctl(self.id, libc::IPC_RMID, std::ptr::null_mut()) };
            self.removed = true;
        }
    }

    /// The mapped bytes. Only call between requests: the X server writes into the segment
    /// while it processes ShmGetImage, and the caller waits for that reply first.
    pub(crate) fn bytes(&self) -> &[u8] {
        // SAFETY: `addr` maps `len` bytes for the lifetime of `self`; the X server only
        // writes during a ShmGetImage whose reply the caller has already received.
        unsafe { std::slice::from_raw_parts(self.addr, self.len) }
    }

    /// The mapped bytes, mutable (to paint privacy masks in place).
    pub(crate) fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `bytes`, and `&mut self` guarantees no other slice is alive.
        unsafe { std::slice::from_raw_parts_mut(self.addr, self.len) }
    }
}

impl Drop for Segment {
    fn drop(&mut self) {
        // SAFETY: `addr` came from shmat and is detached exactly once, here; no slice
        // borrowed from `self` can outlive this call.
        unsafe { libc::shmdt(self.addr.cast()) };
        self.mark_removed();
    }
}
