//! The `stet` command line: parse, run, map errors to exit codes.

mod cli;

fn main() {
    let code = cli::main();
    std::process::exit(code);
}
