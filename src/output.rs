//! Stage 6, write: put the rendered site and `static/` into a staging folder beside the output,
//! then swap it in, so a failed build never leaves a half-written site. The staging folder is
//! the output before last, kept after the swap and overwritten in place by the next build.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::thread::JoinHandle;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::error::{Error, Warning};
use crate::handout::Handout;
use crate::paths::{CONTENT_DIR, SOURCES_DIR, STATIC_DIR, TEMPLATES_DIR, site_files};
use crate::render::RenderedFile;
use crate::social::OgImage;

/// Marks an output folder as made by factsheet, so a later build may replace it.
pub const OUTPUT_MARKER: &str = ".factsheet-output";

/// Checks that `output` is a folder factsheet may replace and returns its absolute path.
///
/// Refused: the site root, a parent of it, the root's source folders or anything inside them,
/// and an existing non-empty folder without [`OUTPUT_MARKER`] (unless `force`).
pub fn check_output_dir(root: &Path, output: &Path, force: bool) -> Result<PathBuf, Error> {
    let refuse = |reason: String, help: &str| Error::UnsafeOutput {
        path: output.to_path_buf(),
        reason,
        help: help.to_string(),
    };
    let root = absolute(root).map_err(|source| Error::Read {
        path: root.to_path_buf(),
        source,
    })?;
    let target = absolute(output).map_err(|source| Error::Write {
        path: output.to_path_buf(),
        source,
    })?;
    if target.parent().is_none() || root.starts_with(&target) {
        return Err(refuse(
            "is the site root or a folder containing it; replacing it would delete the site".into(),
            "choose an output folder of its own, such as `public`",
        ));
    }
    for source_dir in [CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR, SOURCES_DIR] {
        if target.starts_with(root.join(source_dir)) {
            return Err(refuse(
                format!("is inside the site's `{source_dir}/` folder, which the build only reads"),
                "choose an output folder outside content/, templates/, static/ and sources/",
            ));
        }
    }
    if target.exists() {
        if !target.is_dir() {
            return Err(refuse(
                "exists and is not a folder".into(),
                "remove it or choose another output path",
            ));
        }
        let made_by_us = target.join(OUTPUT_MARKER).is_file();
        let empty = fs::read_dir(&target)
            .map(|mut entries| entries.next().is_none())
            .unwrap_or(false);
        if !made_by_us && !empty && !force {
            return Err(refuse(
                format!("exists and was not made by factsheet (no `{OUTPUT_MARKER}` file in it)"),
                "move it away, choose another output folder, or pass --force to replace it",
            ));
        }
    }
    Ok(target)
}

/// The absolute form of `path`, resolving symlinks where the path exists.
fn absolute(path: &Path) -> io::Result<PathBuf> {
    match fs::canonicalize(path) {
        Ok(resolved) => Ok(resolved),
        Err(_) => {
            let joined = std::path::absolute(path)?;
            // Resolve the existing parent so `./public` and `public` compare equal to the root's
            // children even when the root is reached through a symlink.
            match (joined.parent(), joined.file_name()) {
                (Some(parent), Some(name)) => Ok(absolute(parent)?.join(name)),
                _ => Ok(joined),
            }
        }
    }
}

/// Writes `files` and a copy of `<root>/static` into `target` (checked by
/// [`check_output_dir`]) through a [`Staging`] folder: on failure the previous `target` is
/// untouched.
pub fn write_output(
    root: &Path,
    target: &Path,
    files: &[&RenderedFile],
    assets: &[(PathBuf, String)],
    og_images: &[OgImage],
    handouts: &[Handout],
) -> Result<Drawn, Error> {
    let staging = Staging::open(target)?;
    files.par_iter().try_for_each(|file| staging.write(file))?;
    staging.complete(root, assets, og_images, handouts)
}

/// A folder beside the output that a build fills, page by page as they are rendered;
/// [`Staging::complete`] adds the rest and swaps it in. Dropped before that (the build
/// failed), it is removed and the previous output stays as it was.
///
/// The output the swap moves aside is kept (`.NAME.factsheet-old`) and becomes the next
/// build's staging folder: its files are overwritten in place and only what the build did not
/// write is removed, instead of deleting every file of the site and creating it again. That
/// halves the file system's work on a large site, and on ext4 it avoids the inode allocator's
/// slow search past inodes freed moments before (a rebuild's 100,000 fresh files took 2–4×
/// longer than overwriting them). Only a folder factsheet made is reused, and only where file
/// names are case-sensitive (elsewhere a page whose name changed case would keep the old one).
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    path: PathBuf,
    retired: PathBuf,
    completed: bool,
    reused: Option<Reused>,
}

/// The output before last, reused as the staging folder. What it held is listed on a thread of
/// its own while the site loads (at 100,000 pages it took a third of a second before anything
/// else could start); the first write waits for the listing, which also removes any link, so
/// nothing is written through one.
#[derive(Debug)]
struct Reused {
    lister: Mutex<Option<JoinHandle<io::Result<Listing>>>>,
    listing: OnceLock<io::Result<Listing>>,
}

/// The files and folders of a reused staging folder when the build began, by their paths
/// relative to it (`/`-separated), each marked once the build writes it or into it; the
/// entries left unmarked are removed before the swap.
#[derive(Debug, Default)]
struct Listing {
    // Hashed with rustc-hash's Fx: every written file looks up its path and folders here.
    entries: FxHashMap<Box<OsStr>, Listed>,
}

#[derive(Debug)]
struct Listed {
    is_dir: bool,
    kept: AtomicBool,
}

impl Reused {
    /// Starts listing `folder`; lists it on first use when no thread can be started.
    fn start(folder: PathBuf) -> Reused {
        let lister = std::thread::Builder::new()
            .name("factsheet-listing".into())
            .spawn(move || Listing::of(&folder))
            .ok();
        Reused {
            lister: Mutex::new(lister),
            listing: OnceLock::new(),
        }
    }

    /// The listing of `folder`, once it is taken. Should it fail, the folder is emptied
    /// instead, so that nothing of the output before last stays unseen.
    fn listing(&self, folder: &Path) -> io::Result<&Listing> {
        let listing = self.listing.get_or_init(|| {
            let lister = self
                .lister
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
            let listed = match lister {
                Some(lister) => lister
                    .join()
                    .unwrap_or_else(|_| Err(io::Error::other("listing the folder failed"))),
                None => Listing::of(folder),
            };
            listed.or_else(|_| {
                fs::remove_dir_all(folder)?;
                fs::create_dir(folder)?;
                Ok(Listing::default())
            })
        });
        listing
            .as_ref()
            .map_err(|err| io::Error::new(err.kind(), err.to_string()))
    }

