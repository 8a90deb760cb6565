//! End-to-end tests of the everyday commands on the sample articles.

mod common;
use common::{fixtures, json_lines, stet};

#[test]
fn add_seeds_then_again_reports_identical_and_adds_nothing() {
    let repo = tempfile::tempdir().unwrap();
    let out = stet(repo.path()).args(["add", "--json", "seeds"]).assert().success().get_output().stdout.clone();
    let first = json_lines(&out);
    assert_eq!(first.len(), 5);
    assert!(first.iter().all(|o| o["status"] == "added" && o["id"].as_str().unwrap().len() == 64));
    let out = stet(repo.path()).args(["add", "--json", "seeds"]).assert().success().get_output().stdout.clone();
    let again = json_lines(&out);
    assert!(again.iter().all(|o| o["status"] == "identical"));
    let ids = |v: &[serde_json::Value]| v.iter().map(|o| o["id"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(&first), ids(&again));
    let stats = json_lines(&stet(repo.path()).args(["stats", "--json"]).assert().success().get_output().stdout);
    assert_eq!(stats[0]["articles"], 5);
    assert_eq!(stats[0]["captures"], 5);
}

#[test]
fn cat_gives_back_the_original_bytes_and_show_the_text() {
    let repo = tempfile::tempdir().unwrap();
    let out = stet(repo.path()).args(["add", "--json", "seeds/000_856e4ff5e2b4e0a7.txt"]).assert().success().get_output().stdout.clone();
    let id = json_lines(&out)[0]["id"].as_str().unwrap().to_string();
    let original = std::fs::read(fixtures().join("seeds/000_856e4ff5e2b4e0a7.txt")).unwrap();
    stet(repo.path()).args(["cat", &id[..8]]).assert().success().stdout(original);
    let show = json_lines(&stet(repo.path()).args(["show", "--json", &id[..6]]).assert().success().get_output().stdout);
    assert_eq!(show[0]["id"], id.as_str());
    assert!(show[0]["text"].as_str().unwrap().contains("Poddubny"));
    // The capture records the file's absolute path, not the one typed relative to the cwd.
    let absolute = fixtures().join("seeds/000_856e4ff5e2b4e0a7.txt").canonicalize().unwrap();
    assert_eq!(show[0]["captures"][0]["input"], absolute.to_str().unwrap());
}

#[test]
fn log_lists_newest_first_and_verify_passes() {
    let repo = tempfile::tempdir().unwrap();
    let added = json_lines(&stet(repo.path()).args(["add", "--json", "seeds"]).assert().success().get_output().stdout);
    let log = json_lines(&stet(repo.path()).args(["log", "--json"]).assert().success().get_output().stdout);
    let mut want: Vec<_> = added.iter().map(|o| o["id"].clone()).collect();
    want.reverse();
    assert_eq!(log.iter().map(|o| o["id"].clone()).collect::<Vec<_>>(), want);
    stet(repo.path()).arg("verify").assert().success();
}

#[test]
fn bad_inputs_fail_one_by_one_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.txt"), "").unwrap();
    std::fs::write(dir.path().join("blank.txt"), " \n\t\n").unwrap();
    std::fs::write(dir.path().join("binary.bin"), [0u8, 159, 146, 150, 0, 1, 2]).unwrap();
    std::fs::copy(fixtures().join("seeds/001_1848e0611e54fac2.txt"), dir.path().join("good.txt")).unwrap();
    let repo = tempfile::tempdir().unwrap();
    let a = stet(repo.path()).args(["add", "--json"]).arg(dir.path()).arg(dir.path().join("missing.txt")).assert().code(3);
    let out = json_lines(&a.get_output().stdout);
    let stderr = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert_eq!(out.len(), 5);
    assert_eq!(out.iter().filter(|o| o["status"] == "added").count(), 1);
    for o in out.iter().filter(|o| o["status"] == "error") {
        let input = o["input"].as_str().unwrap();
        assert!(!o["error"].as_str().unwrap().is_empty());
        assert!(stderr.lines().any(|l| l.starts_with("error: ") && l.contains(input)), "no error line naming {input} in {stderr}");
    }
    let stats = json_lines(&stet(repo.path()).args(["stats", "--json"]).assert().success().get_output().stdout);
    assert_eq!(stats[0]["articles"], 1);
    assert_eq!(stats[0]["captures"], 1);
    stet(repo.path()).arg("verify").assert().success();
}

