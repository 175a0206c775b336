//! `[appearance]` in site.toml: the accent colour and the logo. The accent
//! becomes a small generated stylesheet (no inline styles), refused when its
//! text would be hard to read on the theme's light or dark background.

use std::path::Path;

use super::assets::AssetUrls;
use super::output::OutputFile;
use crate::config::{SiteConfig, CONFIG_FILE};
use crate::error::Diagnostic;

/// The default theme's backgrounds (style.css `--bg`, light and dark).
const LIGHT_BG: Rgb = Rgb(0xff, 0xff, 0xff);
const DARK_BG: Rgb = Rgb(0x12, 0x16, 0x1c);
/// WCAG 2 AA for normal text.
const AA: f64 = 4.5;

#[derive(Debug, Clone, Copy, PartialEq)]
struct Rgb(u8, u8, u8);

impl Rgb {
    fn parse(s: &str) -> Option<Rgb> {
        let hex = s.strip_prefix('#')?;
        let digit = |i: usize, n: usize| u8::from_str_radix(hex.get(i..i + n)?, 16).ok();
        match hex.len() {
            3 => Some(Rgb(digit(0, 1)? * 17, digit(1, 1)? * 17, digit(2, 1)? * 17)),
            6 => Some(Rgb(digit(0, 2)?, digit(2, 2)?, digit(4, 2)?)),
            _ => None,
        }
    }

    fn luminance(self) -> f64 {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(self.0) + 0.7152 * lin(self.1) + 0.0722 * lin(self.2)
    }

    fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// This colour moved `t` (0–1) of the way to white.
    fn toward_white(self, t: f64) -> Rgb {
        let m = |c: u8| (f64::from(c) + (255.0 - f64::from(c)) * t).round() as u8;
        Rgb(m(self.0), m(self.1), m(self.2))
    }

    fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// The first lightening of `accent` readable on the dark background.
fn for_dark(accent: Rgb) -> Rgb {
    (0..=20)
        .map(|i| accent.toward_white(f64::from(i) / 20.0))
        .find(|c| c.contrast(DARK_BG) >= AA)
        .unwrap_or(Rgb(0xff, 0xff, 0xff))
}

fn checked(
    key: &str,
    value: &str,
    bg: Rgb,
    scheme: &str,
    line: Option<usize>,
) -> Result<Rgb, Diagnostic> {
    let Some(c) = Rgb::parse(value) else {
        return Err(Diagnostic::error(
            CONFIG_FILE,
            line,
            format!("appearance.{key} = \"{value}\" is not a colour"),
        )
        .with_help("write it as #rrggbb, like accent = \"#0b57d0\""));
    };
    let ratio = c.contrast(bg);
    if ratio < AA {
        return Err(Diagnostic::error(
            CONFIG_FILE,
            line,
            format!(
                "appearance.{key} = \"{value}\" has a contrast of {ratio:.2}:1 on the {scheme} background {}; WCAG AA needs {AA}:1",
                bg.hex()
            ),
        )
        .with_help(if scheme == "light" {
            "pick a darker colour for links and buttons"
        } else {
            "pick a lighter colour for the dark scheme, or leave accent_dark out to derive one"
        }));
    }
    Ok(c)
}

/// The generated stylesheet and the logo, as assets (`appearance.css`,
/// `logo.svg`), or the problems with `[appearance]`.
pub(crate) fn assets(
    root: &Path,
    config: &SiteConfig,
    text: &str,
) -> Result<(Vec<OutputFile>, AssetUrls), Vec<Diagnostic>> {
    let a = &config.appearance;
    let line = |key: &str| {
        text.lines()
            .position(|l| l.trim_start().starts_with(key))
            .map(|i| i + 1)
    };
    let mut diags = Vec::new();
    let mut files = Vec::new();
    let mut urls = AssetUrls::new();
    let mut css = String::new();
    if let Some(accent) = &a.accent {
        match checked("accent", accent, LIGHT_BG, "light", line("accent")) {
            Ok(light) => {
                let dark = match &a.accent_dark {
                    Some(d) => checked("accent_dark", d, DARK_BG, "dark", line("accent_dark")),
                    None => Ok(for_dark(light)),
                };
                match dark {
                    Ok(dark) => css = stylesheet(light, dark),
                    Err(d) => diags.push(d),
                }
            }
            Err(d) => diags.push(d),
        }
    } else if a.accent_dark.is_some() {
        diags.push(
            Diagnostic::error(
                CONFIG_FILE,
                line("accent_dark"),
                "appearance.accent_dark is set without accent",
            )
            .with_help("set accent too; accent_dark only replaces it in the dark scheme"),
        );
    }
    if let Some(logo) = &a.logo {
        let path = root.join(logo);
        let problem = if !logo.ends_with(".svg") {
            Some("is not an .svg file".to_string())
        } else {
            match std::fs::read(&path) {
                Ok(bytes) => {
                    let (name, file) = super::assets::hashed("logo.svg", bytes);
                    urls.insert("logo.svg".into(), name);
                    files.push(file);
                    None
                }
                Err(e) => Some(format!("cannot be read: {e}")),
            }
        };
        if let Some(p) = problem {
            diags.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    line("logo"),
                    format!("appearance.logo \"{logo}\" {p}"),
                )
                .with_help(
                    "name an SVG file relative to the site folder, like logo = \"logo.svg\"",
                ),
            );
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    if !css.is_empty() {
        let (name, file) = super::assets::hashed("appearance.css", css.into_bytes());
        urls.insert("appearance.css".into(), name);
        files.push(file);
    }
    Ok((files, urls))
}

/// Accent for links, buttons and the focus of both schemes; white (light)
/// or the dark background (dark) as the text on accent-coloured buttons.
fn stylesheet(light: Rgb, dark: Rgb) -> String {
    let (l, d) = (light.hex(), dark.hex());
    let on_light = if light.contrast(Rgb(255, 255, 255)) >= AA {
        "#fff"
    } else {
        "#000"
    };
    let dark_vars = format!(
        "--link: {d}; --accent: {d}; --note: {d}; --accent-text: {};",
        DARK_BG.hex()
    );
    format!(
        "/* Generated from [appearance] in site.toml. */\n\
         :root {{ --link: {l}; --accent: {l}; --note: {l}; --accent-text: {on_light}; }}\n\
         @media (prefers-color-scheme: dark) {{ :root:not([data-theme=\"light\"]) {{ {dark_vars} }} }}\n\
         :root[data-theme=\"dark\"] {{ {dark_vars} }}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_matches_wcag_examples() {
        let black = Rgb(0, 0, 0);
        assert!((black.contrast(LIGHT_BG) - 21.0).abs() < 0.01);
        // The default link blue passes on white.
        assert!(Rgb::parse("#0b57d0").unwrap().contrast(LIGHT_BG) > AA);
        assert!(Rgb::parse("#ffcc00").unwrap().contrast(LIGHT_BG) < 2.0);
        assert_eq!(Rgb::parse("#abc"), Some(Rgb(0xaa, 0xbb, 0xcc)));
        assert_eq!(Rgb::parse("blue"), None);
    }

    #[test]
    fn a_dark_variant_is_derived_that_passes() {
        for c in ["#0b57d0", "#000000", "#7e3ab8", "#137333"] {
            let d = for_dark(Rgb::parse(c).unwrap());
            assert!(d.contrast(DARK_BG) >= AA, "{c} → {}", d.hex());
        }
    }
}
