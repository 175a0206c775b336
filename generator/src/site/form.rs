//! The contact form's definition for the handler (`--form-definition`).

use std::collections::BTreeMap;
use std::path::Path;

use crate::config::SiteConfig;
use crate::error::{Diagnostic, Error, Result};
use crate::i18n::{Catalogs, LocaleFormat};

/// The contact form's definition and texts for the handler (`form.json`):
/// the site's languages and topics, and per language the catalog's texts
/// for answers and emails with CLDR direction and numbers.
pub fn form_definition(root: &Path) -> Result<helpsite_form::definition::FormDefinition> {
    let config = SiteConfig::load(root)?;
    let theme = crate::theme::Theme::load(root, &config)?;
    let catalogs = Catalogs::load(&config, root, &theme).map_err(Error::Site)?;
    let mut formats = BTreeMap::new();
    for (code, lc) in &config.languages {
        let f = LocaleFormat::new(code, lc).map_err(|m| {
            Error::Site(vec![Diagnostic::error(
                "site.toml",
                None,
                format!("[languages.{code}]: {m}"),
            )])
        })?;
        formats.insert(code.clone(), f);
    }
    Ok(crate::i18n::form_texts::definition(
        &config, &catalogs, &formats,
    ))
}

/// Writes [`form_definition`] as JSON to `file`: a temporary file beside
/// it, flushed to disk, then renamed over it.
pub fn write_form_definition(root: &Path, file: &Path) -> Result<()> {
    use std::io::Write;
    let def = form_definition(root)?;
    let json = serde_json::to_vec_pretty(&def).expect("serializable definition");
    let dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
    tmp.write_all(&json)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| Error::io(file, e))?;
    // Readable by the function's user, like the rest of a deployment package.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))
            .map_err(|e| Error::io(file, e))?;
    }
    tmp.persist(file).map_err(|e| Error::io(file, e.error))?;
    Ok(())
}
