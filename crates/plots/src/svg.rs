//! A minimal SVG writer: the few elements the charts use, written with a
//! fixed number format.
//!
//! Coordinates are always written with two decimals. A hundredth of a pixel
//! is below what any screen shows, and a fixed format is what makes the
//! output byte-for-byte reproducible (the shortest round-trip form of a
//! float would change with tiny arithmetic differences).

/// Colours for series, in order: the Okabe-Ito palette, which stays
/// distinguishable for the common forms of colour blindness.
pub(crate) const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
];

/// The colour of series `index`; colours repeat after the palette ends.
pub(crate) fn series_colour(index: usize) -> &'static str {
    PALETTE[index % PALETTE.len()]
}

/// Escapes text for use in SVG or HTML content and attribute values.
///
/// The five XML special characters are replaced by entities; control
/// characters other than tab and newline, which XML forbids, are dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with two decimals; `-0.00` is written `0.00`.
pub(crate) fn num(value: f64) -> String {
    let text = format!("{value:.2}");
    if text == "-0.00" {
        "0.00".to_string()
    } else {
        text
    }
}

/// How a text element is aligned on its anchor point.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// An SVG document being written.
pub(crate) struct Svg {
    out: String,
}

impl Svg {
    /// Opens a document of the given size with a white background. The
    /// `<title>` element makes the chart name show as a tooltip and lets
    /// screen readers announce it.
    pub(crate) fn new(width: f64, height: f64, title: &str) -> Svg {
        let (w, h) = (num(width), num(height));
        let mut out = String::new();
        out.push_str(&format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
             viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"12\">\n"
        ));
        out.push_str(&format!("<title>{}</title>\n", escape(title)));
        out.push_str(&format!(
            "<rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n"
        ));
        Svg { out }
    }

    /// A straight line; `extra` holds further attributes (dashes, opacity).
    pub(crate) fn line(&mut self, from: (f64, f64), to: (f64, f64), stroke: &str, extra: &str) {
        self.out.push_str(&format!(
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{stroke}\"{}/>\n",
            num(from.0),
            num(from.1),
            num(to.0),
            num(to.1),
            spaced(extra)
        ));
    }

    /// A rectangle from its top-left corner.
    pub(crate) fn rect(
        &mut self,
        x: f64,
        y: f64,
        width: f64,
        height: f64,
        fill: &str,
        extra: &str,
    ) {
        self.out.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"{}/>\n",
            num(x),
            num(y),
            num(width.max(0.0)),
            num(height.max(0.0)),
            spaced(extra)
        ));
    }

    /// A filled circle.
    pub(crate) fn circle(&mut self, centre: (f64, f64), radius: f64, fill: &str, extra: &str) {
        self.out.push_str(&format!(
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{fill}\"{}/>\n",
            num(centre.0),
            num(centre.1),
            num(radius),
            spaced(extra)
        ));
    }

    /// An open line through the points, not filled.
    pub(crate) fn polyline(&mut self, points: &[(f64, f64)], stroke: &str, width: f64) {
        let coordinates: Vec<String> = points
            .iter()
            .map(|&(x, y)| format!("{},{}", num(x), num(y)))
            .collect();
        self.out.push_str(&format!(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{}\" \
             stroke-linejoin=\"round\"/>\n",
            coordinates.join(" "),
            num(width)
        ));
    }

    /// Text at a point; `content` is escaped here.
    pub(crate) fn text(&mut self, at: (f64, f64), anchor: Anchor, content: &str, extra: &str) {
        self.out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{}\"{}>{}</text>\n",
            num(at.0),
            num(at.1),
            anchor.as_str(),
            spaced(extra),
            escape(content)
        ));
    }

    /// Closes the document.
    pub(crate) fn finish(mut self) -> String {
        self.out.push_str("</svg>\n");
        self.out
    }
}

fn spaced(extra: &str) -> String {
    if extra.is_empty() {
        String::new()
    } else {
        format!(" {extra}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_replaces_the_xml_special_characters() {
        assert_eq!(
            escape("a<b & \"c\" > 'd'"),
            "a&lt;b &amp; &quot;c&quot; &gt; &#39;d&#39;"
        );
        assert_eq!(escape("x\u{1}y"), "xy");
        assert_eq!(escape("R²"), "R²");
    }

    #[test]
    fn numbers_have_two_decimals_and_no_negative_zero() {
        assert_eq!(num(1.0), "1.00");
        assert_eq!(num(-0.001), "0.00");
        assert_eq!(num(-1.256), "-1.26");
    }

    #[test]
    fn text_content_is_escaped_in_the_document() {
        let mut svg = Svg::new(10.0, 10.0, "<t>");
        svg.text((1.0, 2.0), Anchor::Middle, "a&b", "");
        let out = svg.finish();
        assert!(out.contains("<title>&lt;t&gt;</title>"));
        assert!(out.contains(">a&amp;b</text>"));
        assert!(out.ends_with("</svg>\n"));
    }
}
