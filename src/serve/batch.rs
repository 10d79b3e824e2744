//! When serve rebuilds: the watcher's events are gathered into batches, one rebuild each. A
//! single save is handed over as soon as the file is complete; a burst of changes (an editor's
//! rename and write, a `git checkout`) becomes one batch, and so do the changes that arrive while
//! a rebuild runs.
//!
//! A change is *settled* when the event leaves the file as it will stay: a write was closed
//! (Linux reports that), a rename put the file in place, a file was removed. Any other event (a
//! write still open, a new file, a platform that reports no closes) is unsettled: more may
//! follow.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError};
use std::time::{Duration, Instant};

use notify::EventKind;
use notify::event::{AccessKind, AccessMode, ModifyKind};

/// What the watcher and Ctrl-C tell the rebuild loop.
#[derive(Debug)]
pub enum Message {
    /// Source files changed.
    Changed(Vec<Change>),
    /// Stop serving.
    Stop,
}

/// One path an event reported, relative to the site root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The changed path.
    pub path: PathBuf,
    /// Whether the event left the file as it will stay (see the module's documentation).
    pub settled: bool,
}

impl Change {
    /// A change of `path` reported by an event of `kind`; `None` for events that change
    /// nothing (reads, and closes after reading).
    pub fn of(path: PathBuf, kind: &EventKind) -> Option<Change> {
        let settled = match kind {
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
            EventKind::Access(_) => return None,
            // The target of a rename is complete; its source and a removed file are gone, and
            // what replaces them (an editor's new file) arrives within the settling time.
            EventKind::Modify(ModifyKind::Name(_)) | EventKind::Remove(_) => true,
            _ => false,
        };
        Some(Change { path, settled })
    }
}

/// How long to wait for more changes before handing a batch over.
#[derive(Debug, Clone, Copy)]
pub struct Batcher {
    /// Quiet time after the last event, when every change so far is settled: enough for the
    /// next event of the same save or burst, which arrives within microseconds.
    pub settle: Duration,
    /// Quiet time after the last event while a change is unsettled (a write still open).
    pub quiet: Duration,
    /// The longest a batch gathers, however fast events keep coming.
    pub longest: Duration,
}

impl Default for Batcher {
    fn default() -> Batcher {
        Batcher {
            settle: Duration::from_millis(2),
            quiet: Duration::from_millis(10),
            longest: Duration::from_millis(500),
        }
    }
}

/// The changes gathered so far, with the times that decide when they are handed over.
#[derive(Debug)]
pub struct Gathered {
    paths: Vec<PathBuf>,
    unsettled: HashSet<PathBuf>,
    first: Instant,
    last: Instant,
}

impl Gathered {
    /// An empty batch started at `now`.
    pub fn new(now: Instant) -> Gathered {
        Gathered {
            paths: Vec::new(),
            unsettled: HashSet::new(),
            first: now,
            last: now,
        }
    }

    /// Adds the changes of an event received at `now`; a path's latest event decides whether
    /// it is settled.
    pub fn add(&mut self, changes: Vec<Change>, now: Instant) {
        self.last = now;
        for change in changes {
            if change.settled {
                self.unsettled.remove(&change.path);
            } else {
                self.unsettled.insert(change.path.clone());
            }
            self.paths.push(change.path);
        }
    }

    /// When the batch is handed over if no other event arrives.
    pub fn ready_at(&self, timing: &Batcher) -> Instant {
        let quiet = if self.unsettled.is_empty() {
            timing.settle
        } else {
            timing.quiet
        };
        (self.last + quiet).min(self.first + timing.longest)
    }

    /// The changed paths, sorted, each once.
    pub fn into_paths(mut self) -> Vec<PathBuf> {
        self.paths.sort();
        self.paths.dedup();
        self.paths
    }
}

