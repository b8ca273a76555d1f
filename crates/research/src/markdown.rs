//! Markdown files other commands also write (docs/results.md): one command's section is
//! replaced in place, and the sections a command does not generate are kept.

/// Replaces the `## {heading}` section of `md` (up to the next `## `) with `section`, or
/// appends it.
pub fn replace_section(md: &str, heading: &str, section: &str) -> String {
    let marker = format!("## {heading}");
    match md.find(&marker) {
        Some(i) => {
            let rest = &md[i + marker.len()..];
            let end = rest.find("\n## ").map_or(md.len(), |j| i + marker.len() + j + 1);
            format!("{}{}{}", &md[..i], section, &md[end..])
        }
        None => format!("{}\n{section}", md.trim_end_matches('\n').to_string() + "\n"),
    }
}

/// `new` followed by every `## ` section of `old` whose heading `new` does not have: a
/// regenerated file keeps what other commands (or people) added to it.
pub fn keep_other_sections(old: &str, new: &str) -> String {
    let headings: std::collections::HashSet<&str> = new.lines().filter(|l| l.starts_with("## ")).collect();
    let mut out = new.trim_end_matches('\n').to_string();
    out.push('\n');
    let mut keep = false;
    for line in old.lines() {
        if line.starts_with("## ") {
            keep = !headings.contains(line);
            if keep && !out.ends_with("\n\n") {
                out.push('\n');
            }
        }
        if keep {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_is_replaced_in_place_or_appended() {
        let md = "# R\n\n## A\nold a\n\n## B\nb\n";
        assert_eq!(
            replace_section(md, "A", "## A\nnew\n\n"),
            "# R\n\n## A\nnew\n\n## B\nb\n"
        );
        assert_eq!(
            replace_section(md, "B", "## B\nnew\n"),
            "# R\n\n## A\nold a\n\n## B\nnew\n"
        );
        assert_eq!(replace_section(md, "A", ""), "# R\n\n## B\nb\n");
        assert_eq!(
            replace_section(md, "C", "## C\nc\n"),
            "# R\n\n## A\nold a\n\n## B\nb\n\n## C\nc\n"
        );
    }

    #[test]
    fn a_regenerated_file_keeps_the_sections_it_does_not_generate() {
        let old = "# R\n\n## A\nold a\n\n## Added by hand\nkept\n\n## B\nold b\n";
        let new = "# R\n\n## A\nnew a\n\n## B\nnew b\n";
        assert_eq!(
            keep_other_sections(old, new),
            "# R\n\n## A\nnew a\n\n## B\nnew b\n\n## Added by hand\nkept\n\n"
        );
        assert_eq!(keep_other_sections("", new), new);
        // Idempotent: regenerating again changes nothing.
        let once = keep_other_sections(old, new);
        assert_eq!(keep_other_sections(&once, new), once);
    }
}
