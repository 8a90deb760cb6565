//! `stet completions`: a shell completion script on stdout.

use super::{exit, Cli, CliError};
use clap::CommandFactory;

/// Arguments of `stet completions`.
#[derive(clap::Args, Debug)]
pub struct CompletionsArgs {
    /// The shell
    shell: clap_complete::Shell,
}

/// Runs `stet completions`.
pub fn cmd_completions(args: &CompletionsArgs) -> Result<i32, CliError> {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "stet", &mut std::io::stdout());
    Ok(exit::OK)
}
