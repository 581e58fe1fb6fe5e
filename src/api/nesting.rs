//! A guard in front of the GraphQL parser. The parser descends recursively
//! into nested lists, objects and selections; a few kilobytes of `[[[[…`
//! would exhaust a worker thread's stack and abort the whole server. A
//! document nested deeper than any real question is refused before it is
//! parsed, over HTTP and WebSocket alike.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ServerError, ServerResult, Variables};

/// Deepest bracket nesting a document may have. The deepest real query
/// (a strategy tree with its predecessor comparison) reaches about 12.
pub const MAX_NESTING: usize = 64;

/// How deeply `[`, `{` and `(` nest in a GraphQL document, not counting
/// those inside strings, block strings and comments.
pub fn nesting(document: &str) -> usize {
    let bytes = document.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    // An escaped triple quote does not end the block string.
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'[' | b'{' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    deepest
}

/// The refusal, with the code every client reads.
pub fn too_deep() -> ServerError {
    let mut error = ServerError::new(
        format!("the query is nested more than {MAX_NESTING} levels deep"),
        None,
    );
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", "VALIDATION");
    error.extensions = Some(extensions);
    error
}

/// Refuses documents nested deeper than [`MAX_NESTING`] before parsing.
pub struct NestingLimit;

impl ExtensionFactory for NestingLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(NestingLimit)
    }
}

#[async_trait::async_trait]
impl Extension for NestingLimit {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        if nesting(query) > MAX_NESTING {
            return Err(too_deep());
        }
        next.run(ctx, query, variables).await
    }
}

#[cfg(test)]
mod tests {
    use super::nesting;

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        assert_eq!(nesting("{ a(x: [1, [2]]) { b } }"), 4);
        assert_eq!(nesting("{ a(x: \"[[[[{{{{\") }"), 2);
        assert_eq!(nesting("{ a(x: \"\"\"[[[ \\\"\"\" [[[\"\"\") }"), 2);
        assert_eq!(nesting("# [[[[[[\n{ a }"), 1);
        assert_eq!(nesting(&"[".repeat(3000)), 3000);
    }
}