    /// Waits for the listing thread, if it still runs, so the folder can be removed.
    fn wait(&self) {
        let lister = self
            .lister
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(lister) = lister {
            let _ = lister.join();
        }
    }
}

impl Listing {
    /// Lists `folder` on this thread, with the entry types readdir gives (no `stat` per
    /// file); anything neither file nor folder (a link someone made) is removed.
    fn of(folder: &Path) -> io::Result<Listing> {
        #[cfg(unix)]
        return Listing::of_by_handles(folder);
        #[cfg(not(unix))]
        return Listing::of_by_paths(folder);
    }

    /// Records `key` (`/`-separated, relative to the listed folder).
    fn add(&mut self, key: OsString, is_dir: bool) {
        let listed = Listed {
            is_dir,
            kept: AtomicBool::new(false),
        };
        self.entries.insert(key.into_boxed_os_str(), listed);
    }

    /// [`Listing::of`] with the standard library only: every folder opened by its full path.
    /// The listing of platforms without `openat` (Windows), and the reference its Unix form
    /// is tested against.
    #[cfg_attr(unix, allow(dead_code))]
    fn of_by_paths(folder: &Path) -> io::Result<Listing> {
        let mut listing = Listing::default();
        let mut pending: Vec<(PathBuf, OsString)> = vec![(folder.to_path_buf(), OsString::new())];
        while let Some((dir, prefix)) = pending.pop() {
            for entry in fs::read_dir(&dir)? {
                let entry = entry?;
                let kind = entry.file_type()?;
                let key = listing_key(&prefix, &entry.file_name());
                if kind.is_dir() {
                    pending.push((entry.path(), key.clone()));
                } else if !kind.is_file() {
                    let path = entry.path();
                    fs::remove_file(&path).or_else(|_| fs::remove_dir(&path))?;
                    continue;
                }
                listing.add(key, kind.is_dir());
            }
        }
        Ok(listing)
    }

    /// [`Listing::of`] on Unix: each folder is opened from its parent's handle (`openat`), so
    /// the kernel resolves one name instead of the whole path, and read without the `fstat`
    /// that `opendir` adds: about half of the listing's cost on a 10,000-page site. Links are
    /// never followed; the handles open at once are the folder's depth.
    #[cfg(unix)]
    fn of_by_handles(folder: &Path) -> io::Result<Listing> {
        use rustix::fs::{AtFlags, CWD, Dir, FileType, Mode, OFlags, openat, statat, unlinkat};
        use std::os::unix::ffi::OsStrExt;

        /// A folder being listed: its handle, its key, and its subfolders not yet listed.
        struct Open {
            dir: Dir,
            key: OsString,
            subfolders: Vec<OsString>,
        }
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let mut listing = Listing::default();
        let mut read = |dir: Dir, key: OsString| -> io::Result<Open> {
            let mut open = Open {
                dir,
                key,
                subfolders: Vec::new(),
            };
            while let Some(entry) = open.dir.read() {
                let entry = entry?;
                let name = OsStr::from_bytes(entry.file_name().to_bytes());
                if name == "." || name == ".." {
                    continue;
                }
                let mut kind = entry.file_type();
                if kind == FileType::Unknown {
                    // Some file systems leave the type out of readdir.
                    let stat = statat(open.dir.fd()?, name, AtFlags::SYMLINK_NOFOLLOW)?;
                    kind = FileType::from_raw_mode(stat.st_mode as _);
                }
                match kind {
                    FileType::Directory => open.subfolders.push(name.to_os_string()),
                    FileType::RegularFile => {}
                    _ => {
                        unlinkat(open.dir.fd()?, name, AtFlags::empty())?;
                        continue;
                    }
                }
                listing.add(listing_key(&open.key, name), kind == FileType::Directory);
            }
            Ok(open)
        };
        let root = Dir::new(openat(CWD, folder, flags, Mode::empty())?)?;
        let mut stack = vec![read(root, OsString::new())?];
        while let Some(open) = stack.last_mut() {
            let Some(name) = open.subfolders.pop() else {
                stack.pop();
                continue;
            };
            let handle = openat(open.dir.fd()?, name.as_os_str(), flags, Mode::empty())?;
            let key = listing_key(&open.key, &name);
            let child = read(Dir::new(handle)?, key)?;
            stack.push(child);
        }
        Ok(listing)
    }

    /// Marks the file at `output_path` and the folders it is in as written: they stay.
    fn keep(&self, output_path: &str) {
        let normalized;
        let mut path = match listed_alike(output_path) {
            true => output_path,
            false => {
                normalized = lexically_normal(output_path);
                normalized.as_str()
            }
        };
        if let Some(listed) = self.entries.get(OsStr::new(path)) {
            listed.kept.store(true, Ordering::Relaxed);
        }
        while let Some(cut) = path.rfind('/') {
            path = &path[..cut];
            // A folder marked already has its own folders marked (or being marked).
            if let Some(listed) = self.entries.get(OsStr::new(path))
                && listed.kept.swap(true, Ordering::Relaxed)
            {
                break;
            }
        }
    }
}

/// The listing's key of `name` in the folder keyed `prefix`: `/`-separated, relative.
fn listing_key(prefix: &OsStr, name: &OsStr) -> OsString {
    let mut key = OsString::with_capacity(prefix.len() + name.len() + 1);
    key.push(prefix);
    if !prefix.is_empty() {
        key.push("/");
    }
    key.push(name);
    key
}

