//! Rebuilds the binary when a file is added to or removed from what it
//! embeds: `include_dir!` sees edits to files it already holds, not new ones.

fn main() {
    println!("cargo:rerun-if-changed=../themes/default");
    println!("cargo:rerun-if-changed=starter");
}