#[test]
fn stdin_with_metadata() {
    let repo = tempfile::tempdir().unwrap();
    let out = stet(repo.path())
        .args(["add", "--json", "-", "--url", "https://example.com/a", "--title", "Given title", "--published", "2022-09-10", "--source", "Wire"])
        .write_stdin("Some article text. It has two sentences.\n")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let o = &json_lines(&out)[0];
    assert_eq!(o["input"], "-");
    assert_eq!(o["title"], "Given title");
    let show = json_lines(&stet(repo.path()).args(["show", "--json", &o["id"].as_str().unwrap()[..10]]).assert().success().get_output().stdout);
    assert_eq!(show[0]["url"], "https://example.com/a");
    assert_eq!(show[0]["published"], "2022-09-10T00:00:00Z");
    assert_eq!(show[0]["source"], "Wire");
}

#[test]
fn unknown_and_malformed_ids_are_clear_errors() {
    let repo = tempfile::tempdir().unwrap();
    stet(repo.path()).args(["add", "seeds"]).assert().success();
    let a = stet(repo.path()).args(["show", "zzzz"]).assert().code(2); // usage: not an id at all
    assert!(String::from_utf8_lossy(&a.get_output().stderr).contains("not an article id"));
    let a = stet(repo.path()).args(["show", "0000000000"]).assert().code(1);
    assert!(String::from_utf8_lossy(&a.get_output().stderr).contains("no article matches"));
}

#[test]
fn usage_errors_exit_2_and_completions_work() {
    let repo = tempfile::tempdir().unwrap();
    stet(repo.path()).args(["add"]).assert().code(2);
    stet(repo.path()).args(["frobnicate"]).assert().code(2);
    stet(repo.path()).args(["completions", "bash"]).assert().success().stdout(predicates::str::contains("_stet"));
}

/// Every `add` ends with its articles in pack files and sled's folder small; the next `add`,
/// reads and `verify` work across packs.
#[test]
fn add_leaves_everything_packed_and_readable() {
    let repo = tempfile::tempdir().unwrap();
    let first = json_lines(&stet(repo.path()).args(["add", "--json", "seeds/000_856e4ff5e2b4e0a7.txt"]).assert().success().get_output().stdout);
    let packs = |r: &std::path::Path| std::fs::read_dir(r.join("packs")).map_or(0, |d| d.filter(|e| e.as_ref().is_ok_and(|e| e.path().extension().is_some_and(|x| x == "stp"))).count());
    assert_eq!(packs(repo.path()), 1);
    let rest = json_lines(&stet(repo.path()).args(["add", "--json", "seeds"]).assert().success().get_output().stdout);
    assert_eq!(rest.iter().filter(|o| o["status"] == "added").count(), 4);
    assert!(packs(repo.path()) >= 1);
    let db: u64 = std::fs::read_dir(repo.path().join("db")).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum();
    assert!(db < 1 << 20, "sled's folder holds {db} bytes after packing");
    let id = first[0]["id"].as_str().unwrap();
    let original = std::fs::read(fixtures().join("seeds/000_856e4ff5e2b4e0a7.txt")).unwrap();
    stet(repo.path()).args(["cat", id]).assert().success().stdout(original);
    stet(repo.path()).args(["verify"]).assert().success();
    let marker = std::fs::read_to_string(repo.path().join("stet-repository")).unwrap();
    assert!(marker.contains("format 5"), "{marker}");
}

/// Regression: `add --url U A B` recorded B as a `version` of A (score 0.00), two unrelated
/// articles linked by the one url given for both.
#[test]
fn one_url_or_title_for_several_inputs_is_a_usage_error() {
    let repo = tempfile::tempdir().unwrap();
    for flag in ["--url", "--title"] {
        let a = stet(repo.path()).args(["add", flag, "x", "seeds/003_0340407d416bbbc1.txt", "seeds/004_e346fb210af27363.txt"]).assert().code(2);
        assert!(String::from_utf8_lossy(&a.get_output().stderr).contains("names one article"));
    }
    assert!(!repo.path().join("packs").exists(), "nothing archived");
    stet(repo.path()).args(["add", "--source", "Wire", "--published", "2022-09-10", "seeds"]).assert().success();
}