impl Staging {
    /// Makes the staging folder of `target` (checked by [`check_output_dir`]): the output
    /// before last, renamed (and listed on a thread of its own), when it may be reused
    /// ([`reusable`]), else a fresh folder; what an interrupted build left beside it is removed.
    pub fn open(target: &Path) -> Result<Staging, Error> {
        let parent = target.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(write_error(parent))?;
        let (path, retired) = kept_beside(target);
        let remove = |leftover: &Path| match fs::remove_dir_all(leftover) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => {
                Err(renamed_in_error(write_error(leftover)(err), &path, target))
            }
            _ => Ok(()),
        };
        // What an interrupted build left.
        if path.exists() {
            remove(&path)?;
        }
        let reused = (reusable(&retired) && fs::rename(&retired, &path).is_ok())
            .then(|| Reused::start(path.clone()));
        if reused.is_none() {
            for leftover in [&path, &retired] {
                if leftover.exists() {
                    remove(leftover)?;
                }
            }
            fs::create_dir_all(&path)
                .map_err(|err| renamed_in_error(write_error(&path)(err), &path, target))?;
        }
        Ok(Staging {
            target: target.to_path_buf(),
            path,
            retired,
            completed: false,
            reused,
        })
    }

    /// Writes one rendered file; safe to call from many threads at once.
    pub fn write(&self, file: &RenderedFile) -> Result<(), Error> {
        let path = self.path.join(&file.output_path);
        let contents = file.contents.as_bytes();
        // Makes the file's folder if needed, then writes the file with `write_file`.
        let put = |write_file: fn(&Path, &[u8]) -> io::Result<()>| {
            create_parent(&path)
                .and_then(|()| write_file(&path, contents).map_err(write_error(&path)))
        };
        let written = match &self.reused {
            None => put(|path, contents| fs::write(path, contents)),
            Some(reused) => reused
                .listing(&self.path)
                .map_err(write_error(&self.path))
                .and_then(|listing| {
                    // Most pages are where they were: the file is written over before any
                    // folder is made.
                    overwrite(&path, contents)
                        .or_else(|_| put(overwrite))
                        .or_else(|_| {
                            // A folder where this file goes, or a file where one of its
                            // folders goes: the site's shape changed there.
                            clear_way(&self.path, &path);
                            put(overwrite)
                        })?;
                    listing.keep(&file.output_path);
                    Ok(())
                }),
        };
        written.map_err(|err| renamed_in_error(err, &self.path, &self.target))
    }

    /// Adds `static/`, the bundle files, the preview images and the handouts (each taken from
    /// the previous output when unchanged), then puts the folder in the place of the output.
    pub fn complete(
        mut self,
        root: &Path,
        assets: &[(PathBuf, String)],
        og_images: &[OgImage],
        handouts: &[Handout],
    ) -> Result<Drawn, Error> {
        let (staging, target) = (self.path.as_path(), self.target.as_path());
        if let Some(reused) = self.reused.take() {
            reused
                .listing(staging)
                .and_then(|listing| remove_unwritten(staging, listing))
                .map_err(|err| renamed_in_error(write_error(staging)(err), staging, target))?;
        }
        let drawn = fill_staging(root, staging, assets)
            .and_then(|()| draw_images(target, staging, og_images))
            .and_then(|images| {
                let (handouts, warnings) = draw_handouts(target, staging, handouts)?;
                Ok(Drawn {
                    images,
                    handouts,
                    warnings,
                })
            })
            .map_err(|err| renamed_in_error(err, staging, target))?;
        // From here the swap owns the folder: it moves it into place or removes it.
        self.completed = true;
        swap_in(staging, target, &self.retired, &SystemFolders)
            .map_err(|err| renamed_in_error(err, staging, target))?;
        Ok(drawn)
    }
}

/// The folders a build keeps beside the output folder `target`: the staging folder while it
/// runs, and the output before last after it.
fn kept_beside(target: &Path) -> (PathBuf, PathBuf) {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let parent = target.parent().unwrap_or(Path::new("."));
    (
        parent.join(format!(".{name}.factsheet-new")),
        parent.join(format!(".{name}.factsheet-old")),
    )
}

/// Removes the output folder `target` and the folders its builds keep beside it, for an output
/// that is not meant to outlive the program (serve's). What is not there is no error.
pub fn remove_output(target: &Path) -> io::Result<()> {
    let (staging, retired) = kept_beside(target);
    // Every folder is tried; the first failure is returned.
    let mut removed = Ok(());
    for folder in [target, staging.as_path(), retired.as_path()] {
        match fs::remove_dir_all(folder) {
            Err(err) if err.kind() != io::ErrorKind::NotFound && removed.is_ok() => {
                removed = Err(err);
            }
            _ => {}
        }
    }
    removed
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.completed {
            if let Some(reused) = &self.reused {
                reused.wait();
            }
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// Creates the folder `path` goes in. Each page has its own folder, new in a fresh staging
/// folder: one `mkdir` usually does, and a parent is made only when that fails (tolerating a
/// folder another thread has just made).
fn create_parent(path: &Path) -> Result<(), Error> {
    let Some(dir) = path.parent() else {
        return Ok(());
    };
    match fs::create_dir(dir) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(_) => fs::create_dir_all(dir).map_err(write_error(dir)),
    }
}

/// `error` with a path inside `from` named as the same path inside `to`: the staging folder is
/// the build's own business, so a failure to write there is reported as a failure to write the
/// output folder the user chose (`--output`), in the form they gave it.
pub fn renamed_in_error(error: Error, from: &Path, to: &Path) -> Error {
    match error {
        Error::Write { path, source } => {
            let path = match path.strip_prefix(from) {
                Ok(rest) if rest.as_os_str().is_empty() => to.to_path_buf(),
                Ok(rest) => to.join(rest),
                Err(_) => path,
            };
            Error::Write { path, source }
        }
        other => other,
    }
}

/// The few file-system operations of the swap, so that a test can make them fail the way
/// Windows does (a file held open by a virus scanner, an Explorer window or an editor makes the
/// folder that holds it impossible to rename for a moment).
trait Folders {
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()>;
    fn pause(&self, attempt: u32);
}

/// The real file system; waits 20, 40, 80, … ms between attempts.
struct SystemFolders;

impl Folders for SystemFolders {
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        fs::rename(from, to)
    }
    fn pause(&self, attempt: u32) {
        std::thread::sleep(std::time::Duration::from_millis(20 << attempt));
    }
}

/// How often a rename is tried before the swap falls back: about 1.3 s of waiting in all.
const RENAME_ATTEMPTS: u32 = 7;

fn rename_retrying(folders: &dyn Folders, from: &Path, to: &Path) -> io::Result<()> {
    let mut attempt = 0;
    loop {
        match folders.rename(from, to) {
            Ok(()) => return Ok(()),
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Err(err),
            Err(err) if attempt + 1 >= RENAME_ATTEMPTS => return Err(err),
            Err(_) => {
                folders.pause(attempt);
                attempt += 1;
            }
        }
    }
}

