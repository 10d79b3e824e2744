//! How far a build has got: the pages to render and the pages rendered so far. The build only
//! counts (one relaxed atomic add per page); whoever holds the other handle, the command line,
//! reads [`Progress::snapshot`] and shows it. Nothing here prints.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The render stage's counters, shared between the build and a reader on another thread.
#[derive(Debug, Default)]
pub struct Progress {
    total: AtomicUsize,
    done: AtomicUsize,
}

impl Progress {
    /// No pages known yet, none rendered.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets how many pages the build will render, once it knows.
    pub fn set_total(&self, total: usize) {
        self.total.store(total, Ordering::Relaxed);
    }

    /// Counts `n` more pages rendered.
    pub fn advance(&self, n: usize) {
        self.done.fetch_add(n, Ordering::Relaxed);
    }

    /// The pages rendered and the pages to render, `(done, total)`; the total is 0 until the
    /// build knows it.
    pub fn snapshot(&self) -> (usize, usize) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Progress;
    use std::sync::Arc;

    #[test]
    fn counts_from_many_threads() {
        let progress = Arc::new(Progress::new());
        assert_eq!(progress.snapshot(), (0, 0));
        progress.set_total(400);
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let progress = Arc::clone(&progress);
                std::thread::spawn(move || {
                    for _ in 0..100 {
                        progress.advance(1);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(progress.snapshot(), (400, 400));
        progress.advance(5);
        assert_eq!(progress.snapshot(), (405, 400));
    }
}
