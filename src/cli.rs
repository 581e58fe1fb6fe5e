//! The command line: parsing (clap) and the glue from each subcommand to
//! the library. `main.rs` only calls [`run`].

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};
use uuid::Uuid;

use crate::store::{EventFilter, SqliteStore, StoreOptions, StoredEvent};

#[derive(Debug, Parser)]
#[command(
    name = "sporbar",
    version,
    about = "Event-sourced tracker for municipal digital-transformation strategies"
)]
pub struct Cli {
    /// Log line format.
    #[arg(
        long,
        global = true,
        value_enum,
        env = "SPORBAR_LOG_FORMAT",
        default_value = "text"
    )]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// The annual status report as a self-contained HTML page.
    Html,
    /// The annual status report in Markdown.
    Markdown,
    /// Goals, actions and benefits as one workbook.
    Xlsx,
    /// Goals with status, as CSV.
    GoalsCsv,
    /// Actions with budget per year, as CSV (the layout `import` reads).
    ActionsCsv,
    /// Benefits, as CSV.
    BenefitsCsv,
}

#[derive(Debug, Args)]
pub struct DbArg {
    /// The SQLite database file.
    #[arg(long, env = "SPORBAR_DB", default_value = "sporbar.db")]
    pub db: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the GraphQL API, GraphiQL and the web page.
    Serve {
        #[command(flatten)]
        db: DbArg,
        /// Address to listen on; port 0 picks a free port (the log says which).
        #[arg(long, env = "SPORBAR_LISTEN", default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
        /// Largest request body accepted, in bytes.
        #[arg(long, env = "SPORBAR_BODY_LIMIT", default_value_t = crate::api::BODY_LIMIT)]
        body_limit: usize,
        /// Longest a request may take, in seconds.
        #[arg(long, env = "SPORBAR_REQUEST_TIMEOUT", default_value_t = crate::api::REQUEST_TIMEOUT.as_secs())]
        request_timeout: u64,
        /// Load the demo data first (the source documents as plan files);
        /// data already loaded is not loaded twice.
        #[arg(long, env = "SPORBAR_DEMO")]
        demo: bool,
        /// Let anyone read without a token (the public web page). Anonymous
        /// readers never see who made a change, and never change anything.
        #[arg(long, env = "SPORBAR_PUBLIC_READ")]
        public_read: bool,
        /// Deepest GraphQL query accepted.
        #[arg(long, env = "SPORBAR_MAX_DEPTH", default_value_t = crate::api::Limits::default().max_depth)]
        max_depth: usize,
        /// Most a GraphQL query of an anonymous reader, reader or editor may
        /// cost (a field costs what it does: see the README's Limits).
        #[arg(long, env = "SPORBAR_MAX_COST", default_value_t = crate::api::CostLimits::default().public)]
        max_cost: usize,
        /// Most a GraphQL query of an auditor or admin may cost.
        #[arg(long, env = "SPORBAR_MAX_COST_AUDITOR", default_value_t = crate::api::CostLimits::default().auditor)]
        max_cost_auditor: usize,
        /// Seconds a client may take to send a request's headers, and sit
        /// idle between requests on a kept-alive connection.
        #[arg(long, env = "SPORBAR_HEADER_TIMEOUT", default_value_t = crate::api::HEADER_TIMEOUT.as_secs())]
        header_timeout: u64,
        /// Most connections open at once, HTTP and WebSocket; past it a new
        /// one is answered 503. Keep it below the process's file limit.
        #[arg(long, env = "SPORBAR_MAX_CONNECTIONS", default_value_t = crate::api::MAX_CONNECTIONS)]
        max_connections: usize,
        /// Most connections open at once from one address (behind a reverse
        /// proxy, every client has the proxy's: raise it there).
        #[arg(long, env = "SPORBAR_MAX_CONNECTIONS_PER_ADDRESS", default_value_t = crate::api::MAX_CONNECTIONS_PER_ADDRESS)]
        max_connections_per_address: usize,
        /// Seconds the server waits for requests in flight when it stops.
        #[arg(long, env = "SPORBAR_SHUTDOWN_TIMEOUT", default_value_t = crate::api::SHUTDOWN_TIMEOUT.as_secs())]
        shutdown_timeout: u64,
        /// Largest page a list query returns.
        #[arg(long, env = "SPORBAR_MAX_PAGE_SIZE", default_value_t = crate::api::Limits::default().max_page_size)]
        max_page_size: usize,
        /// Requests per second a client (token, or address when anonymous)
        /// may send, sustained; 0 turns the limit off.
        #[arg(long, env = "SPORBAR_RATE_LIMIT", default_value_t = crate::api::RATE_LIMIT.per_second)]
        rate_limit: u32,
        /// Requests a client may send at once before the rate limit applies.
        #[arg(long, env = "SPORBAR_RATE_BURST", default_value_t = crate::api::RATE_LIMIT.burst)]
        rate_burst: u32,
        /// A browser origin allowed to call the API (CORS), e.g.
        /// https://intranett.kommune.no; repeat for more; none means CORS is off.
        #[arg(
            long = "cors-origin",
            env = "SPORBAR_CORS_ORIGINS",
            value_delimiter = ','
        )]
        cors_origins: Vec<String>,
    },
    /// Create, list and revoke API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Put a backup in place of the database: the backup is checked (it
    /// must be a Sporbar database whose hash chain verifies) before it
    /// replaces anything. Stop the server first.
    Restore {
        #[command(flatten)]
        db: DbArg,
        /// The backup file (from `sporbar backup`).
        #[arg(long)]
        from: PathBuf,
        /// Replace an existing database; it is kept beside it as
        /// `<db>.before-restore-<time>`, never deleted.
        #[arg(long)]
        force: bool,
    },
    /// Load the demo data: Kongsbergregionen 2015–2018, IKT Orkidé 2018–2021
    /// and 2022–2025, Digitale Helgeland.
    Demo(DbArg),
    /// Import a plan file (docs/plan-format.md), or an action plan
    /// spreadsheet (.xlsx/.csv, docs/spreadsheet-format.md) into a strategy:
    /// only the differences from the log are appended, all or nothing.
    Import {
        #[command(flatten)]
        db: DbArg,
        /// The strategy a spreadsheet's actions belong to.
        #[arg(long)]
        strategy: Option<Uuid>,
        /// The plan file (.toml) or spreadsheet (.xlsx, .csv).
        file: PathBuf,
    },
    /// Export, now or at any moment: an organization as a plan file
    /// (`--organization`), or a strategy (`--strategy`) as its annual status
    /// report, an .xlsx workbook or CSV tables.
    Export {
        #[command(flatten)]
        db: DbArg,
        /// The organization to write as a plan file.
        #[arg(
            long,
            conflicts_with = "strategy",
            required_unless_present = "strategy"
        )]
        organization: Option<Uuid>,
        /// The strategy to export.
        #[arg(long)]
        strategy: Option<Uuid>,
        /// What to write for a strategy.
        #[arg(long, value_enum, default_value = "html")]
        format: ExportFormat,
        /// The annual report's year: the status per 31 December.
        #[arg(long, required_if_eq_any([("format", "html"), ("format", "markdown")]), requires = "strategy")]
        year: Option<i32>,
        /// The world at this date (default: every date for a plan file, today for tables).
        #[arg(long)]
        valid_at: Option<chrono::NaiveDate>,
        /// What the system knew at this instant (RFC 3339; default: now).
        #[arg(long)]
        as_of: Option<DateTime<Utc>>,
        /// Write to this file instead of standard output (needed for xlsx).
        #[arg(long)]
        to: Option<PathBuf>,
    },
    /// Throw the read models away and rebuild them from the event log.
    Rebuild(DbArg),
    /// Recompute the hash chain; exit non-zero naming the first bad position.
    Verify {
        #[command(flatten)]
        db: DbArg,
        /// After verifying, write the head's position and hash to this file,
        /// for the auditor to keep elsewhere.
        #[arg(long, conflicts_with = "against")]
        checkpoint: Option<PathBuf>,
        /// Also prove that the log up to a kept checkpoint is unchanged and
        /// that nothing was removed from its end.
        #[arg(long)]
        against: Option<PathBuf>,
    },
    /// Write a consistent copy of the database, also while it is in use.
    Backup {
        #[command(flatten)]
        db: DbArg,
        /// The file to write; must not exist.
        #[arg(long)]
        to: PathBuf,
    },
    /// Print the log as JSON lines.
    Events {
        #[command(flatten)]
        db: DbArg,
        /// Only this stream (entity id).
        #[arg(long)]
        stream: Option<Uuid>,
        /// Only this event type, e.g. GoalAssessed.
        #[arg(long = "type")]
        event_type: Option<String>,
        /// Only events recorded at or after this instant (RFC 3339).
        #[arg(long)]
        from: Option<DateTime<Utc>>,
        /// Only events recorded before this instant (RFC 3339).
        #[arg(long)]
        until: Option<DateTime<Utc>>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print its secret: it is shown this once and
    /// stored only as a hash.
    Create {
        #[command(flatten)]
        db: DbArg,
        /// A unique name, recorded as the actor (`token:<name>`) of every
        /// change made with the token, e.g. "kari.nordmann": a–z, 0–9, '.',
        /// '_' and '-', starting with a letter, and not an id.
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        role: crate::access::Role,
        /// An organization an editor may change; repeat for more.
        #[arg(long = "organization")]
        organizations: Vec<Uuid>,
    },
    /// List every token (never the secrets), revoked ones too.
    List(DbArg),
    /// Revoke a token by id or name; it stops working within seconds.
    Revoke {
        #[command(flatten)]
        db: DbArg,
        /// The token's id (matched first) or name.
        token: String,
    },
}

