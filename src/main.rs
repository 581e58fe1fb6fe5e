use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = sporbar::cli::Cli::parse();
    sporbar::cli::init_tracing(cli.log_format);
    match sporbar::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
