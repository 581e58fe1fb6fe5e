// The SQL migrations are embedded into the binary (refinery's
// `embed_migrations!`); rebuild when one is added or changed.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