pub fn init_tracing(format: LogFormat) {
    use std::io::IsTerminal;
    // The embedded files' server lists every file it loads at INFO.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,memory_serve=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colours for a person at a terminal, not for journald or a file.
        .with_ansi(std::io::stderr().is_terminal());
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// Runs one subcommand. The exit code is 0 on success; errors are returned.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve {
            db,
            listen,
            body_limit,
            request_timeout,
            demo,
            public_read,
            max_depth,
            max_cost,
            max_cost_auditor,
            header_timeout,
            max_connections,
            max_connections_per_address,
            shutdown_timeout,
            max_page_size,
            rate_limit,
            rate_burst,
            cors_origins,
        } => {
            use std::time::Duration;
            let settings = crate::api::Settings {
                limits: crate::api::Limits {
                    body_limit,
                    request_timeout: Duration::from_secs(request_timeout),
                    max_depth,
                    max_cost: crate::api::CostLimits {
                        public: max_cost,
                        auditor: max_cost_auditor,
                    },
                    max_page_size,
                    rate: (rate_limit > 0).then_some(crate::api::RateLimit {
                        per_second: rate_limit,
                        burst: rate_burst.max(1),
                    }),
                    header_timeout: Duration::from_secs(header_timeout.max(1)),
                    max_connections: max_connections.max(1),
                    max_connections_per_address: max_connections_per_address.max(1),
                    shutdown_timeout: Duration::from_secs(shutdown_timeout),
                    ..crate::api::Limits::default()
                },
                public_read,
                cors_origins,
            };
            serve(&db.db, listen, settings, demo)?
        }
        Command::Token(command) => token(command)?,
        Command::Restore { db, from, force } => restore(&db.db, &from, force)?,
        Command::Demo(db) => {
            let store = SqliteStore::open(&db.db, writing())
                .with_context(|| format!("opening database '{}'", db.db.display()))?;
            for (name, report) in crate::plan::load_demo(&store, crate::api::today())? {
                println!("{name}: {} events appended", report.events);
            }
        }
        Command::Import { db, strategy, file } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading '{}'", file.display()))?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let store = SqliteStore::open(&db.db, writing())
                .with_context(|| format!("opening database '{}'", db.db.display()))?;
            let today = crate::api::today();
            let report = if name.ends_with(".xlsx") || name.ends_with(".csv") {
                let strategy = strategy.context(
                    "a spreadsheet needs --strategy ID: the strategy its actions belong to",
                )?;
                crate::plan::import_sheet(&store, &name, &bytes, strategy, today)?
            } else {
                let text = String::from_utf8(bytes)
                    .with_context(|| format!("'{}' is not UTF-8 text", file.display()))?;
                crate::plan::import(&store, &name, &text, today)?
            };
            println!(
                "imported '{}': {} commands, {} events appended",
                file.display(),
                report.commands,
                report.events
            );
        }
        Command::Export {
            db,
            organization,
            strategy,
            format,
            year,
            valid_at,
            as_of,
            to,
        } => {
            let store = open_existing(&db.db)?;
            let reader = store.reader()?;
            let as_of = crate::projection::position_as_of(&reader, as_of)?;
            let bytes = match (organization, strategy) {
                (Some(organization), _) => {
                    let moment = crate::read::Moment {
                        as_of,
                        valid_at: valid_at.unwrap_or(crate::read::LAST_DATE),
                    };
                    crate::plan::export(&reader, organization, moment)?
                        .with_context(|| {
                            format!("no organization '{organization}' at that moment")
                        })?
                        .into_bytes()
                }
                (None, Some(strategy)) => {
                    export_strategy(&reader, strategy, format, year, valid_at, as_of)?
                }
                (None, None) => bail!("give --organization or --strategy"),
            };
            match to {
                Some(path) => std::fs::write(&path, bytes)
                    .with_context(|| format!("writing '{}'", path.display()))?,
                None if format == ExportFormat::Xlsx && organization.is_none() => {
                    bail!("a workbook needs --to FILE.xlsx")
                }
                None => std::io::stdout().write_all(&bytes)?,
            }
        }
        Command::Rebuild(db) => {
            if !db.db.exists() {
                bail!("database '{}' does not exist", db.db.display());
            }
            let store = SqliteStore::open(&db.db, writing())
                .with_context(|| format!("opening database '{}'", db.db.display()))?;
            let replayed = store.rebuild().context("rebuilding the read models")?;
            println!("rebuilt the read models from {replayed} events");
        }
        Command::Verify {
            db,
            checkpoint,
            against,
        } => {
            let store = open_existing(&db.db)?;
            let report = match &against {
                None => store.verify().context("reading the log")?,
                Some(file) => {
                    let text = std::fs::read_to_string(file)
                        .with_context(|| format!("reading '{}'", file.display()))?;
                    let kept = crate::store::Checkpoint::from_json(&text)
                        .map_err(|e| anyhow::anyhow!("'{}': {e}", file.display()))?;
                    store.verify_against(&kept).context("reading the log")?
                }
            };
            if let Some(problem) = report.problem {
                bail!(
                    "the log is not intact at {problem} ({} events before it are intact)",
                    report.events_checked
                );
            }
            match report.head {
                Some((position, hash)) => println!(
                    "intact: {} events, head position {position}, hash {}",
                    report.events_checked,
                    hex::encode(hash)
                ),
                None => println!("intact: the log is empty"),
            }
            if let Some(file) = &against {
                println!("unchanged up to the checkpoint in '{}'", file.display());
            }
            if let Some(file) = checkpoint {
                let (position, hash) = report.head.unwrap_or((0, crate::store::chain::GENESIS));
                std::fs::write(
                    &file,
                    crate::store::Checkpoint { position, hash }.to_json() + "\n",
                )
                .with_context(|| format!("writing '{}'", file.display()))?;
                println!("checkpoint written to '{}'", file.display());
            }
        }
        Command::Backup { db, to } => {
            let store = open_existing(&db.db)?;
            store.backup(&to).with_context(|| {
                format!("backing up '{}' to '{}'", db.db.display(), to.display())
            })?;
            println!("backed up '{}' to '{}'", db.db.display(), to.display());
        }
        Command::Events {
            db,
            stream,
            event_type,
            from,
            until,
        } => {
            let store = open_existing(&db.db)?;
            let mut filter = EventFilter {
                stream_id: stream,
                event_type,
                recorded_from: from,
                recorded_until: until,
                limit: Some(10_000),
                ..EventFilter::default()
            };
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            loop {
                let page = store.read_events(&filter).context("reading the log")?;
                let Some(last) = page.last() else { break };
                filter.after_position = last.position;
                for event in &page {
                    serde_json::to_writer(&mut out, &event_json(event))?;
                    out.write_all(b"\n")?;
                }
            }
            out.flush()?;
        }
    }
    Ok(())
}

