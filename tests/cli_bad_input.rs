//! Hostile input through the command line (issue 7): every input either gets a one-line
//! error on stderr naming it, or is archived correctly (`cat` gives its bytes back, `verify`
//! passes); a batch with failures exits 3; no panic; no hang.
//!
//! The small cases are files in `tests/fixtures/bad/` (listed in its README); large and
//! special ones are built in a temporary folder here. Timeouts are hang guards only.

mod common;

use common::{fixtures, json_lines, stet};
use serde_json::Value;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Generous: a debug build on a loaded machine. Only catches hangs.
const HANG: Duration = Duration::from_secs(900);

/// What one fixture must give.
#[derive(Clone, Copy, Debug)]
enum Want {
    /// Archived, with this in its normalised text.
    Archived(&'static str),
    /// Archived as exactly the text of `plain.txt` (same article id).
    Plain,
    /// Refused with an error containing this.
    Error(&'static str),
}

use Want::*;

const CASES: &[(&str, Want)] = &[
    ("plain.txt", Plain),
    ("binary-elf.bin", Error("binary file")),
    ("png-image.png", Error("binary file")),
    ("gzip.txt.gz", Error("binary file")),
    ("pdf-header.txt", Error("binary file")),
    ("nul-bytes.txt", Error("binary file")),
    ("control-chars.txt", Error("binary file")),
    ("invalid-utf8.txt", Error("not text")),
    ("invalid-utf8-sparse.txt", Archived("help residents pay")),
    ("utf16le-bom.txt", Plain),
    ("utf16be-bom.txt", Plain),
    ("utf16le-no-bom.txt", Plain),
    ("utf16le-bom.html", Plain),
    ("utf8-bom.txt", Plain),
    ("bom-only.txt", Error("empty input")),
    ("empty.txt", Error("empty input")),
    ("whitespace-only.txt", Error("empty input")),
    ("zero-width-only.txt", Error("no text left")),
    ("unclosed-tags.html", Plain),
    ("scripts-only.html", Error("no article text")),
    ("rss-feed.html", Error("an RSS feed, not an article")),
    ("rss-feed.xml", Error("an RSS feed, not an article")),
    ("atom-feed.xml", Error("an Atom feed, not an article")),
    ("sitemap.xml", Error("a sitemap, not an article")),
    ("bad-entities.html", Archived("approve the new budget")),
    ("bogus-charset.html", Plain),
    ("windows-1251.html", Archived("Привет, мир!")),
    ("latin1.txt", Archived("Café owners")),
    ("overlong-utf8.txt", Archived("approve the new budget")),
    ("cesu-surrogates.txt", Archived("approve the new budget")),
    ("rtl-arabic.txt", Archived("مجلس المدينة")),
    ("rtl-hebrew.html", Archived("מועצת העיר")),
    ("bidi-controls.txt", Archived("approve the new budget")),
    (
        "cjk-chinese.txt",
        Archived("市议会周二投票批准了来年的新预算"),
    ),
    ("cjk-japanese.md", Archived("市議会は火曜日")),
    ("emoji.txt", Archived("👍🏽 😀🎉👍🏽")),
    ("combining-marks.txt", Archived("owners said the council")),
    ("front-matter-only.md", Error("no article text")),
    ("bad-yaml.md", Plain),
    (
        "unclosed-front-matter.md",
        Archived("approve the new budget"),
    ),
    ("unclosed-code-fence.md", Plain),
    ("cr-line-endings.txt", Plain),
    ("one-line-no-full-stop.txt", Archived("officials said one")),
    ("single-letter.txt", Archived("a")),
    ("punctuation-only.txt", Archived("!!!")),
];

/// The result of one `stet add --json` run.
struct Run {
    code: i32,
    lines: Vec<Value>,
    stderr: String,
}

fn add(repo: &Path, args: &[&std::ffi::OsStr], cwd: Option<&Path>) -> Run {
    let mut c = stet(repo);
    c.args(["add", "--json"]).args(args).timeout(HANG);
    if let Some(d) = cwd {
        c.current_dir(d);
    }
    let out = c.output().expect("run stet");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "panic:\n{stderr}");
    Run {
        code: out.status.code().unwrap_or(-1),
        lines: json_lines(&out.stdout),
        stderr,
    }
}

/// Checks the error report of one input: JSON says error with `want` in it, and stderr has
/// exactly one error line naming the input.
fn assert_refused(run: &Run, input: &str, want: &str) {
    let o = run
        .lines
        .iter()
        .find(|o| o["input"] == input)
        .unwrap_or_else(|| panic!("no line for {input}"));
    assert_eq!(o["status"], "error", "{input}: {o}");
    let msg = o["error"].as_str().unwrap_or_default();
    assert!(
        msg.contains(want),
        "{input}: error {msg:?}, wanted {want:?}"
    );
    let lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: ") && l.contains(input))
        .collect();
    assert_eq!(
        lines.len(),
        1,
        "{input}: error lines {lines:?} in\n{}",
        run.stderr
    );
    assert!(
        lines[0].contains(msg),
        "{input}: {:?} lacks {msg:?}",
        lines[0]
    );
}

/// Checks that an input was archived and that `cat` gives back the bytes of the article's
/// first capture (the first input of the run that added it) and `cat --text` holds `text`;
/// returns the id.
fn assert_archived(repo: &Path, run: &Run, input: &str, text: &str) -> String {
    let o = run
        .lines
        .iter()
        .find(|o| o["input"] == input)
        .unwrap_or_else(|| panic!("no line for {input}"));
    assert!(
        o["status"] == "added" || o["status"] == "identical",
        "{input}: {o}"
    );
    let id = o["id"].as_str().expect("id").to_string();
    let first = run
        .lines
        .iter()
        .find(|o| o["id"] == *id && o["status"] == "added")
        .and_then(|o| o["input"].as_str())
        .unwrap_or_else(|| panic!("{input}: no input of this run added {id}"));
    // Relative inputs are relative to the fixtures folder (where `stet` runs).
    let first_bytes = fs::read(fixtures().join(first)).expect("first capture's file");
    let cat = stet(repo)
        .args(["cat", &id])
        .timeout(HANG)
        .output()
        .expect("cat");
    assert!(
        cat.status.success(),
        "{input}: cat failed: {}",
        String::from_utf8_lossy(&cat.stderr)
    );
    assert!(
        cat.stdout == first_bytes,
        "{input}: cat gives other bytes ({} bytes, want {})",
        cat.stdout.len(),
        first_bytes.len()
    );
    let t = stet(repo)
        .args(["cat", "--text", &id])
        .timeout(HANG)
        .output()
        .expect("cat --text");
    assert!(t.status.success());
    let t = String::from_utf8(t.stdout).expect("normalised text is UTF-8");
    assert!(
        t.contains(text),
        "{input}: text lacks {text:?}: {}",
        t.chars().take(300).collect::<String>()
    );
    id
}

fn verify_ok(repo: &Path) {
    let v = stet(repo)
        .arg("verify")
        .timeout(HANG)
        .output()
        .expect("verify");
    assert!(
        v.status.success(),
        "verify: {}",
        String::from_utf8_lossy(&v.stdout)
    );
}

fn articles(repo: &Path) -> u64 {
    let s = json_lines(
        &stet(repo)
            .args(["stats", "--json"])
            .timeout(HANG)
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    s[0]["articles"].as_u64().expect("articles")
}

#[test]
fn fixtures_each_get_an_error_or_a_correct_archive() {
    let dir = fixtures().join("bad");
    let mut on_disk: Vec<String> = fs::read_dir(&dir)
        .expect("fixtures/bad")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n != "README.md")
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = CASES.iter().map(|(n, _)| n.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "fixtures and CASES differ");
    let readme = fs::read_to_string(dir.join("README.md")).expect("README");
    for (name, _) in CASES {
        assert!(
            readme.contains(&format!("`{name}`")),
            "README does not list {name}"
        );
    }

    let repo = tempfile::tempdir().expect("tempdir");
    let inputs: Vec<PathBuf> = CASES
        .iter()
        .map(|(n, _)| PathBuf::from("bad").join(n))
        .collect();
    let args: Vec<&std::ffi::OsStr> = inputs.iter().map(|p| p.as_os_str()).collect();
    let run = add(repo.path(), &args, None);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(run.lines.len(), CASES.len());

    let mut ids = BTreeSet::new();
    let mut plain_id = None;
    let mut archived = 0;
    for ((_, want), input) in CASES.iter().zip(&inputs) {
        let input = input.to_string_lossy();
        match want {
            Error(msg) => assert_refused(&run, &input, msg),
            Archived(_) | Plain => {
                archived += 1;
                let text = match want {
                    Archived(t) => t,
                    _ => "approve the new budget",
                };
                let id = assert_archived(repo.path(), &run, &input, text);
                ids.insert(id.clone());
                if matches!(want, Plain) {
                    assert_eq!(
                        plain_id.get_or_insert(id.clone()),
                        &id,
                        "{input} is not the text of plain.txt"
                    );
                }
            }
        }
    }
    assert!(archived >= 20 && CASES.len() - archived >= 10);
    assert_eq!(
        articles(repo.path()),
        ids.len() as u64,
        "refused inputs left articles behind"
    );
    verify_ok(repo.path());
}

/// A text of `n` bytes: one line, no newline.
fn one_line(n: usize) -> Vec<u8> {
    let unit = b"The council voted on Tuesday to approve the new budget for the coming year ";
    unit.iter().copied().cycle().take(n).collect()
}

#[test]
fn a_100_mb_line_is_refused_by_the_size_limit_and_the_batch_goes_on() {
    let d = tempfile::tempdir().expect("tempdir");
    let big = d.path().join("line-100mb.txt");
    fs::write(&big, one_line(100 * 1024 * 1024)).expect("write");
    let good = d.path().join("good.txt");
    fs::copy(fixtures().join("bad/plain.txt"), &good).expect("copy");
    let repo = tempfile::tempdir().expect("tempdir");
    let run = add(repo.path(), &[big.as_os_str(), good.as_os_str()], None);
    assert_eq!(run.code, 3);
    assert_refused(&run, &big.to_string_lossy(), "over the size limit");
    assert_archived(repo.path(), &run, &good.to_string_lossy(), "approve");
    // Under a raised limit it is archived (slow in a debug build: long mode only).
    if std::env::var_os("STET_LONG_TESTS").is_some() {
        let run = add(
            repo.path(),
            &["--max-size".as_ref(), "200000000".as_ref(), big.as_os_str()],
            None,
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_archived(
            repo.path(),
            &run,
            &big.to_string_lossy(),
            "approve the new budget",
        );
    }
    verify_ok(repo.path());
}

#[test]
fn huge_texts_and_compression_bomb_shapes_are_archived() {
    let d = tempfile::tempdir().expect("tempdir");
    let sentence = "The council voted on Tuesday to approve the new budget for the coming year, officials said. ";
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "million-sentences.txt",
            "Word. ".repeat(1_000_000).into_bytes(),
            "Word.",
        ),
        ("one-word-1mb.txt", vec![b'a'; 1 << 20], "aaaa"),
        (
            "repeated-sentence-9mb.txt",
            sentence.repeat(100_000).into_bytes(),
            "approve the new budget",
        ),
        ("abab-6mb.txt", "ab".repeat(3_000_000).into_bytes(), "abab"),
        ("dots-3mb.txt", vec![b'.'; 3_000_000], "..."),
        (
            "one-line-8mb.txt",
            one_line(8 * 1024 * 1024),
            "approve the new budget",
        ),
        (
            "nested-20000.html",
            format!(
                "<html><body>{}<p>{sentence}</p>{}</body></html>",
                "<div>".repeat(20_000),
                "</div>".repeat(20_000)
            )
            .into_bytes(),
            "approve the new budget",
        ),
        (
            "nested-unclosed-20000.html",
            format!(
                "<html><body>{}<p>{sentence}",
                "<div><span><b><i>".repeat(5_000)
            )
            .into_bytes(),
            "approve the new budget",
        ),
        (
            "many-brs.html",
            format!(
                "<html><body>{}<p>{sentence}</p></body></html>",
                "<br>".repeat(500_000)
            )
            .into_bytes(),
            "approve the new budget",
        ),
        (
            "huge-attribute.html",
            format!(
                "<html><body><p title=\"{}\">{sentence}</p></body></html>",
                "x".repeat(2_000_000)
            )
            .into_bytes(),
            "approve the new budget",
        ),
    ];
    let mut paths = Vec::new();
    for (name, bytes, _) in &cases {
        let p = d.path().join(name);
        fs::write(&p, bytes).expect("write");
        paths.push(p);
    }
    fs::write(d.path().join("newlines-only.txt"), vec![b'\n'; 3_000_000]).expect("write");
    let repo = tempfile::tempdir().expect("tempdir");
    let run = add(repo.path(), &[d.path().as_os_str()], None);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_refused(
        &run,
        &d.path().join("newlines-only.txt").to_string_lossy(),
        "empty input",
    );
    let mut ids = BTreeSet::new();
    for ((_, _, text), p) in cases.iter().zip(&paths) {
        ids.insert(assert_archived(
            repo.path(),
            &run,
            &p.to_string_lossy(),
            text,
        ));
    }
    verify_ok(repo.path());
    assert_eq!(articles(repo.path()), ids.len() as u64);
    // Diffs of huge texts end too: a million sentences against 100,000 repeated ones.
    let id_of = |name: &str| {
        let input = d.path().join(name).to_string_lossy().into_owned();
        let o = run.lines.iter().find(|o| o["input"] == *input).expect("line");
        o["id"].as_str().expect("id").to_string()
    };
    let diff = stet(repo.path())
        .args(["diff", "--json", &id_of("million-sentences.txt"), &id_of("repeated-sentence-9mb.txt")])
        .timeout(HANG)
        .output()
        .expect("diff");
    assert!(diff.status.success(), "{}", String::from_utf8_lossy(&diff.stderr));
    assert_eq!(json_lines(&diff.stdout).len(), 1);
    // The repetitive texts compress: stored far smaller than given.
    let s = &json_lines(
        &stet(repo.path())
            .args(["stats", "--json"])
            .assert()
            .success()
            .get_output()
            .stdout,
    )[0];
    let (raw, stored) = (
        s["raw_bytes"].as_u64().expect("raw"),
        s["stored_bytes"].as_u64().expect("stored"),
    );
    assert!(stored * 20 < raw, "stored {stored} of {raw}");
}

