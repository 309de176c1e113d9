//! A structural check of generated SVG for the tests: every tag closed in
//! order, no stray `<` or `&` in text, one root element.
//!
//! It is not an XML parser; it checks what string building can get wrong.

/// Returns the first structural problem, or `None` when the document is
/// well formed for the subset of XML the charts write.
pub(crate) fn structure_problem(doc: &str) -> Option<String> {
    let mut open: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut rest = doc;

    while let Some(start) = rest.find('<') {
        if let Some(problem) = text_problem(&rest[..start]) {
            return Some(problem);
        }
        let Some(end) = rest[start..].find('>') else {
            return Some("unterminated tag".to_string());
        };
        let tag = &rest[start + 1..start + end];
        rest = &rest[start + end + 1..];
        if tag.contains('<') {
            return Some(format!("'<' inside tag {tag:?}"));
        }
        if !quote_count(tag).is_multiple_of(2) {
            return Some(format!("unbalanced quotes in tag {tag:?}"));
        }

        if let Some(name) = tag.strip_prefix('/') {
            match open.pop() {
                Some(expected) if expected == name => {}
                other => return Some(format!("</{name}> closes {other:?}")),
            }
        } else {
            let name = tag
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .trim_end_matches('/')
                .to_string();
            if open.is_empty() {
                roots += 1;
            }
            if !tag.ends_with('/') {
                open.push(name);
            }
        }
    }
    if let Some(problem) = text_problem(rest) {
        return Some(problem);
    }
    if !open.is_empty() {
        return Some(format!("unclosed tags {open:?}"));
    }
    if roots != 1 {
        return Some(format!("{roots} root elements"));
    }
    None
}

fn quote_count(tag: &str) -> usize {
    tag.matches('"').count()
}

fn text_problem(text: &str) -> Option<String> {
    if text.contains('>') {
        return Some(format!("stray '>' in text {text:?}"));
    }
    for (i, _) in text.match_indices('&') {
        let entity = &text[i..];
        let known = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"];
        if !known.iter().any(|k| entity.starts_with(k)) {
            return Some(format!("bare '&' in text {text:?}"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_nested_and_self_closing_tags() {
        assert_eq!(
            structure_problem("<svg><g><rect/></g><text>a &amp; b</text></svg>"),
            None
        );
    }

    #[test]
    fn rejects_what_string_building_gets_wrong() {
        assert!(structure_problem("<svg><g></svg>").is_some());
        assert!(structure_problem("<svg><text>a & b</text></svg>").is_some());
        assert!(structure_problem("<svg><text x=\"1>a</text></svg>").is_some());
        assert!(structure_problem("<svg/><svg/>").is_some());
        assert!(structure_problem("<svg>").is_some());
    }
}