fn serve(
    path: &Path,
    listen: std::net::SocketAddr,
    settings: crate::api::Settings,
    demo: bool,
) -> anyhow::Result<()> {
    let store = SqliteStore::open(path, writing())
        .with_context(|| format!("opening database '{}'", path.display()))?;
    if demo {
        for (name, report) in crate::plan::load_demo(&store, crate::api::today())? {
            tracing::info!(file = name, events = report.events, "demo data loaded");
        }
    }
    let store = std::sync::Arc::new(store);
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let served = runtime.block_on(crate::api::serve(
        store.clone(),
        listen,
        settings,
        |bound| tracing::info!(address = %bound, db = %path.display(), "listening on http://{bound}"),
        shutdown_signal(),
    ));
    // Reads still running on blocking threads after the shutdown timeout
    // are abandoned: they change nothing. The writer thread is not one of
    // them; dropping the store below lets it finish the commands it has
    // and waits for it, so a command is committed or refused, never half.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    served.with_context(|| format!("serving on {listen}"))?;
    drop(store);
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM: the server stops taking connections and
/// finishes the requests in flight.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}

fn export_strategy(
    reader: &rusqlite::Connection,
    strategy: Uuid,
    format: ExportFormat,
    year: Option<i32>,
    valid_at: Option<chrono::NaiveDate>,
    as_of: u64,
) -> anyhow::Result<Vec<u8>> {
    use crate::report::tables;
    if let ExportFormat::Html | ExportFormat::Markdown = format {
        let year = year.context("the annual report needs --year")?;
        let year = crate::domain::Year::new(year.into()).map_err(|e| anyhow::anyhow!("--{e}"))?;
        let report = crate::report::annual_report(reader, strategy, year, as_of)?
            .with_context(|| format!("no strategy '{strategy}' per 31.12.{}", year.get()))?;
        let text = match format {
            ExportFormat::Html => crate::report::to_html(&report),
            _ => crate::report::to_markdown(&report),
        };
        return Ok(text.into_bytes());
    }
    let moment = crate::read::Moment {
        as_of,
        valid_at: valid_at.unwrap_or_else(crate::api::today),
    };
    let view = crate::read::strategy(reader, strategy, moment)?
        .with_context(|| format!("no strategy '{strategy}' at that moment"))?;
    let organization = crate::read::organization(reader, view.organization_id, moment)?;
    Ok(match format {
        ExportFormat::GoalsCsv => tables::to_csv(&tables::goals(&view)).into_bytes(),
        ExportFormat::ActionsCsv => {
            tables::to_csv(&tables::actions(&view, organization.as_ref())).into_bytes()
        }
        ExportFormat::BenefitsCsv => tables::to_csv(&tables::benefits(&view)).into_bytes(),
        _ => tables::to_xlsx(&[
            tables::goals(&view),
            tables::actions(&view, organization.as_ref()),
            tables::benefits(&view),
        ])?,
    })
}

fn token(command: TokenCommand) -> anyhow::Result<()> {
    use crate::access::tokens;
    // Opening the store first applies the migrations (the tokens table).
    let connection = |db: &DbArg| -> anyhow::Result<rusqlite::Connection> {
        drop(
            SqliteStore::open(&db.db, StoreOptions::default())
                .with_context(|| format!("opening database '{}'", db.db.display()))?,
        );
        let conn = rusqlite::Connection::open(&db.db)
            .with_context(|| format!("opening database '{}'", db.db.display()))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        Ok(conn)
    };
    match command {
        TokenCommand::Create {
            db,
            name,
            role,
            organizations,
        } => {
            let conn = connection(&db)?;
            let organizations: Vec<_> = organizations
                .into_iter()
                .map(crate::domain::OrganizationId)
                .collect();
            let created = tokens::create(&conn, &name, role, &organizations, Utc::now())?;
            // The secret alone on standard output, so scripts can take it.
            println!("{}", created.secret);
            eprintln!(
                "token '{}' ({}) created; it is shown only now: keep it secret",
                created.info.name,
                created.info.role.as_str()
            );
        }
        TokenCommand::List(db) => {
            let conn = connection(&db)?;
            println!("id\tname\trole\torganizations\tcreated\trevoked");
            for token in tokens::list(&conn)? {
                let organizations: Vec<String> = token
                    .organizations
                    .iter()
                    .map(|o| o.0.to_string())
                    .collect();
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    token.id,
                    token.name,
                    token.role.as_str(),
                    organizations.join(","),
                    crate::store::format_recorded_at(token.created_at),
                    token
                        .revoked_at
                        .map(crate::store::format_recorded_at)
                        .unwrap_or_default()
                );
            }
        }
        TokenCommand::Revoke { db, token } => {
            let conn = connection(&db)?;
            let revoked = tokens::revoke(&conn, &token, Utc::now())?;
            println!("token '{}' revoked", revoked.name);
        }
    }
    Ok(())
}