/// Puts the finished `staging` folder in the place of `target`.
///
/// First choice, on every platform: move `target` aside to `retired`, then `staging` into its
/// place (no platform renames a folder over a non-empty one), each rename retried while a file
/// is briefly locked. When `target` itself still cannot be moved, its entries are replaced one
/// by one instead: not atomic, but every entry that can be replaced is, and the error names the
/// one that could not.
fn swap_in(
    staging: &Path,
    target: &Path,
    retired: &Path,
    folders: &dyn Folders,
) -> Result<(), Error> {
    let moved_aside = if target.exists() {
        rename_retrying(folders, target, retired).is_ok()
    } else {
        true
    };
    if !moved_aside {
        return replace_entries(staging, target, retired, folders);
    }
    if let Err(source) = rename_retrying(folders, staging, target) {
        // Put the previous site back before reporting.
        if retired.exists() {
            let _ = rename_retrying(folders, retired, target);
        }
        let _ = fs::remove_dir_all(staging);
        return Err(Error::Write {
            path: target.to_path_buf(),
            source,
        });
    }
    // The new site is in place; the previous one stays in `retired` for the next build to
    // overwrite ([`Staging`]).
    Ok(())
}

/// Writes `contents` over the file `path` (or a new one), then cuts what is left of a longer
/// old text. Not truncated to nothing first: ext4 takes a file emptied and written again for
/// an editor's save and starts writing it to disk when it is closed, a wait per page.
fn overwrite(path: &Path, contents: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    file.write_all(contents)?;
    file.set_len(contents.len() as u64)
}

/// Whether `folder` is an output factsheet made, on a file system whose names are
/// case-sensitive: then [`Staging::open`] may reuse it.
fn reusable(folder: &Path) -> bool {
    // Windows also separates with `\\`, which `remove_unwritten`'s comparison does not expect;
    // its file names are case-insensitive anyway (unless a folder is set otherwise).
    !cfg!(windows)
        && folder.join(OUTPUT_MARKER).is_file()
        && !folder.join(OUTPUT_MARKER.to_uppercase()).exists()
}

/// Whether `output_path` joined to a folder gives the path its listing gives: `/`-separated
/// names, none empty, `.` or `..`.
fn listed_alike(output_path: &str) -> bool {
    output_path
        .split('/')
        .all(|name| !matches!(name, "" | "." | "..") && !name.contains('\\'))
}

/// `output_path` as the listing names the file: empty names and `.` dropped, `..` taken back
/// (the reused folder holds no links, so that is where it leads).
fn lexically_normal(output_path: &str) -> String {
    let mut names: Vec<&str> = Vec::new();
    for name in output_path.split(['/', '\\']) {
        match name {
            "" | "." => {}
            ".." => {
                names.pop();
            }
            name => names.push(name),
        }
    }
    names.join("/")
}

/// Makes room for the file `path` in a reused folder `root`: removes a folder standing where
/// the file goes and any file standing where one of its folders goes. Failures are left for
/// the write that follows to report.
fn clear_way(root: &Path, path: &Path) {
    if path.is_dir() {
        let _ = fs::remove_dir_all(path);
    }
    let Some(folders) = path.parent().and_then(|p| p.strip_prefix(root).ok()) else {
        return;
    };
    let mut at = root.to_path_buf();
    for name in folders.components() {
        at.push(name);
        if at.is_file() {
            let _ = fs::remove_file(&at);
        }
    }
}

/// Removes from a reused staging folder what the build did not write: pages of the site
/// before last, and its `static/` files and images, which are copied again after this.
fn remove_unwritten(folder: &Path, listing: &Listing) -> io::Result<()> {
    let stale = || {
        listing
            .entries
            .iter()
            .filter(|(_, listed)| !listed.kept.load(Ordering::Relaxed))
    };
    let stale_files: Vec<&OsStr> = stale()
        .filter(|(_, listed)| !listed.is_dir)
        .map(|(path, _)| &**path)
        .collect();
    let mut stale_dirs: Vec<&OsStr> = stale()
        .filter(|(_, listed)| listed.is_dir)
        .map(|(path, _)| &**path)
        .collect();
    // Gone already: removed by `clear_way`, or below a folder that is a file now.
    let gone = |result: io::Result<()>| match result {
        Err(err)
            if !matches!(
                err.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            Err(err)
        }
        _ => Ok(()),
    };
    stale_files
        .par_iter()
        .try_for_each(|file| gone(fs::remove_file(folder.join(file))))?;
    // The deepest first, so each is empty when its turn comes.
    stale_dirs.sort_by_key(|dir| std::cmp::Reverse(Path::new(dir).components().count()));
    stale_dirs
        .into_iter()
        .try_for_each(|dir| gone(fs::remove_dir_all(folder.join(dir))))
}

/// The fallback swap: each entry of `target` is moved into `retired`, then each entry of
/// `staging` into `target`. If an entry cannot be moved, the moves made so far are undone, so
/// `target` keeps the previous site, and the error names that entry.
fn replace_entries(
    staging: &Path,
    target: &Path,
    retired: &Path,
    folders: &dyn Folders,
) -> Result<(), Error> {
    fs::create_dir_all(retired).map_err(write_error(retired))?;
    let retiring = move_entries(target, retired, folders);
    let result = match retiring {
        Ok(old) => match move_entries(staging, target, folders) {
            Ok(_) => Ok(()),
            Err((new, error)) => {
                undo_moves(target, staging, &new, folders);
                undo_moves(retired, target, &old, folders);
                Err(*error)
            }
        },
        Err((old, error)) => {
            undo_moves(retired, target, &old, folders);
            Err(*error)
        }
    };
    let _ = fs::remove_dir_all(staging);
    let _ = remove_tree(retired);
    result
}

type Moved = Vec<std::ffi::OsString>;

/// Moves every entry of `from` into `to`; on failure returns what was moved and the error.
fn move_entries(
    from: &Path,
    to: &Path,
    folders: &dyn Folders,
) -> Result<Moved, (Moved, Box<Error>)> {
    let names: Moved = fs::read_dir(from)
        .and_then(|entries| entries.map(|e| e.map(|e| e.file_name())).collect())
        .map_err(|err| (Vec::new(), Box::new(write_error(from)(err))))?;
    let mut moved = Vec::with_capacity(names.len());
    for name in names {
        let source = from.join(&name);
        if let Err(err) = rename_retrying(folders, &source, &to.join(&name)) {
            return Err((moved, Box::new(write_error(&source)(err))));
        }
        moved.push(name);
    }
    Ok(moved)
}

