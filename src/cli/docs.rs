//! The commands that print documentation made from the clap definitions themselves: shell
//! completions (`clap_complete`), the manual pages (`clap_mangen`) and `help`. The only module
//! that knows those two crates.

use super::args::Cli;
use super::error::CliError;
use clap::{CommandFactory, Parser};
use std::io::Write;

/// `servicegap completions SHELL`: the completion script on standard output.
pub fn completions(shell: clap_complete::Shell) -> Result<(), CliError> {
    // Made in memory and then written: the generators give up on a closed pipe by panicking.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "servicegap", &mut script);
    print(&script)
}

/// `servicegap man [COMMAND]`: the main page, which lists the commands, or one command's page
/// (`servicegap-COMMAND`), as roff on standard output.
pub fn man(command: Option<&str>) -> Result<(), CliError> {
    let mut cli = Cli::command();
    // Built, the commands know their full names (`servicegap-analyze`) for their pages.
    cli.build();
    let page = match command.and_then(|name| cli.find_subcommand(name)) {
        Some(sub) => clap_mangen::Man::new(sub.clone()),
        None => clap_mangen::Man::new(cli),
    };
    let page = page.source(concat!("servicegap ", env!("CARGO_PKG_VERSION")));
    let mut roff = Vec::new();
    page.render(&mut roff)?;
    print(&roff)
}

/// `servicegap help [COMMAND]`: the help of servicegap or of one command, as `--help` prints
/// it (clap's text and exit code).
pub fn help(command: Option<&str>) -> Result<(), CliError> {
    let argv = ["servicegap"].into_iter().chain(command).chain(["--help"]);
    match Cli::try_parse_from(argv) {
        Err(help) => Err(CliError::Clap(help)),
        // `--help` always stops parsing; should it not, there is nothing more to say.
        Ok(_) => Ok(()),
    }
}

fn print(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}
