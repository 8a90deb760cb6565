//! Micro-benchmarks of the per-article hot paths: hashing, extraction, normalisation,
//! profiling (sentence signatures and fingerprints), candidate lookup, alignment.
//!
//!     cargo bench --bench micro
//!
//! Inputs are the repository's own fixtures (tests/fixtures), so the figures are comparable
//! across machines and sessions; BENCHMARKS.md lists the last run.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use stet::detect::{self, Corpus, MemoryCorpus};

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(path)).expect("fixture")
}

fn seed(n: usize) -> String {
    let names = [
        "000_856e4ff5e2b4e0a7.txt",
        "001_1848e0611e54fac2.txt",
        "002_cd06db6dfbca252d.txt",
        "003_0340407d416bbbc1.txt",
        "004_e346fb210af27363.txt",
    ];
    let bytes = fixture(&format!("seeds/{}", names[n]));
    stet::text::normalize(&stet::extract::extract(&bytes, names[n]).expect("seed extracts").text)
}

fn benches(c: &mut Criterion) {
    let html = fixture("html/wired_001.html");
    let (a, b) = (seed(0), seed(2));

    let mut g = c.benchmark_group("bytes");
    g.throughput(Throughput::Bytes(html.len() as u64));
    g.bench_function("blake3 (html page)", |bch| bch.iter(|| blake3::hash(black_box(&html))));
    g.bench_function("extract (html page)", |bch| bch.iter(|| stet::extract::extract(black_box(&html), "wired.html")));
    g.finish();

    let mut g = c.benchmark_group("text");
    g.throughput(Throughput::Bytes(a.len() as u64));
    g.bench_function("normalize (seed 000)", |bch| bch.iter(|| stet::text::normalize(black_box(&a))));
    g.bench_function("sentences (seed 000)", |bch| bch.iter(|| stet::text::sentences(black_box(&a))));
    g.bench_function("profile (seed 000)", |bch| bch.iter(|| detect::profile(black_box(&a))));
    g.finish();

    let (pa, pb) = (detect::profile(&a), detect::profile(&b));
    let mut corpus = MemoryCorpus::default();
    for n in [0, 1, 3, 4] {
        corpus.add(detect::profile(&seed(n)));
    }
    let feats = pb.index_features();
    let mut g = c.benchmark_group("detect");
    g.bench_function("candidate lookup (counts + postings of seed 002's features)", |bch| {
        bch.iter(|| {
            let mut n = 0u64;
            for &f in &feats {
                n += corpus.feature_count(f).unwrap_or(0);
                let _ = corpus.visit_postings(f, 200, &mut |_| n += 1);
            }
            n
        })
    });
    g.bench_function("align 000 / 002 (sentence alignment)", |bch| {
        bch.iter(|| detect::compare(black_box(&pa), black_box(&pb), &|_| 1.0, stet::align::MIN_SIM))
    });
    g.bench_function("detect 002 against 4 seeds (candidates + verification)", |bch| {
        bch.iter(|| detect::detect(black_box(&pb), &corpus))
    });
    g.finish();
}

criterion_group!(micro, benches);
criterion_main!(micro);
