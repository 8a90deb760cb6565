//! Rewrites every pack of a repository into one (in the current pack format), for measuring.
//!
//!     cargo run --release --example repack -- REPO
//!
//! Packs merge into fewer, larger ones on their own as an archive grows; this merges all of
//! them at once, so that an archive written by an older build can be timed with this build's
//! packs (e.g. pack format 2's filter, read on demand).
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: repack REPO")?;
    let store = stet_store::Store::open(std::path::Path::new(&path), stet_store::StoreOptions::default())?;
    let t = std::time::Instant::now();
    let merged = store.merge_small_packs(u64::MAX)?;
    println!("merged: {merged} in {:.1} s", t.elapsed().as_secs_f64());
    Ok(())
}