#[cfg(unix)]
fn mkfifo(p: &Path) {
    let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).expect("path");
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
}

#[cfg(unix)]
#[test]
fn special_files_and_broken_paths_fail_one_by_one_without_hanging() {
    use std::os::unix::fs::{symlink, PermissionsExt};
    let d = tempfile::tempdir().expect("tempdir");
    let root = d.path();
    let good = root.join("good.txt");
    fs::copy(fixtures().join("bad/plain.txt"), &good).expect("copy");
    let fifo = root.join("fifo.txt");
    mkfifo(&fifo);
    let dangling = root.join("dangling.txt");
    symlink(root.join("nowhere.txt"), &dangling).expect("symlink");
    let self_loop = root.join("self.txt");
    symlink(&self_loop, &self_loop).expect("symlink");
    let sub = root.join("sub");
    fs::create_dir(&sub).expect("mkdir");
    symlink(root, sub.join("up")).expect("symlink");
    let locked = root.join("locked.txt");
    fs::copy(fixtures().join("bad/latin1.txt"), &locked).expect("copy");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).expect("chmod");
    let closed = root.join("closed");
    fs::create_dir(&closed).expect("mkdir");
    fs::write(
        closed.join("inside.txt"),
        "Text inside a folder nobody may read, as the test says.",
    )
    .expect("write");
    fs::set_permissions(&closed, fs::Permissions::from_mode(0o000)).expect("chmod");
    // SAFETY: geteuid has no preconditions.
    let root_user = unsafe { libc::geteuid() } == 0;

    let repo = tempfile::tempdir().expect("tempdir");
    let run = add(
        repo.path(),
        &[
            fifo.as_os_str(),
            dangling.as_os_str(),
            self_loop.as_os_str(),
            "/dev/null".as_ref(),
            sub.as_os_str(),
            locked.as_os_str(),
            closed.as_os_str(),
            good.as_os_str(),
        ],
        None,
    );
    assert_eq!(run.code, 3, "{}", run.stderr);
    let s = |p: &Path| p.to_string_lossy().into_owned();
    assert_refused(&run, &s(&fifo), "not a regular file");
    assert_refused(&run, &s(&dangling), "dangling symlink");
    assert_refused(&run, &s(&self_loop), "symlink loop");
    assert_refused(&run, "/dev/null", "not a regular file");
    // Walking sub/up reaches the root again: its FIFO fails there too, and sub itself is a loop.
    assert_refused(&run, &s(&sub.join("up/fifo.txt")), "not a regular file");
    assert_refused(&run, &s(&sub.join("up/sub")), "symlink loop");
    assert_archived(repo.path(), &run, &s(&sub.join("up/good.txt")), "approve");
    if root_user {
        // root reads anything: the unreadable file and folder are archived.
        assert!(run
            .lines
            .iter()
            .any(|o| o["input"] == s(&locked) && o["status"] != "error"));
        assert!(run
            .lines
            .iter()
            .any(|o| o["input"] == s(&closed.join("inside.txt")) && o["status"] != "error"));
    } else {
        assert_refused(&run, &s(&locked), "Permission denied");
        assert_refused(&run, &s(&closed), "Permission denied");
    }
    verify_ok(repo.path());
    // A FIFO alone: refused at once, exit 1 (nothing archived).
    let run = add(repo.path(), &[fifo.as_os_str()], None);
    assert_eq!(run.code, 1);
    fs::set_permissions(&closed, fs::Permissions::from_mode(0o755)).expect("chmod back");
}

