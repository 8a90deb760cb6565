//! Finding and reading inputs: files, folders walked recursively, standard input.
//!
//! Main items: [`walk`] (paths to input files, with per-path errors, and the page assets it
//! leaves out: [`Walked`]), [`read_input`] (bytes of one file, with a size limit),
//! [`InputProblem`].

use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why a path could not be read as an input.
#[derive(Debug, Error)]
pub enum InputProblem {
    /// The path does not exist (or is a dangling symlink).
    #[error("no such file (or a dangling symlink)")]
    Missing,
    /// Permission denied or another I/O error.
    #[error("cannot read: {0}")]
    Io(String),
    /// A FIFO, socket or device: not archived.
    #[error("not a regular file")]
    NotAFile,
    /// A symlink that leads back into a folder being walked.
    #[error("symlink loop, skipped")]
    Loop,
    /// Larger than the size limit.
    #[error("{size} bytes is over the size limit of {limit} bytes (see --max-size)")]
    TooLarge {
        /// The file's size.
        size: u64,
        /// The limit.
        limit: u64,
    },
}

/// One input found by [`walk`]: a file to read, or a path that cannot be.
pub type Found = (PathBuf, Result<(), InputProblem>);

/// What [`walk`] found.
#[derive(Debug, Default)]
pub struct Walked {
    /// Input files (and paths that cannot be read), in walk order.
    pub inputs: Vec<Found>,
    /// Files and folders left out as the assets of saved web pages (see [`walk`]).
    pub assets: Vec<PathBuf>,
}

/// Suffixes of the folder a browser saves a page's assets in beside `NAME.html` ("Save page
/// as... complete"): `NAME_files` (Chrome, Edge, Firefox in English) and Firefox's
/// translations for some languages.
const ASSET_FOLDER_SUFFIXES: &[&str] = &["_files", "-Dateien", "_fichiers", "_archivos", "_arquivos", "_file", "-bestanden", "_pliki"];

/// Extensions of files that are never articles: styles, scripts, images, fonts, audio, video.
const ASSET_EXTENSIONS: &[&str] = &[
    "css", "js", "mjs", "map", "png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "ico", "bmp", "tif", "tiff", "woff", "woff2",
    "ttf", "otf", "eot", "mp3", "mp4", "m4a", "webm", "ogg", "ogv", "wav", "mov",
];

/// Expands paths into input files: folders are walked recursively in name order, hidden
/// entries (names starting with '.') inside folders are skipped, symlinks are followed once
/// and loops are reported, not followed.
///
/// Inside folders, what a saved web page brings along is left out and listed in
/// [`Walked::assets`]: the `NAME_files` folder beside `NAME.html` (or `.htm`), and files whose
/// extension says they are styles, scripts, images, fonts or media. A path given by itself is
/// always an input.
pub fn walk(paths: &[PathBuf]) -> Walked {
    let mut out = Walked::default();
    let mut seen_dirs = HashSet::new();
    for p in paths {
        visit(p, &mut seen_dirs, &mut out, 0);
    }
    out
}

/// Whether a folder entry is a saved page's asset (see [`walk`]); `pages` holds the stems of the
/// HTML files in the same folder. Decided by name; only a name that fits is looked up on disk
/// (folder or file), so that a walk stats each entry once, in `visit`.
fn is_asset(entry: &Path, pages: &HashSet<String>) -> bool {
    let Some(name) = entry.file_name().and_then(|n| n.to_str()) else { return false };
    let asset_folder = ASSET_FOLDER_SUFFIXES.iter().any(|s| name.strip_suffix(s).is_some_and(|stem| pages.contains(stem)));
    let asset_file = entry.extension().and_then(|e| e.to_str()).is_some_and(|e| ASSET_EXTENSIONS.iter().any(|a| a.eq_ignore_ascii_case(e)));
    (asset_folder || asset_file) && entry.is_dir() == asset_folder
}

/// The stems of the HTML files among `entries` (`page` for `page.html`).
fn page_stems(entries: &[PathBuf]) -> HashSet<String> {
    entries
        .iter()
        .filter(|e| e.extension().and_then(|x| x.to_str()).is_some_and(|x| x.eq_ignore_ascii_case("html") || x.eq_ignore_ascii_case("htm")))
        .filter_map(|e| e.file_stem().and_then(|s| s.to_str()).map(str::to_string))
        .collect()
}

fn visit(path: &Path, seen: &mut HashSet<PathBuf>, walked: &mut Walked, depth: usize) {
    let out = &mut walked.inputs;
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            out.push((path.to_path_buf(), Err(InputProblem::Missing)));
            return;
        }
        Err(e) => {
            let problem = if e.raw_os_error() == Some(40) { InputProblem::Loop } else { InputProblem::Io(e.to_string()) };
            out.push((path.to_path_buf(), Err(problem)));
            return;
        }
    };
    if meta.is_dir() {
        let canon = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if !seen.insert(canon) || depth > 64 {
            out.push((path.to_path_buf(), Err(InputProblem::Loop)));
            return;
        }
        let mut entries: Vec<PathBuf> = match fs::read_dir(path) {
            Ok(rd) => rd.filter_map(|e| e.ok()).map(|e| e.path()).collect(),
            Err(e) => {
                out.push((path.to_path_buf(), Err(InputProblem::Io(e.to_string()))));
                return;
            }
        };
        entries.sort();
        let pages = page_stems(&entries);
        for e in entries {
            if e.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.')) {
                continue;
            }
            if is_asset(&e, &pages) {
                walked.assets.push(e);
                continue;
            }
            visit(&e, seen, walked, depth + 1);
        }
    } else if meta.is_file() {
        out.push((path.to_path_buf(), Ok(())));
    } else {
        out.push((path.to_path_buf(), Err(InputProblem::NotAFile)));
    }
}