/// Moves the entries `names` back from `from` into `to`, as far as it can.
fn undo_moves(from: &Path, to: &Path, names: &[std::ffi::OsString], folders: &dyn Folders) {
    for name in names {
        let _ = rename_retrying(folders, &from.join(name), &to.join(name));
    }
}

/// Updates a folder that `serve` owns in place, file by file: writes `files` whose contents
/// differ from what the folder holds and copies `copies` (source relative to `root`, output
/// path). Used after an incremental rebuild, which changes few files of a large site.
pub fn update_output(
    root: &Path,
    target: &Path,
    files: &[&RenderedFile],
    copies: &[(PathBuf, String)],
) -> Result<Vec<String>, Error> {
    let mut written = Vec::new();
    for file in files {
        let path = target.join(&file.output_path);
        if fs::read(&path).is_ok_and(|old| old == file.contents.as_bytes()) {
            continue;
        }
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(write_error(dir))?;
        }
        fs::write(&path, &file.contents).map_err(write_error(&path))?;
        written.push(file.output_path.clone());
    }
    for (source, output_path) in copies {
        copy_file(root, source, &target.join(output_path))?;
        written.push(output_path.clone());
    }
    Ok(written)
}

/// Removes a folder, its subfolders in parallel and each of them the same way: the previous
/// site can hold thousands of pages in one section. The entries' types come from the folder
/// listing, without a `stat` per file.
fn remove_tree(dir: &Path) -> io::Result<()> {
    let entries: Vec<(PathBuf, fs::FileType)> = fs::read_dir(dir)?
        .map(|entry| entry.and_then(|e| Ok((e.path(), e.file_type()?))))
        .collect::<io::Result<_>>()?;
    entries.par_iter().try_for_each(|(path, kind)| {
        if kind.is_dir() {
            remove_tree(path)
        } else {
            // A link to a folder is removed as a folder on Windows, as a file elsewhere.
            fs::remove_file(path).or_else(|err| match kind.is_symlink() {
                true => fs::remove_dir(path),
                false => Err(err),
            })
        }
    })?;
    fs::remove_dir(dir)
}

/// How the social preview images of a build were made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImageStats {
    /// Drawn in this build.
    pub drawn: usize,
    /// Taken from the previous build, their page unchanged.
    pub reused: usize,
}

/// What the write step drew, and what it found drawing.
#[derive(Debug, Clone, Default)]
pub struct Drawn {
    /// The social preview images.
    pub images: ImageStats,
    /// The handouts (`factsheet.pdf` per language).
    pub handouts: ImageStats,
    /// The figures and quotes of the handouts drawn that do not fit their page.
    pub warnings: Vec<Warning>,
}

/// Puts each handout into `staging`: copied from the previous output when that file carries
/// the same key (nothing it shows changed), drawn otherwise. Only a drawn handout is measured
/// for overflow (`check` always measures).
fn draw_handouts(
    previous: &Path,
    staging: &Path,
    handouts: &[Handout],
) -> Result<(ImageStats, Vec<Warning>), Error> {
    // A few languages, each drawn on its own thread.
    let results: Vec<Result<(bool, Vec<Warning>), Error>> = handouts
        .par_iter()
        .map(|handout| {
            let destination = staging.join(&handout.output_path);
            if let Some(dir) = destination.parent() {
                fs::create_dir_all(dir).map_err(write_error(dir))?;
            }
            let old = previous.join(&handout.output_path);
            if let Ok(bytes) = fs::read(&old)
                && crate::handout::key_of(&bytes) == Some(handout.key.as_str())
                && fs::write(&destination, &bytes).is_ok()
            {
                return Ok((false, Vec::new()));
            }
            let (pdf, overflow) = crate::handout::draw(handout)?;
            fs::write(&destination, pdf).map_err(write_error(&destination))?;
            Ok((true, overflow))
        })
        .collect();
    let mut stats = ImageStats::default();
    let mut warnings = Vec::new();
    for result in results {
        let (drawn, overflow) = result?;
        if drawn {
            stats.drawn += 1;
        } else {
            stats.reused += 1;
        }
        warnings.extend(overflow);
    }
    Ok((stats, warnings))
}

/// Puts each image into `staging`: copied from the previous output when it has the same name
/// (the name is a hash of the drawing), drawn otherwise.
fn draw_images(previous: &Path, staging: &Path, images: &[OgImage]) -> Result<ImageStats, Error> {
    let mut stats = ImageStats::default();
    for image in images {
        let destination = staging.join(&image.output_path);
        if let Some(dir) = destination.parent() {
            fs::create_dir_all(dir).map_err(write_error(dir))?;
        }
        let old = previous.join(&image.output_path);
        if old.is_file() && fs::copy(&old, &destination).is_ok() {
            stats.reused += 1;
            continue;
        }
        let png = crate::social::render_png(&image.svg).map_err(|message| Error::Image {
            path: PathBuf::from(&image.output_path),
            message,
        })?;
        fs::write(&destination, png).map_err(write_error(&destination))?;
        stats.drawn += 1;
    }
    Ok(stats)
}

/// Adds `static/`, the bundle files and the marker to the pages already in `staging`.
fn fill_staging(root: &Path, staging: &Path, assets: &[(PathBuf, String)]) -> Result<(), Error> {
    copy_static(root, staging)?;
    for (source, output_path) in assets {
        copy_file(root, source, &staging.join(output_path))?;
    }
    let marker = staging.join(OUTPUT_MARKER);
    fs::write(
        &marker,
        "This folder is written by factsheet; the next build replaces it.\n",
    )
    .map_err(write_error(&marker))?;
    Ok(())
}

