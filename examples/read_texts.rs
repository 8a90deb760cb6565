//! Reads the texts of up to N archived articles in a scattered order and reports the time per
//! read: the cost a fresh `add` pays to rebuild a candidate's profile from its stored text.
//!
//!     cargo run --release --example read_texts -- REPO [N]
fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else { return eprintln!("usage: read_texts REPO [N]") };
    let n: usize = args.next().and_then(|v| v.parse().ok()).unwrap_or(2000);
    let opts = stet::archive::OpenOptions { create: false, ..Default::default() };
    let archive = match stet::archive::Archive::open(std::path::Path::new(&path), opts) {
        Ok(a) => a,
        Err(e) => return eprintln!("{path}: {e}"),
    };
    let ids: Vec<Vec<u8>> = archive.store().iter(stet::archive::ks::ARTICLES).filter_map(Result::ok).map(|(k, _)| k).collect();
    if ids.is_empty() {
        return eprintln!("{path}: no articles");
    }
    // A fixed stride through the id order: scattered over the packs, the same on every run.
    let step = ((ids.len() / n.max(1)).max(1) * 7919 % ids.len().max(1)) | 1;
    let t = std::time::Instant::now();
    let mut bytes = 0usize;
    let mut reads = 0usize;
    for i in 0..n.min(ids.len()) {
        let key = &ids[(i * step) % ids.len()];
        let Some(id) = stet::model::ArticleId::from_slice(key) else { continue };
        match archive.article_required(&id).and_then(|rec| archive.text(&rec)) {
            Ok(text) => {
                bytes += text.len();
                reads += 1;
            }
            Err(e) => eprintln!("{e}"),
        }
    }
    let us = t.elapsed().as_secs_f64() * 1e6 / reads.max(1) as f64;
    println!("{reads} texts ({bytes} bytes) in {:.1} ms: {us:.1} us per record + text", t.elapsed().as_secs_f64() * 1e3);
}