/// Regression: `dups --kind identical` listed nothing although DESIGN lists identical
/// captures (one article archived from several inputs) with `dups`.
#[test]
fn identical_captures_are_listed_by_dups() {
    let repo = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.txt");
    let mut text = std::fs::read(fixtures().join("seeds/001_1848e0611e54fac2.txt")).unwrap();
    text.extend_from_slice(b"\n\n\n");
    std::fs::write(&copy, text).unwrap();
    stet(repo.path()).args(["add", "-q", "seeds"]).assert().success();
    stet(repo.path()).args(["add", "-q"]).arg(&copy).assert().success();
    let listed = json_lines(&stet(repo.path()).args(["dups", "--kind", "identical", "--json"]).assert().success().get_output().stdout);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["kind"], "identical");
    assert_eq!(listed[0]["a"], listed[0]["b"]);
    assert_eq!(listed[0]["captures"].as_array().map(Vec::len), Some(2));
    let id = listed[0]["a"].as_str().unwrap();
    let human = stet(repo.path()).args(["dups", &id[..8]]).assert().success().get_output().stdout.clone();
    assert!(String::from_utf8_lossy(&human).contains("2 captures"));
    // The whole-archive listing stays relations only (finding identical captures reads every record).
    let all = json_lines(&stet(repo.path()).args(["dups", "--json"]).assert().success().get_output().stdout);
    assert!(all.iter().all(|o| o["kind"] != "identical"));
}

/// Regression: a byte-identical copy of an archived file under another path was reported
/// `identical` and left no capture (DESIGN: a capture for every input that produced the text);
/// the same file added again still adds none.
#[test]
fn a_byte_identical_copy_under_another_path_is_a_capture() {
    let repo = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("elsewhere.txt");
    std::fs::copy(fixtures().join("seeds/001_1848e0611e54fac2.txt"), &copy).unwrap();
    let first = json_lines(&stet(repo.path()).args(["add", "--json", "seeds/001_1848e0611e54fac2.txt"]).assert().success().get_output().stdout);
    let id = first[0]["id"].as_str().unwrap().to_string();
    for _ in 0..2 {
        let again = json_lines(&stet(repo.path()).args(["add", "--json"]).arg(&copy).assert().success().get_output().stdout);
        assert_eq!(again[0]["status"], "identical");
    }
    // The first file typed another way is the same input, not a third capture.
    stet(repo.path()).args(["add", "-q", "./seeds/../seeds/001_1848e0611e54fac2.txt"]).assert().success();
    let show = json_lines(&stet(repo.path()).args(["show", "--json", &id]).assert().success().get_output().stdout);
    let inputs: Vec<&str> = show[0]["captures"].as_array().unwrap().iter().map(|c| c["input"].as_str().unwrap()).collect();
    let first_path = fixtures().join("seeds/001_1848e0611e54fac2.txt").canonicalize().unwrap();
    let copy_path = copy.canonicalize().unwrap();
    assert_eq!(inputs, vec![first_path.to_str().unwrap(), copy_path.to_str().unwrap()]);
    // Both captures name the same stored bytes, which `cat` gives back.
    let original = std::fs::read(&copy).unwrap();
    stet(repo.path()).args(["cat", &id[..8]]).assert().success().stdout(original);
}

#[test]
fn an_html_report_to_dash_goes_to_standard_output() {
    let repo = tempfile::tempdir().unwrap();
    let out = stet(repo.path()).args(["add", "--json", "seeds/000_856e4ff5e2b4e0a7.txt", "seeds/002_cd06db6dfbca252d.txt"]).assert().success().get_output().stdout.clone();
    let ids: Vec<String> = json_lines(&out).iter().map(|o| o["id"].as_str().unwrap()[..8].to_string()).collect();
    let page = stet(repo.path()).args(["diff", "--html", "-", &ids[0], &ids[1]]).assert().success().get_output().stdout.clone();
    assert!(String::from_utf8_lossy(&page).starts_with("<!DOCTYPE html>"));
    assert!(!repo.path().join("-").exists() && !std::path::Path::new("-").exists());
}

#[test]
fn a_missing_repository_is_named_with_how_to_create_it() {
    let dir = tempfile::tempdir().unwrap();
    let a = stet(&dir.path().join("none")).args(["log"]).assert().code(1);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(err.contains("no repository at") && err.contains("stet add"), "{err}");
}

/// Regression: `add` said "rewrite of X" for every relation, also when the new article was the
/// parent (published earlier, archived later), while `dups` and `lineage` named it the parent.
#[test]
fn add_words_the_relation_by_its_direction() {
    let repo = tempfile::tempdir().unwrap();
    stet(repo.path()).args(["add", "-q", "--published", "2022-09-12", "seeds/002_cd06db6dfbca252d.txt"]).assert().success();
    let out = stet(repo.path()).args(["add", "--color", "never", "--published", "2022-09-10", "seeds/000_856e4ff5e2b4e0a7.txt"]).assert().success().get_output().stdout.clone();
    let line = String::from_utf8_lossy(&out);
    assert!(line.contains(" - rewritten as "), "{line}");
    let dups = json_lines(&stet(repo.path()).args(["dups", "--json"]).assert().success().get_output().stdout);
    let added = json_lines(&stet(repo.path()).args(["log", "--json"]).assert().success().get_output().stdout);
    // log is newest first: 000, archived second, is the parent.
    assert_eq!(dups[0]["parent"], added[0]["id"]);
}