#[cfg(unix)]
#[test]
fn control_characters_in_file_names_stay_on_one_line() {
    let d = tempfile::tempdir().expect("tempdir");
    let names = ["new\nline.txt", "esc\x1b[31mred.txt", "tab\tname.txt"];
    for n in names {
        fs::write(d.path().join(n), b"").expect("write");
    }
    let raw = <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(b"not-utf8-\xff.txt");
    fs::write(
        d.path().join(raw),
        "The council voted on Tuesday to approve the new budget.",
    )
    .expect("write");
    let repo = tempfile::tempdir().expect("tempdir");
    let run = add(repo.path(), &[d.path().as_os_str()], None);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        !run.stderr.contains('\x1b') && !run.stderr.contains('\t'),
        "raw control characters: {:?}",
        run.stderr
    );
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 3, "{:?}", run.stderr);
    assert!(
        errors.iter().any(|l| l.contains("new\\nline.txt")),
        "{errors:?}"
    );
    // Errors and warnings, then the run's summary line.
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert!(
        lines.last().is_some_and(|l| l.contains(" inputs: ") && l.ends_with(" failed"))
            && lines[..lines.len() - 1]
                .iter()
                .all(|l| l.starts_with("error: ") || l.starts_with("warning: ")),
        "{:?}",
        run.stderr
    );
    assert!(run
        .lines
        .iter()
        .any(|o| o["status"] == "added"
            && o["input"].as_str().is_some_and(|i| i.contains("not-utf8-"))));
}

