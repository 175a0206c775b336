//! Everything a language needs besides its pages: text direction, CLDR
//! formatting of dates and numbers, and the theme's UI-string catalog.

pub mod catalog;
pub mod form_texts;
pub mod locale;
pub mod plural;

pub use catalog::Catalogs;
pub use locale::LocaleFormat;

pub mod message;
