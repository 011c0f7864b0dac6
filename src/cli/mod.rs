//! The command line (binary only): the flags ([`args`]), one function per command
//! ([`command`]), the documentation commands ([`docs`]), what a run shows on standard error
//! ([`show`]), how failures are reported ([`error`]) and what Ctrl-C does ([`interrupt`]). Only here are flag names known,
//! and only here is anything printed.

mod args;
mod command;
mod docs;
mod error;
mod interrupt;
mod show;

pub use error::CliError;

use args::{Cli, Command};
use clap::Parser;

/// The command line, parsed; a bad flag value is a [`CliError::Flag`].
pub fn parse() -> Result<Cli, CliError> {
    Ok(Cli::try_parse()?)
}

/// Runs the command.
pub fn run(cli: Cli) -> Result<(), CliError> {
    interrupt::install();
    show::install(match (cli.quiet, cli.verbose) {
        (true, _) => show::Level::Quiet,
        (false, true) => show::Level::Verbose,
        (false, false) => show::Level::Normal,
    });
    match cli.command {
        Command::Analyze(args) => command::analyze(*args),
        Command::Build {
            file,
            output,
            config,
        } => command::build(&file, &output, config),
        Command::Config => command::config(),
        Command::Scenario(args) => command::scenario(*args),
        Command::Vulnerable(args) => command::vulnerable(*args),
        Command::Suggest(args) => command::suggest(*args),
        Command::Report(args) => command::report(*args),
        Command::Inspect { file, json, config } => command::inspect(&file, json, config),
        Command::Completions { shell } => docs::completions(shell),
        Command::Man { command } => docs::man(command.as_deref()),
        Command::Help { command } => docs::help(command.as_deref()),
    }
}
