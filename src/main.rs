//! The `stet` command line: parse, run, map errors to exit codes.

mod cli;

/// mimalloc instead of the system allocator: detection allocates many small vectors (sentence
/// signatures, candidate lists); see BENCHMARKS.md for the measured difference. Built without
/// transparent huge pages (`no_thp`): with them, a 500-article add peaked at twice the memory
/// and spent its system time zeroing 2 MB pages on first touch.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // Die quietly on a closed pipe (`stet log | head`), as Unix tools do, instead of
    // reporting a write error.
    #[cfg(unix)]
    // SAFETY: setting a signal disposition to its default before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let code = cli::main();
    std::process::exit(code);
}