/// Reads one input file, refusing files over `limit` bytes without reading them whole.
pub fn read_input(path: &Path, limit: u64) -> Result<Vec<u8>, InputProblem> {
    let mut opts = fs::OpenOptions::new();
    opts.read(true);
    // Without O_NONBLOCK, opening a FIFO waits for a writer; the walk skips FIFOs, but the
    // path may have been replaced by one since.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut opts, libc::O_NONBLOCK);
    let f = opts.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => InputProblem::Missing,
        _ => InputProblem::Io(e.to_string()),
    })?;
    let meta = f.metadata().map_err(|e| InputProblem::Io(e.to_string()))?;
    if !meta.is_file() {
        return Err(InputProblem::NotAFile);
    }
    if meta.len() > limit {
        return Err(InputProblem::TooLarge { size: meta.len(), limit });
    }
    read_limited(f, limit)
}

/// Reads a stream (e.g. standard input) up to `limit` bytes.
pub fn read_limited(r: impl Read, limit: u64) -> Result<Vec<u8>, InputProblem> {
    let mut buf = Vec::new();
    r.take(limit + 1).read_to_end(&mut buf).map_err(|e| InputProblem::Io(e.to_string()))?;
    if buf.len() as u64 > limit {
        return Err(InputProblem::TooLarge { size: buf.len() as u64, limit });
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_skips_hidden_and_sorts() {
        let d = tempfile::tempdir().unwrap();
        fs::write(d.path().join("b.txt"), "b").unwrap();
        fs::write(d.path().join("a.txt"), "a").unwrap();
        fs::write(d.path().join(".hidden"), "h").unwrap();
        fs::create_dir(d.path().join("sub")).unwrap();
        fs::write(d.path().join("sub/c.txt"), "c").unwrap();
        let got: Vec<_> = walk(&[d.path().to_path_buf()]).inputs.into_iter().map(|(p, r)| (p.file_name().unwrap().to_owned(), r.is_ok())).collect();
        let names: Vec<_> = got.iter().map(|(n, _)| n.to_str().unwrap().to_string()).collect();
        assert_eq!(names, ["a.txt", "b.txt", "c.txt"]);
    }

    #[test]
    fn a_page_saved_complete_from_a_browser_is_one_input() {
        let d = tempfile::tempdir().unwrap();
        fs::write(d.path().join("page.html"), "<p>story</p>").unwrap();
        fs::create_dir(d.path().join("page_files")).unwrap();
        for f in ["style.css", "script.js", "data.json", "img.png"] {
            fs::write(d.path().join("page_files").join(f), "x").unwrap();
        }
        // A folder that only looks like one (no `other.html` beside it) is walked.
        fs::create_dir(d.path().join("other_files")).unwrap();
        fs::write(d.path().join("other_files/notes.txt"), "notes").unwrap();
        fs::write(d.path().join("logo.SVG"), "<svg/>").unwrap();
        let walked = walk(&[d.path().to_path_buf()]);
        let names: Vec<_> = walked.inputs.iter().map(|(p, _)| p.file_name().unwrap().to_str().unwrap().to_string()).collect();
        assert_eq!(names, ["notes.txt", "page.html"]);
        let assets: Vec<_> = walked.assets.iter().map(|p| p.file_name().unwrap().to_str().unwrap().to_string()).collect();
        assert_eq!(assets, ["logo.SVG", "page_files"]);
        // Named by itself, an asset is an input all the same.
        assert_eq!(walk(&[d.path().join("logo.SVG")]).inputs.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn walk_reports_symlink_loop_and_dangling_link() {
        let d = tempfile::tempdir().unwrap();
        fs::create_dir(d.path().join("sub")).unwrap();
        fs::write(d.path().join("sub/a.txt"), "a").unwrap();
        std::os::unix::fs::symlink(d.path(), d.path().join("sub/up")).unwrap();
        std::os::unix::fs::symlink(d.path().join("nowhere"), d.path().join("sub/dangling")).unwrap();
        let got = walk(&[d.path().to_path_buf()]).inputs;
        assert_eq!(got.iter().filter(|(_, r)| r.is_ok()).count(), 1);
        assert!(got.iter().any(|(_, r)| matches!(r, Err(InputProblem::Loop))));
        assert!(got.iter().any(|(_, r)| matches!(r, Err(InputProblem::Missing))));
    }

    #[cfg(unix)]
    #[test]
    fn read_input_refuses_a_fifo_without_waiting() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("fifo");
        let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(read_input(&p, 10), Err(InputProblem::NotAFile)));
    }

    #[test]
    fn read_input_refuses_large_files() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("big.txt");
        fs::write(&p, vec![b'a'; 100]).unwrap();
        assert!(matches!(read_input(&p, 10), Err(InputProblem::TooLarge { .. })));
        assert_eq!(read_input(&p, 100).unwrap().len(), 100);
    }
}
