//! Everything a language needs besides its pages: text direction, CLDR
//! formatting of dates and numbers, and the theme's UI-string catalog.

pub mod catalog;
pub mod locale;

pub use catalog::Catalogs;
pub use locale::LocaleFormat;