impl Batcher {
    /// Waits for the next batch of changed paths (sorted, each once): blocks until a change
    /// arrives, then gathers what is already waiting and what follows until the batch is ready
    /// (see [`Gathered::ready_at`]). `None` on `Stop` or when every sender is gone.
    pub fn next_batch(&self, messages: &Receiver<Message>) -> Option<Vec<PathBuf>> {
        let Ok(Message::Changed(first)) = messages.recv() else {
            return None;
        };
        let received = Instant::now();
        let mut batch = Gathered::new(received);
        batch.add(first, received);
        loop {
            let now = Instant::now();
            if now >= batch.first + self.longest {
                break;
            }
            let message = match messages.try_recv() {
                Ok(message) => message,
                Err(TryRecvError::Disconnected) => return None,
                Err(TryRecvError::Empty) => {
                    let ready = batch.ready_at(self);
                    if now >= ready {
                        break;
                    }
                    match messages.recv_timeout(ready - now) {
                        Ok(message) => message,
                        Err(RecvTimeoutError::Timeout) => break,
                        Err(RecvTimeoutError::Disconnected) => return None,
                    }
                }
            };
            match message {
                Message::Changed(changes) => batch.add(changes, Instant::now()),
                Message::Stop => return None,
            }
        }
        Some(batch.into_paths())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, RemoveKind, RenameMode};
    use std::sync::mpsc;

    const MS: Duration = Duration::from_millis(1);

    fn timing() -> Batcher {
        Batcher {
            settle: 2 * MS,
            quiet: 10 * MS,
            longest: 500 * MS,
        }
    }

    fn write(path: &str) -> Change {
        Change::of(
            path.into(),
            &EventKind::Modify(ModifyKind::Data(DataChange::Any)),
        )
        .unwrap_or_else(|| panic!("a write is a change"))
    }

    fn close(path: &str) -> Change {
        Change::of(
            path.into(),
            &EventKind::Access(AccessKind::Close(AccessMode::Write)),
        )
        .unwrap_or_else(|| panic!("a closed write is a change"))
    }

    #[test]
    fn events_are_settled_when_the_file_is_complete_or_gone() {
        let kinds = [
            (EventKind::Create(CreateKind::File), Some(false)),
            (
                EventKind::Modify(ModifyKind::Data(DataChange::Any)),
                Some(false),
            ),
            (
                EventKind::Access(AccessKind::Close(AccessMode::Write)),
                Some(true),
            ),
            (
                EventKind::Modify(ModifyKind::Name(RenameMode::To)),
                Some(true),
            ),
            (
                EventKind::Modify(ModifyKind::Name(RenameMode::From)),
                Some(true),
            ),
            (EventKind::Remove(RemoveKind::File), Some(true)),
            (EventKind::Modify(ModifyKind::Any), Some(false)),
            (EventKind::Access(AccessKind::Close(AccessMode::Read)), None),
            (EventKind::Access(AccessKind::Any), None),
        ];
        for (kind, settled) in kinds {
            assert_eq!(
                Change::of("content/a.md".into(), &kind).map(|c| c.settled),
                settled,
                "{kind:?}"
            );
        }
    }

    #[test]
    fn a_closed_write_is_ready_after_the_settling_time() {
        let start = Instant::now();
        let mut batch = Gathered::new(start);
        batch.add(vec![write("content/a.md")], start);
        assert_eq!(
            batch.ready_at(&timing()),
            start + 10 * MS,
            "write still open"
        );
        let closed = start + Duration::from_micros(30);
        batch.add(vec![close("content/a.md")], closed);
        assert_eq!(batch.ready_at(&timing()), closed + 2 * MS);
        assert_eq!(batch.into_paths(), vec![PathBuf::from("content/a.md")]);
    }