/// Standard input can be read once: `add - -` archived it, then failed on an empty second read.
#[test]
fn standard_input_twice_is_a_usage_error() {
    let repo = tempfile::tempdir().unwrap();
    stet(repo.path()).args(["add", "-", "-"]).write_stdin("A story.").assert().code(2);
}

/// Regression: `log`, `lineage` and `dups --families` showed the publication date when known
/// and the archive date otherwise in one column, unmarked; a 2026 archive date then read as the
/// parent's publication date above a 2021 child.
#[test]
fn archive_dates_are_never_shown_as_publication_dates() {
    let repo = tempfile::tempdir().unwrap();
    stet(repo.path()).args(["add", "-q", "--published", "2022-09-10", "seeds/000_856e4ff5e2b4e0a7.txt"]).assert().success();
    stet(repo.path()).args(["add", "-q", "seeds/002_cd06db6dfbca252d.txt"]).assert().success();
    let text = |args: &[&str]| String::from_utf8_lossy(&stet(repo.path()).args(args).assert().success().get_output().stdout).into_owned();
    let log = text(&["log", "--color", "never"]);
    let lines: Vec<&str> = log.lines().collect();
    assert!(lines[0].contains("2026-01-02") && !lines[0].contains("published"), "{log}");
    assert!(lines[1].contains("2026-01-02") && lines[1].ends_with("published 2022-09-10"), "{log}");
    let tree = text(&["lineage", "--color", "never", &lines[0][..8]]);
    assert!(tree.contains("· 2022-09-10") && tree.contains("· archived 2026-01-02"), "{tree}");
    let families = text(&["dups", "--families", "--color", "never"]);
    assert!(families.contains(" 2022-09-10 ") && families.contains(" archived 2026-01-02 "), "{families}");
}

/// Regression: `dups` and `diff` gave one pair different coverage and verbatim figures with
/// nothing to say why. `diff` now shows the relation detection recorded, with dups' figures
/// (oriented to diff's sides), above its own alignment's summary.
#[test]
fn diff_shows_the_recorded_relation_with_the_figures_dups_gives() {
    let repo = tempfile::tempdir().unwrap();
    stet(repo.path()).args(["add", "-q", "seeds"]).assert().success();
    let pairs = json_lines(&stet(repo.path()).args(["dups", "--json"]).assert().success().get_output().stdout);
    assert_eq!(pairs.len(), 1);
    let p = &pairs[0];
    let (a, b) = (p["a"].as_str().unwrap(), p["b"].as_str().unwrap());
    // Sides swapped: the figures follow them.
    let d = json_lines(&stet(repo.path()).args(["diff", "--json", b, a]).assert().success().get_output().stdout);
    let rel = &d[0]["relation"];
    assert_eq!(rel["kind"], p["kind"]);
    assert_eq!(rel["score"], p["score"]);
    assert_eq!(rel["coverage_a"], p["coverage_b"]);
    assert_eq!(rel["coverage_b"], p["coverage_a"]);
    assert_eq!(rel["verbatim"], p["verbatim"]);
    assert_eq!(rel["parent"], if p["parent"] == a { "b" } else { "a" });
    let human = stet(repo.path()).args(["diff", a, b]).assert().success().get_output().stdout.clone();
    let human = String::from_utf8_lossy(&human);
    let line = human.lines().nth(2).unwrap();
    assert!(line.starts_with("relation   rewrite, score 0.29, a is the parent; as detected: a "), "{human}");
    // Two unrelated articles: no relation, said so.
    let log = json_lines(&stet(repo.path()).args(["log", "--json"]).assert().success().get_output().stdout);
    let other = log.iter().map(|o| o["id"].as_str().unwrap()).find(|id| *id != a && *id != b).unwrap();
    let d = json_lines(&stet(repo.path()).args(["diff", "--json", a, other]).assert().success().get_output().stdout);
    assert!(d[0]["relation"].is_null());
    let human = stet(repo.path()).args(["diff", a, other]).assert().success().get_output().stdout.clone();
    assert!(String::from_utf8_lossy(&human).contains("relation   none recorded"));
}

