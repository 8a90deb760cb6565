//! The `stet` command line: parse, run, map errors to exit codes.

mod cli;

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