/// The problems of the inputs as the output sees them: links in `static/` that lead outside
/// the site, and collisions. Every input that writes a file of the output, and what it is: a
/// site file (`static/a.css`, `content/notes.md`, a page bundle's image) or a generated file.
/// Two inputs writing one path (letter case ignored, as macOS and Windows ignore it), or one
/// writing a file where another needs a folder, are errors naming both: otherwise one would
/// silently replace the other, and differently on each platform.
pub fn collisions(
    root: &Path,
    files: &[&RenderedFile],
    assets: &[(PathBuf, String)],
    og_images: &[OgImage],
    handouts: &[Handout],
) -> Vec<Error> {
    // Who writes each path is described only for the paths in an error: a large site has
    // tens of thousands of files, and none of them collide.
    enum Writer<'a> {
        Rendered(&'a RenderedFile),
        Described(String),
    }
    impl Writer<'_> {
        fn describe(&self) -> String {
            match self {
                Writer::Rendered(file) => match &file.source {
                    Some(source) => crate::slash::shown(source),
                    None if file.output_path.ends_with(".html") => {
                        format!("templates/{}", file.output_path)
                    }
                    None => format!("the generated {}", file.output_path),
                },
                Writer::Described(origin) => origin.clone(),
            }
        }
    }
    let mut writers: Vec<(std::borrow::Cow<'_, str>, Writer<'_>)> =
        Vec::with_capacity(files.len() + assets.len() + og_images.len() + handouts.len() + 1);
    for file in files {
        writers.push((file.output_path.as_str().into(), Writer::Rendered(file)));
    }
    for (source, output_path) in assets {
        writers.push((
            output_path.as_str().into(),
            Writer::Described(crate::slash::shown(source)),
        ));
    }
    for image in og_images {
        writers.push((
            image.output_path.as_str().into(),
            Writer::Described("a social preview image".into()),
        ));
    }
    for handout in handouts {
        writers.push((
            handout.output_path.as_str().into(),
            Writer::Described(format!(
                "the handout drawn from templates/{}",
                crate::handout::TEMPLATE
            )),
        ));
    }
    let (static_files, mut errors) = site_files(root, STATIC_DIR);
    for relative in static_files {
        let inside = relative.strip_prefix(STATIC_DIR).unwrap_or(&relative);
        writers.push((
            crate::slash::slashed(inside).into(),
            Writer::Described(crate::slash::shown(&relative)),
        ));
    }
    writers.push((
        OUTPUT_MARKER.into(),
        Writer::Described("factsheet's own marker file".into()),
    ));
    // Letter case ignored, as macOS and Windows ignore it.
    fn folded(path: &str) -> std::borrow::Cow<'_, str> {
        match path.bytes().any(|b| b.is_ascii_uppercase()) || !path.is_ascii() {
            true => path.to_lowercase().into(),
            false => path.into(),
        }
    }

    let mut by_path: FxHashMap<std::borrow::Cow<'_, str>, (&str, &Writer<'_>)> =
        FxHashMap::with_capacity_and_hasher(writers.len(), Default::default());
    for (output, writer) in &writers {
        if let Some((first_output, first)) = by_path.insert(folded(output), (output, writer)) {
            errors.push(Error::OutputCollision {
                first: first.describe(),
                first_output: first_output.to_string(),
                second: writer.describe(),
                second_output: output.to_string(),
            });
        }
    }
    // A file where another input needs a folder (`static/notes` against `notes/index.html`),
    // reported once per folder, for the first input that needs it. Every input's folders are
    // looked up on all cores (a large site has tens of thousands); the few found are reported
    // in the inputs' order.
    let by_path = &by_path;
    let needed: Vec<(usize, std::borrow::Cow<'_, str>)> = writers
        .par_iter()
        .enumerate()
        .flat_map_iter(|(index, (output, _))| {
            let mut found = Vec::new();
            let mut folder: &str = output;
            while let Some((parent, _)) = folder.rsplit_once('/') {
                folder = parent;
                let key = folded(folder);
                if by_path.contains_key(key.as_ref()) {
                    found.push((index, key));
                }
            }
            found
        })
        .collect();
    let mut reported = FxHashSet::default();
    for (index, key) in needed {
        if let Some((file_output, file_writer)) = by_path.get(key.as_ref())
            && reported.insert(key)
        {
            errors.push(Error::FileWhereFolderNeeded {
                file: file_writer.describe(),
                output: file_output.to_string(),
                needs_folder: writers[index].1.describe(),
            });
        }
    }
    errors
}

/// Copies the files of `<root>/static` into `staging` (links that lead outside the site are
/// left out; [`collisions`] reports them).
fn copy_static(root: &Path, staging: &Path) -> Result<(), Error> {
    for relative in site_files(root, STATIC_DIR).0 {
        let inside = relative.strip_prefix(STATIC_DIR).unwrap_or(&relative);
        copy_file(root, &relative, &staging.join(inside))?;
    }
    Ok(())
}

/// Copies `source` (relative to `root`) to `destination`, creating its folder.
fn copy_file(root: &Path, source: &Path, destination: &Path) -> Result<(), Error> {
    if let Some(dir) = destination.parent() {
        fs::create_dir_all(dir).map_err(write_error(dir))?;
    }
    fs::copy(root.join(source), destination).map_err(|err| Error::Read {
        path: source.to_path_buf(),
        source: err,
    })?;
    Ok(())
}