/// Regression: `stats` lines began with a space and ended with padding.
#[test]
fn stats_lines_have_no_padding_around_them() {
    let repo = tempfile::tempdir().unwrap();
    stet(repo.path()).args(["add", "-q", "seeds"]).assert().success();
    let out = stet(repo.path()).args(["stats"]).assert().success().get_output().stdout.clone();
    let out = String::from_utf8_lossy(&out);
    assert!(out.lines().count() >= 8, "{out}");
    assert!(out.lines().all(|l| !l.starts_with(' ') && !l.ends_with(' ')), "{out:?}");
    assert!(out.lines().next().is_some_and(|l| l.starts_with("articles") && l.ends_with(" 5")), "{out}");
}

/// Regression: a longer article archived after a shorter one it holds was said to be an
/// "excerpt of" it, although without dates the shorter, contained text is the parent.
#[test]
fn add_words_an_excerpt_by_which_side_holds_the_other() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixtures().join("seeds/000_856e4ff5e2b4e0a7.txt")).unwrap();
    let paragraphs: Vec<&str> = text.split("\n\n").collect();
    let short = dir.path().join("short.txt");
    std::fs::write(&short, paragraphs[..paragraphs.len() * 2 / 5].join("\n\n")).unwrap();
    let long = fixtures().join("seeds/000_856e4ff5e2b4e0a7.txt");
    let line = |repo: &std::path::Path, path: &std::path::Path| {
        let out = stet(repo).args(["add", "--color", "never"]).arg(path).assert().success().get_output().stdout.clone();
        String::from_utf8_lossy(&out).into_owned()
    };
    let repo = tempfile::tempdir().unwrap();
    line(repo.path(), &short);
    let l = line(repo.path(), &long);
    assert!(l.contains(" - quotes "), "{l}");
    let repo = tempfile::tempdir().unwrap();
    line(repo.path(), &long);
    let l = line(repo.path(), &short);
    assert!(l.contains(" - quoted in "), "{l}");
}

/// A run over several inputs ends with what it came to, on stderr (stdout keeps one line per
/// input); `-q` leaves it out.
#[test]
fn add_of_several_inputs_ends_with_a_summary_on_stderr() {
    let repo = tempfile::tempdir().unwrap();
    let out = stet(repo.path()).args(["add", "seeds"]).assert().success().get_output().clone();
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 5);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().last(), Some("5 inputs: 5 added (1 related to archived articles), 0 identical, 0 failed"), "{err}");
    let again = stet(repo.path()).args(["add", "-q", "seeds"]).assert().success().get_output().stderr.clone();
    assert!(again.is_empty(), "{}", String::from_utf8_lossy(&again));
}

/// With no memory for cached profiles every candidate's profile is rebuilt from its archived
/// text (in parallel): the relations found are the same.
#[test]
fn detection_without_a_profile_cache_finds_the_same_relations() {
    let relations = |cache_mb: &str| {
        let repo = tempfile::tempdir().unwrap();
        let out = stet(repo.path()).env("STET_PROFILE_CACHE_MB", cache_mb).args(["add", "--json", "seeds"]).assert().success().get_output().stdout.clone();
        json_lines(&out).iter().map(|o| (o["input"].clone(), o["relations"].clone())).collect::<Vec<_>>()
    };
    let cached = relations("256");
    assert!(cached.iter().any(|(_, r)| r.as_array().is_some_and(|r| !r.is_empty())), "the seeds hold one rewrite");
    assert_eq!(relations("0"), cached);
    let repo = tempfile::tempdir().unwrap();
    stet(repo.path())
        .env("STET_PROFILE_CACHE_MB", "lots")
        .args(["add", "seeds"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("STET_PROFILE_CACHE_MB"));
}

#[test]
fn shell_completion_offers_the_relation_kinds() {
    let repo = tempfile::tempdir().unwrap();
    let script = stet(repo.path()).args(["completions", "bash"]).assert().success().get_output().stdout.clone();
    assert!(String::from_utf8_lossy(&script).contains("near-duplicate excerpt rewrite version identical"));
    stet(repo.path()).args(["dups", "--kind", "rewrites"]).assert().code(2);
}

#[test]
fn side_by_side_fits_its_header_to_the_width_too() {
    let repo = tempfile::tempdir().unwrap();
    stet(repo.path()).args(["add", "seeds"]).assert().success();
    for width in ["60", "80"] {
        let out = stet(repo.path()).args(["diff", "--side-by-side", "--width", width, "d20e", "2192"]).assert().success().get_output().stdout.clone();
        let text = String::from_utf8(out).unwrap();
        let w: usize = width.parse().unwrap();
        for line in text.lines() {
            assert!(line.chars().count() <= w, "{} columns at --width {width}: {line}", line.chars().count());
        }
    }
}
