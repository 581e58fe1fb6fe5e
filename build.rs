//! Embeds what the binary serves without files beside it.
//!
//! - The SQL migrations: refinery's `embed_migrations!` in `src/store`
//!   reads them; this script only tells Cargo to rebuild when one changes.
//! - The static files, through memory-serve: the built web page in
//!   `web/dist` (or, when a checkout has no `web/dist`, the page in
//!   `src/api/fallback` that says so) and GraphiQL in
//!   `web/vendor/graphiql`. memory-serve hashes each file for its ETag and
//!   compresses the text files with brotli here, once per change of a file,
//!   not on every start; `src/api/web.rs` and `src/api/graphiql.rs` serve
//!   them.

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    // Also when `web/dist` is missing, so that building the page later
    // embeds it.
    println!("cargo:rerun-if-changed=web/dist");

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dist = root.join("web/dist");
    let page = if dist.join("index.html").is_file() {
        dist
    } else {
        root.join("src/api/fallback")
    };
    // memory-serve reports every file it embeds as a Cargo warning unless
    // this is set; a clean build shows no warnings.
    // SAFETY: the build script has no other threads that read the
    // environment.
    unsafe { std::env::set_var("MEMORY_SERVE_QUIET", "1") };
    // Embedded in every profile (memory-serve's default reads the files from
    // disk in debug builds), so the tests serve what a release serves.
    memory_serve::load_names_directories(
        [
            ("web", page),
            ("graphiql", root.join("web/vendor/graphiql")),
        ],
        true,
    );
}