/// Maps an I/O failure on `path` to [`Error::Write`].
fn write_error(path: &Path) -> impl FnOnce(io::Error) -> Error {
    let path = path.to_path_buf();
    move |source| Error::Write { path, source }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// Fails every rename of one folder (as Windows does while a file in it is open), the
    /// first `failures` times or always; counts the pauses.
    struct LockedFolder {
        locked: PathBuf,
        failures: Cell<u32>,
        pauses: Cell<u32>,
    }

    impl Folders for LockedFolder {
        fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
            if from == self.locked && self.failures.get() > 0 {
                self.failures.set(self.failures.get() - 1);
                return Err(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    "Access is denied. (os error 5)",
                ));
            }
            fs::rename(from, to)
        }
        fn pause(&self, _attempt: u32) {
            self.pauses.set(self.pauses.get() + 1);
        }
    }

    /// What a listing holds: each key, whether it is a folder, sorted.
    fn listed(listing: &Listing) -> Vec<(String, bool)> {
        let mut entries: Vec<(String, bool)> = listing
            .entries
            .iter()
            .map(|(key, entry)| (key.to_string_lossy().into_owned(), entry.is_dir))
            .collect();
        entries.sort();
        entries
    }

    /// A reused output: files at three depths, an empty folder, a file name with a space and
    /// Cyrillic letters, and (on Unix) links to a folder and to a file outside it.
    fn reused_output(dir: &Path) -> PathBuf {
        let folder = dir.join("out");
        for file in [
            "index.html",
            "a/index.html",
            "a/b/c/page.html",
            "ru/о нас/index.html",
        ] {
            let path = folder.join(file);
            fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            fs::write(&path, file).expect("write");
        }
        fs::create_dir_all(folder.join("empty")).expect("mkdir");
        let outside = dir.join("outside");
        fs::create_dir_all(&outside).expect("mkdir");
        fs::write(outside.join("keep.txt"), "not the output's").expect("write");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&outside, folder.join("a/to-folder")).expect("link");
            std::os::unix::fs::symlink(outside.join("keep.txt"), folder.join("a/b/to-file"))
                .expect("link");
        }
        folder
    }

    #[test]
    fn a_listing_holds_every_file_and_folder_and_removes_links() {
        let dir = tempfile::tempdir().expect("temp");
        let folder = reused_output(dir.path());
        let listing = Listing::of(&folder).expect("listing");
        let expected: Vec<(String, bool)> = [
            ("a", true),
            ("a/b", true),
            ("a/b/c", true),
            ("a/b/c/page.html", false),
            ("a/index.html", false),
            ("empty", true),
            ("index.html", false),
            ("ru", true),
            ("ru/о нас", true),
            ("ru/о нас/index.html", false),
        ]
        .iter()
        .map(|(key, is_dir)| (key.to_string(), *is_dir))
        .collect();
        assert_eq!(listed(&listing), expected);
        assert!(!folder.join("a/to-folder").exists() && !folder.join("a/b/to-file").exists());
        assert!(
            dir.path().join("outside/keep.txt").is_file(),
            "a link is removed, not what it leads to"
        );
    }

    /// The Unix listing (by folder handles) and the portable one (by paths, Windows's) agree.
    #[cfg(unix)]
    #[test]
    fn the_unix_listing_matches_the_portable_one() {
        let (first, second) = (
            tempfile::tempdir().expect("temp"),
            tempfile::tempdir().expect("temp"),
        );
        let by_handles = Listing::of_by_handles(&reused_output(first.path())).expect("listing");
        let by_paths = Listing::of_by_paths(&reused_output(second.path())).expect("listing");
        assert_eq!(listed(&by_handles), listed(&by_paths));
        assert!(!second.path().join("out/a/to-folder").exists());
    }

    /// An old site (`public/` with `old.html` and `shared/a.css`) and a finished staging
    /// folder with the new one.
    fn old_and_new_site() -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().expect("temp");
        let target = dir.path().join("public");
        let staging = dir.path().join(".public.factsheet-new");
        let retired = dir.path().join(".public.factsheet-old");
        for (folder, files) in [
            (
                &target,
                &[("old.html", "old"), ("shared/a.css", "old css")][..],
            ),
            (
                &staging,
                &[("new.html", "new"), ("shared/a.css", "new css")][..],
            ),
        ] {
            for (name, text) in files {
                let path = folder.join(name);
                fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
                fs::write(path, text).expect("write");
            }
        }
        (dir, target, staging, retired)
    }

    fn assert_new_site_in_place(target: &Path, staging: &Path) {
        assert_eq!(
            fs::read_to_string(target.join("new.html")).expect("new"),
            "new"
        );
        assert_eq!(
            fs::read_to_string(target.join("shared/a.css")).expect("css"),
            "new css"
        );
        assert!(!target.join("old.html").exists(), "the old page is gone");
        assert!(!staging.exists(), "staging removed");
    }

    /// Builds the files `pages` (path, text) into `target` through a [`Staging`] folder, as
    /// a build does; `complete: false` stops as a failed build does. Whether the staging
    /// folder was the output before last, reused.
    fn build_once(root: &Path, target: &Path, pages: &[(&str, &str)], complete: bool) -> bool {
        let staging = Staging::open(target).expect("open");
        let reused = staging.reused.is_some();
        for (path, text) in pages {
            let file = RenderedFile {
                output_path: path.to_string(),
                source: None,
                contents: text.to_string(),
            };
            staging.write(&file).expect("write");
        }
        if complete {
            staging.complete(root, &[], &[], &[]).expect("complete");
        }
        reused
    }

    /// Every file under `dir`, relative, with its text.
    fn files_in(dir: &Path) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = walkdir::WalkDir::new(dir)
            .into_iter()
            .map(|e| e.expect("entry"))
            .filter(|e| !e.file_type().is_dir())
            .map(|e| {
                let name = e.path().strip_prefix(dir).expect("inside");
                let name = name.to_string_lossy().replace('\\', "/");
                (name, fs::read_to_string(e.path()).expect("read"))
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn written_paths_are_recorded_as_the_listing_names_them() {
        assert!(listed_alike("notes/alpha/index.html"));
        for odd in [
            "notes//a.html",
            "./a.html",
            "a/../b.html",
            "/a.html",
            "a/",
            "a\\b",
        ] {
            assert!(!listed_alike(odd), "{odd}");
        }
        assert_eq!(lexically_normal("notes//./x/../a.html"), "notes/a.html");
        assert_eq!(lexically_normal("../../a.html"), "a.html");
        assert_eq!(lexically_normal("a\\b"), "a/b");
    }

    #[test]
    fn the_output_before_last_is_overwritten_in_place_and_holds_only_the_new_site() {
        let dir = tempfile::tempdir().expect("temp");
        let root = dir.path().join("site");
        fs::create_dir_all(root.join("static")).expect("mkdir");
        fs::write(root.join("static/style.css"), "css").expect("write");
        let target = dir.path().join("public");
        let retired = dir.path().join(".public.factsheet-old");
        let first = [
            ("index.html", "home 1"),
            ("a/index.html", "a 1"),
            ("b/index.html", "b 1"),
            ("c", "c was a file"),
            ("gone/deep/index.html", "gone"),
        ];
        assert!(
            !build_once(&root, &target, &first, true),
            "nothing to reuse yet"
        );
        assert!(!build_once(
            &root,
            &target,
            &[("index.html", "home 2")],
            true
        ));
        assert!(
            retired.join("a/index.html").is_file(),
            "the first output is kept"
        );
        let outside = dir.path().join("outside");
        fs::create_dir_all(&outside).expect("mkdir");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&outside, retired.join("a/linked")).expect("symlink");
        let third = [
            ("index.html", "home 3"),
            ("a/index.html", "a 3"),
            ("a/linked/index.html", "not through the link"),
            ("b", "b is a file now"),
            ("c/index.html", "c is a folder now"),
        ];
        #[cfg(unix)]
        let reused_inode = {
            use std::os::unix::fs::MetadataExt;
            fs::metadata(retired.join("a/index.html"))
                .expect("meta")
                .ino()
        };
        // Reused where names are case-sensitive (Linux; not Windows or a default macOS disk).
        let case_sensitive = reusable(&retired);
        assert!(case_sensitive || !cfg!(target_os = "linux"));
        assert_eq!(build_once(&root, &target, &third, true), case_sensitive);
        let expected: Vec<(String, String)> = [
            (
                OUTPUT_MARKER,
                "This folder is written by factsheet; the next build replaces it.\n",
            ),
            ("a/index.html", "a 3"),
            ("a/linked/index.html", "not through the link"),
            ("b", "b is a file now"),
            ("c/index.html", "c is a folder now"),
            ("index.html", "home 3"),
            ("style.css", "css"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let mut expected = expected;
        expected.sort();
        assert_eq!(files_in(&target), expected);
        assert!(
            fs::read_dir(&outside).expect("list").next().is_none(),
            "nothing written through the link"
        );
        // Where the folder was reused (any case-sensitive Unix disk), the file was overwritten.
        #[cfg(unix)]
        if case_sensitive {
            use std::os::unix::fs::MetadataExt;
            let inode = fs::metadata(target.join("a/index.html"))
                .expect("meta")
                .ino();
            assert_eq!(
                inode, reused_inode,
                "the file was overwritten, not made again"
            );
        }
        // A build that fails before writing anything, while the output before last is still
        // being listed, leaves the output as it was and no staging folder.
        drop(Staging::open(&target).expect("open"));
        assert_eq!(files_in(&target), expected);
        assert!(!dir.path().join(".public.factsheet-new").exists());
        build_once(&root, &target, &third, true);
        // A failed build that reused the output before last leaves the output as it was.
        build_once(&root, &target, &[("index.html", "broken")], false);
        assert_eq!(files_in(&target), expected);
        assert!(
            !dir.path().join(".public.factsheet-new").exists(),
            "staging removed"
        );
    }

    #[test]
    fn write_errors_in_the_staging_folder_name_the_output_folder() {
        let staging = Path::new("/site/.public.factsheet-new");
        let target = Path::new("public");
        let error = |path: &str| Error::Write {
            path: PathBuf::from(path),
            source: io::Error::new(io::ErrorKind::PermissionDenied, "denied"),
        };
        let shown = |path: &str| match renamed_in_error(error(path), staging, target) {
            Error::Write { path, .. } => path,
            other => panic!("unexpected {other}"),
        };
        assert_eq!(shown("/site/.public.factsheet-new"), Path::new("public"));
        assert_eq!(
            shown("/site/.public.factsheet-new/notes/index.html"),
            Path::new("public/notes/index.html")
        );
        assert_eq!(shown("/elsewhere/x"), Path::new("/elsewhere/x"));
        let message = renamed_in_error(error("/site/.public.factsheet-new"), staging, target);
        assert!(!message.to_string().contains("factsheet-new"), "{message}");
    }

    #[test]
    fn a_briefly_locked_output_folder_is_swapped_after_a_retry() {
        let (_dir, target, staging, retired) = old_and_new_site();
        let folders = LockedFolder {
            locked: target.clone(),
            failures: Cell::new(2),
            pauses: Cell::new(0),
        };
        swap_in(&staging, &target, &retired, &folders).expect("swap");
        assert_eq!(folders.pauses.get(), 2, "waited twice, then renamed");
        assert_new_site_in_place(&target, &staging);
        assert_eq!(
            fs::read_to_string(retired.join("old.html")).expect("kept"),
            "old",
            "the previous site is kept for the next build to overwrite"
        );
    }

    #[test]
    fn an_output_folder_that_cannot_be_renamed_is_replaced_entry_by_entry() {
        let (_dir, target, staging, retired) = old_and_new_site();
        let folders = LockedFolder {
            locked: target.clone(),
            failures: Cell::new(u32::MAX),
            pauses: Cell::new(0),
        };
        swap_in(&staging, &target, &retired, &folders).expect("fallback swap");
        assert_eq!(folders.pauses.get(), RENAME_ATTEMPTS - 1);
        assert_new_site_in_place(&target, &staging);
        assert!(!retired.exists(), "the entries moved aside are removed");
    }

    #[test]
    fn a_locked_entry_in_the_fallback_is_named_in_the_error() {
        let (_dir, target, staging, retired) = old_and_new_site();
        let folders = LockedFolder {
            locked: target.join("shared"),
            failures: Cell::new(u32::MAX),
            pauses: Cell::new(0),
        };
        let error = replace_entries(&staging, &target, &retired, &folders).expect_err("locked");
        match error {
            Error::Write { path, .. } => assert_eq!(path, target.join("shared")),
            other => panic!("unexpected error: {other}"),
        }
        // Nothing is lost: the previous site is whole again.
        assert_eq!(
            fs::read_to_string(target.join("old.html")).expect("old"),
            "old"
        );
        assert_eq!(
            fs::read_to_string(target.join("shared/a.css")).expect("css"),
            "old css"
        );
        assert!(!target.join("new.html").exists());
    }

    #[test]
    fn dangerous_output_folders_are_refused_before_anything_is_written() {
        let site = tempfile::tempdir().expect("temp");
        let root = site.path();
        fs::create_dir_all(root.join("static/css")).expect("mkdir");
        for output in [
            PathBuf::from("/"),
            root.to_path_buf(),
            root.join(".."),
            root.join("static"),
            root.join("static/css/out"),
            root.join("content"),
            root.join("sources/x"),
        ] {
            assert!(
                check_output_dir(root, &output, true).is_err(),
                "{} must be refused",
                output.display()
            );
        }
    }

    #[test]
    fn only_empty_or_marked_folders_are_replaced_without_force() {
        let site = tempfile::tempdir().expect("temp");
        let out = site.path().join("public");
        assert!(check_output_dir(site.path(), &out, false).is_ok(), "absent");
        fs::create_dir(&out).expect("mkdir");
        assert!(check_output_dir(site.path(), &out, false).is_ok(), "empty");
        fs::write(out.join("mine.txt"), "x").expect("write");
        assert!(
            check_output_dir(site.path(), &out, false).is_err(),
            "foreign"
        );
        assert!(check_output_dir(site.path(), &out, true).is_ok(), "forced");
        fs::write(out.join(OUTPUT_MARKER), "").expect("write");
        assert!(check_output_dir(site.path(), &out, false).is_ok(), "marked");
        fs::write(site.path().join("file"), "x").expect("write");
        assert!(
            check_output_dir(site.path(), &site.path().join("file"), true).is_err(),
            "a file"
        );
    }
}