#[test]
fn standard_input_that_is_empty_binary_or_too_large_is_refused() {
    let repo = tempfile::tempdir().expect("tempdir");
    for (stdin, max, want) in [
        (Vec::new(), "100", "empty input"),
        (vec![0u8, 1, 2, 3, 0xff, 0xfe, 0, 0], "100", "binary file"),
        (
            b"The council voted on Tuesday to approve the new budget for the coming year.".to_vec(),
            "10",
            "over the size limit",
        ),
    ] {
        let out = stet(repo.path())
            .args(["add", "--json", "--max-size", max, "-"])
            .write_stdin(stdin)
            .timeout(HANG)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1));
        let run = Run {
            code: 1,
            lines: json_lines(&out.stdout),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        assert!(!run.stderr.contains("panicked"));
        assert_refused(&run, "-", want);
    }
    assert_eq!(articles(repo.path()), 0);
}

#[test]
fn a_folder_of_10000_files_with_some_bad_ones() {
    let d = tempfile::tempdir().expect("tempdir");
    let mut bad = 0;
    for i in 0..10_000u32 {
        let p = d.path().join(format!("f{i:05}.txt"));
        match i % 1000 {
            7 => {
                fs::write(&p, b"").expect("write");
                bad += 1;
            }
            8 => {
                fs::write(&p, [0u8, 1, 2, 3, 0, 0, 0, 9]).expect("write");
                bad += 1;
            }
            _ => fs::write(
                &p,
                format!(
                    "Report {i} says the council met on day {} and voted {} to {} on item {i}.",
                    i % 31,
                    i * 7 % 1000,
                    i * 13 % 997
                ),
            )
            .expect("write"),
        }
    }
    let repo = tempfile::tempdir().expect("tempdir");
    let run = add(repo.path(), &[d.path().as_os_str()], None);
    assert_eq!(run.code, 3);
    assert_eq!(run.lines.len(), 10_000);
    assert_eq!(
        run.lines.iter().filter(|o| o["status"] == "error").count(),
        bad
    );
    assert_eq!(
        run.stderr
            .lines()
            .filter(|l| l.starts_with("error: "))
            .count(),
        bad
    );
    assert_eq!(articles(repo.path()), 10_000 - bad as u64);
    let f = d.path().join("f09999.txt");
    assert_archived(repo.path(), &run, &f.to_string_lossy(), "item 9999");
    verify_ok(repo.path());
}

/// A panic (a bug, or damage a dependency does not check) ends in one error line and exit 1,
/// not Rust's panic dump. Debug builds only: they hold the test switch.
#[cfg(debug_assertions)]
#[test]
fn a_panic_ends_in_one_error_line() {
    let repo = tempfile::tempdir().expect("tempdir");
    let out = assert_cmd::Command::cargo_bin("stet")
        .expect("stet")
        .env("STET_REPO", repo.path())
        .env("STET_TEST_PANIC", "1")
        .env_remove("RUST_BACKTRACE")
        .args(["log"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "{err}");
    assert!(err.starts_with("error: internal error: a test asked for a panic"), "{err}");
    assert!(out.stdout.is_empty());
}