    #[test]
    fn an_open_write_keeps_the_batch_waiting_until_quiet() {
        let start = Instant::now();
        let mut batch = Gathered::new(start);
        batch.add(vec![write("content/a.md"), close("content/b.md")], start);
        assert_eq!(batch.ready_at(&timing()), start + 10 * MS);
        // A later write to a settled file opens it again.
        batch.add(vec![close("content/a.md")], start + MS);
        assert_eq!(batch.ready_at(&timing()), start + 3 * MS);
        batch.add(vec![write("content/b.md")], start + 2 * MS);
        assert_eq!(batch.ready_at(&timing()), start + 12 * MS);
    }

    #[test]
    fn an_atomic_save_settles_with_the_rename() {
        // sed -i and many editors: write a temporary file, then rename it over the page.
        let start = Instant::now();
        let mut batch = Gathered::new(start);
        let rename = |mode| {
            Change::of(
                "content/a.md".into(),
                &EventKind::Modify(ModifyKind::Name(mode)),
            )
            .unwrap_or_else(|| panic!("a rename is a change"))
        };
        batch.add(
            vec![
                Change::of("content/sedX1".into(), &EventKind::Create(CreateKind::File))
                    .unwrap_or_else(|| panic!("a new file is a change")),
                write("content/sedX1"),
                close("content/sedX1"),
            ],
            start,
        );
        batch.add(vec![rename(RenameMode::To)], start + MS);
        assert_eq!(batch.ready_at(&timing()), start + 3 * MS);
        assert_eq!(
            batch.into_paths(),
            vec![
                PathBuf::from("content/a.md"),
                PathBuf::from("content/sedX1")
            ]
        );
    }

    #[test]
    fn a_stream_of_events_is_handed_over_after_the_longest_wait() {
        let start = Instant::now();
        let mut batch = Gathered::new(start);
        for step in 0..1000 {
            batch.add(vec![write("content/a.md")], start + step * MS);
        }
        assert_eq!(batch.ready_at(&timing()), start + 500 * MS);
    }

    #[test]
    fn a_single_save_is_handed_over_without_the_long_wait() {
        // Were the batch to wait for `quiet` or `longest`, this test would take a minute and
        // fail; it returns after the settling time.
        let timing = Batcher {
            settle: MS,
            quiet: Duration::from_secs(60),
            longest: Duration::from_secs(60),
        };
        let (sender, receiver) = mpsc::channel();
        let _ = sender.send(Message::Changed(vec![write("content/a.md")]));
        let _ = sender.send(Message::Changed(vec![close("content/a.md")]));
        let started = Instant::now();
        assert_eq!(
            timing.next_batch(&receiver),
            Some(vec![PathBuf::from("content/a.md")])
        );
        assert!(started.elapsed() < Duration::from_secs(30));
    }

    #[test]
    fn a_burst_sent_before_the_call_is_one_batch() {
        let (sender, receiver) = mpsc::channel();
        for index in (0..100).rev() {
            let path = format!("content/s0/page-{index}.md");
            let _ = sender.send(Message::Changed(vec![write(&path)]));
            let _ = sender.send(Message::Changed(vec![close(&path), close(&path)]));
        }
        let _ = sender.send(Message::Changed(vec![close("templates/page.html")]));
        let batch = timing().next_batch(&receiver).unwrap_or_default();
        assert_eq!(batch.len(), 101);
        assert!(batch.is_sorted());
        assert_eq!(batch[0], PathBuf::from("content/s0/page-0.md"));
        // Nothing was left for another batch.
        assert!(receiver.try_recv().is_err());
    }

    #[test]
    fn stop_ends_it() {
        let (sender, receiver) = mpsc::channel();
        let _ = sender.send(Message::Stop);
        assert_eq!(timing().next_batch(&receiver), None);
        // A stop while gathering drops the batch.
        let _ = sender.send(Message::Changed(vec![write("content/a.md")]));
        let _ = sender.send(Message::Stop);
        assert_eq!(timing().next_batch(&receiver), None);
        // So does the end of every sender.
        let _ = sender.send(Message::Changed(vec![close("content/a.md")]));
        drop(sender);
        assert_eq!(timing().next_batch(&receiver), None);
    }
}