/// Puts a verified copy of `backup` at `target`. The copy is checked where
/// it will live (same folder) and then renamed into place, so the target
/// is at every moment either the old database or the whole backup.
fn restore(target: &Path, backup: &Path, force: bool) -> anyhow::Result<()> {
    if !backup.is_file() {
        bail!("backup '{}' does not exist", backup.display());
    }
    if target.exists() && !force {
        bail!(
            "database '{}' exists; stop the server and add --force to replace it (it is kept beside it)",
            target.display()
        );
    }
    // Held until the restored copy is in place: no server may be writing
    // to the database it replaces, nor start on it halfway.
    let _lock = crate::store::WriterLock::acquire(target)?;
    let folder = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let staging = folder.join(format!(
        ".{}.restoring",
        target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "sporbar.db".into())
    ));
    let _ = std::fs::remove_file(&staging);
    std::fs::copy(backup, &staging)
        .with_context(|| format!("copying '{}' to '{}'", backup.display(), staging.display()))?;
    let checked = (|| -> anyhow::Result<crate::store::VerifyReport> {
        // Opening applies migrations a newer binary needs; verifying proves
        // the chain in the copy is intact.
        let store = SqliteStore::open(&staging, StoreOptions::default())
            .with_context(|| format!("'{}' is not a usable backup", backup.display()))?;
        let report = store.verify().context("reading the backup's log")?;
        if let Some(problem) = &report.problem {
            bail!("the backup's log is not intact at {problem}");
        }
        drop(store);
        // Fold the write-ahead log into the file, so the one file that is
        // renamed into place holds everything.
        let conn = rusqlite::Connection::open(&staging)?;
        conn.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
        Ok(report)
    })();
    let report = match checked {
        Ok(report) => report,
        Err(error) => {
            remove_database_files(&staging);
            return Err(error);
        }
    };
    if target.exists() {
        let kept = folder.join(format!(
            "{}.before-restore-{}",
            target
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            Utc::now().format("%Y%m%dT%H%M%SZ")
        ));
        // The old database with its write-ahead log moves aside together.
        for suffix in ["", "-wal", "-shm"] {
            let from = PathBuf::from(format!("{}{suffix}", target.display()));
            if from.exists() {
                let to = PathBuf::from(format!("{}{suffix}", kept.display()));
                std::fs::rename(&from, &to).with_context(|| {
                    format!("moving '{}' aside to '{}'", from.display(), to.display())
                })?;
            }
        }
        println!("the previous database is kept as '{}'", kept.display());
    }
    std::fs::rename(&staging, target)
        .with_context(|| format!("moving the restored copy to '{}'", target.display()))?;
    println!(
        "restored '{}' from '{}': {} events, chain intact",
        target.display(),
        backup.display(),
        report.events_checked
    );
    Ok(())
}

