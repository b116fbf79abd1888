//! The background checkpointer. With SQLite's automatic checkpoint, the commit that
//! crosses the WAL threshold also copies the whole WAL into the database file before it
//! returns: a 100 000-record import paid about a fifth of its time for that copy, after
//! its data was already durable in the fsynced WAL. Here the writing connection turns the
//! automatic checkpoint off and a second connection, on its own thread, runs a PASSIVE
//! checkpoint once writes have paused (200 ms of quiet, or at most 2 s after the first
//! write of a burst), so the copy overlaps the surveyor's next action instead of delaying
//! the save. PASSIVE never blocks the writer; frames it could not copy are taken at the
//! next pause, and closing the store checkpoints what is left.
//!
//! Durability is unchanged: a commit is acknowledged once its WAL frames are fsynced
//! (`synchronous = FULL`), whether or not they have been copied yet.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::Connection;

/// Quiet time after the last write before checkpointing.
const QUIET: Duration = Duration::from_millis(200);
/// Longest a burst of writes may postpone the checkpoint.
const MAX_DELAY: Duration = Duration::from_secs(2);

/// Owns the checkpointing thread; dropping it checkpoints once more and joins the thread.
pub(crate) struct Checkpointer {
    nudge: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts the thread on `conn`, a second connection to the same (keyed) database.
    pub(crate) fn start(conn: Connection) -> std::io::Result<Checkpointer> {
        let (nudge, rx) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("toponym-checkpoint".into())
            .spawn(move || run(&conn, &rx))?;
        Ok(Checkpointer {
            nudge: Some(nudge),
            thread: Some(thread),
        })
    }

    /// Tells the thread that something was written.
    pub(crate) fn nudge(&self) {
        if let Some(n) = &self.nudge {
            // A send fails only if the thread ended; the closing checkpoint still runs.
            let _ = n.send(());
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.nudge.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn checkpoint(conn: &Connection) {
    // Errors (SQLITE_BUSY while another checkpoint runs) only postpone the copy.
    let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
}

fn run(conn: &Connection, rx: &Receiver<()>) {
    loop {
        if rx.recv().is_err() {
            return;
        }
        let first = Instant::now();
        loop {
            match rx.recv_timeout(QUIET) {
                Ok(()) if first.elapsed() < MAX_DELAY => continue,
                Ok(()) | Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => {
                    checkpoint(conn);
                    return;
                }
            }
        }
        checkpoint(conn);
    }
}
