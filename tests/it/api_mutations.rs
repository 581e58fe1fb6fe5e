#[test]
fn dump_sdl() {
    std::fs::write("/tmp/sporbar_sdl.graphql", sporbar::api::sdl()).unwrap();
}