/// Removes a refused staging copy with its write-ahead log.
fn remove_database_files(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// The options of a command that appends: it holds the database's writer
/// lock while it runs (see `store::WriterLock`).
fn writing() -> StoreOptions {
    StoreOptions {
        exclusive: true,
        ..StoreOptions::default()
    }
}

fn open_existing(path: &Path) -> anyhow::Result<SqliteStore> {
    if !path.exists() {
        bail!("database '{}' does not exist", path.display());
    }
    SqliteStore::open(path, StoreOptions::default())
        .with_context(|| format!("opening database '{}'", path.display()))
}

/// The JSON-lines form of one event: every stored column, payload inline.
pub fn event_json(event: &StoredEvent) -> serde_json::Value {
    let payload: serde_json::Value = serde_json::from_str(&event.payload)
        .unwrap_or_else(|_| serde_json::Value::String(event.payload.clone()));
    serde_json::json!({
        "position": event.position,
        "eventId": event.event_id,
        "streamId": event.stream_id,
        "streamVersion": event.stream_version,
        "eventType": event.event_type,
        "schemaVersion": event.schema_version,
        "payload": payload,
        "recordedAt": crate::store::format_recorded_at(event.recorded_at),
        "effectiveAt": event.effective_at.to_string(),
        "actor": event.actor,
        "reason": event.reason,
        "commandId": event.command_id,
        "correlationId": event.correlation_id,
        "causationId": event.causation_id,
        "prevHash": hex::encode(event.prev_hash),
        "hash": hex::encode(event.hash),
    })
}
