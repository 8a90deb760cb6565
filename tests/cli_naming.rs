//! Every command names an article the same ways: id, prefix, url (latest version), `URL@N`.

mod common;
use common::stet;

#[test]
fn show_cat_and_dups_take_a_url_and_url_at_n_like_diff_does() {
    let repo = tempfile::tempdir().unwrap();
    let seed = "seeds/000_856e4ff5e2b4e0a7.txt";
    stet(repo.path()).args(["add", "--url", "https://news.example/world/1", seed]).assert().success();
    let by_id = stet(repo.path()).args(["show", "--json", "d20e"]).assert().success().get_output().stdout.clone();
    for name in ["https://news.example/world/1", "news.example/world/1", "news.example/world/1@1"] {
        let shown = stet(repo.path()).args(["show", "--json", name]).assert().success().get_output().stdout.clone();
        assert_eq!(shown, by_id, "{name}");
        stet(repo.path()).args(["cat", name]).assert().success();
        stet(repo.path()).args(["dups", name]).assert().code(1);
    }
    let out = stet(repo.path()).args(["show", "news.example/nowhere"]).assert().code(1).get_output().clone();
    assert!(String::from_utf8_lossy(&out.stderr).contains("no article archived under news.example/nowhere"));
    let out = stet(repo.path()).args(["show", "news.example/world/1@2"]).assert().code(1).get_output().clone();
    assert!(String::from_utf8_lossy(&out.stderr).contains("has 1 archived versions, not 2"));
}

#[test]
fn cat_text_ends_its_last_line() {
    let repo = tempfile::tempdir().unwrap();
    stet(repo.path()).args(["add", "seeds/000_856e4ff5e2b4e0a7.txt"]).assert().success();
    let text = stet(repo.path()).args(["cat", "--text", "d20e"]).assert().success().get_output().stdout.clone();
    assert!(text.ends_with(b".\n"), "{:?}", String::from_utf8_lossy(&text[text.len() - 20..]));
    assert!(!text.ends_with(b"\n\n"));
}

#[test]
fn a_url_ending_in_at_digits_is_a_url_first() {
    let repo = tempfile::tempdir().unwrap();
    stet(repo.path()).args(["add", "--url", "https://blog.example/@1234", "seeds/000_856e4ff5e2b4e0a7.txt"]).assert().success();
    let shown = stet(repo.path()).args(["show", "--json", "blog.example/@1234"]).assert().success().get_output().stdout.clone();
    assert!(String::from_utf8_lossy(&shown).contains("d20eb98e"));
    stet(repo.path()).args(["dups", "--kind", "near", "blog.example/@1234"]).assert().code(1);
}
