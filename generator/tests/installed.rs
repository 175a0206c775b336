//! helpsite as a user installs it: the binary the test suite built, copied
//! outside the repository and run in a mount namespace where the whole
//! repository is hidden under an empty tmpfs. From another folder it starts
//! a site with `init`, builds it, checks it, serves it, answers a page and
//! takes a contact-form post. The UI strings of its languages (`zh-TW` by
//! the closest catalog, `zh-Hant`) come from the catalogs in the binary. Needs `unshare` (util-linux) and the right to
//! make a mount namespace (root, as in CI).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::repo;

/// Run inside the namespace: hide the repository, prove it is hidden, then
/// work from a folder outside it. `serve` replaces the shell, so the child's
/// PID is the server's.
const SCRIPT: &str = r#"
set -eu
mount -t tmpfs -o size=1m,mode=0755 helpsite-hidden "$REPO"
if [ -e "$REPO/themes/default/templates/base.html" ]; then
  echo "the repository is still visible" >&2; exit 1
fi
cd "$WORK"
"$BIN" init site --languages en,fa,de,zh-TW
if [ -e site/i18n ] || [ -e site/themes ]; then
  echo "init wrote catalogs: the built-in ones must serve every language" >&2; exit 1
fi
"$BIN" build --root site
"$BIN" check --root site --strict
cd site
exec "$BIN" serve --port 0 --exit-after 120
"#;

/// The namespace's process, killed by its PID when the test ends.
struct Namespaced(Child);

impl Drop for Namespaced {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Whether this machine lets us make a mount namespace and mount in it.
fn namespaces_permitted() -> Result<(), String> {
    let out = Command::new("unshare")
        .args([
            "--mount",
            "sh",
            "-c",
            "mount -t tmpfs probe \"$(mktemp -d)\"",
        ])
        .output()
        .map_err(|e| format!("unshare cannot be run: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

fn request(port: u16, method: &str, path: &str, body: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).unwrap_or("0").parse().unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

#[test]
fn the_installed_binary_starts_builds_checks_and_serves_a_site_without_the_source_tree() {
    if let Err(why) = namespaces_permitted() {
        // CI runs as root and must run this test; elsewhere it may be skipped.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must be able to run this test: {why}"
        );
        eprintln!("SKIPPED: cannot make a mount namespace here ({why}); run as root to test the installed binary");
        return;
    }
    let repo = repo();
    let work = tempfile::tempdir().unwrap();
    let work_path = work.path().canonicalize().unwrap();
    assert!(
        !work_path.starts_with(&repo),
        "the work folder must be outside the repository"
    );
    let bin = work_path.join("bin/helpsite");
    std::fs::create_dir_all(bin.parent().unwrap()).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_helpsite"), &bin).unwrap();
    let stderr_path = work_path.join("stderr.txt");
    let mut child = Namespaced(
        Command::new("unshare")
            .args(["--mount", "--propagation", "private", "sh", "-c", SCRIPT])
            .env("REPO", &repo)
            .env("WORK", &work_path)
            .env("BIN", &bin)
            .env_remove("HELPSITE_THEMES")
            .current_dir(&work_path)
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr_path).unwrap())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut said = Vec::new();
    let port = loop {
        let Ok(line) = rx.recv_timeout(Duration::from_secs(120)) else {
            let _ = child.0.kill();
            panic!(
                "serve did not start.\nstdout:\n{}\nstderr:\n{}",
                said.join("\n"),
                std::fs::read_to_string(&stderr_path).unwrap_or_default()
            );
        };
        if let Some(rest) = line.strip_prefix("listening on http://127.0.0.1:") {
            break rest.trim_end_matches('/').parse::<u16>().unwrap();
        }
        said.push(line);
    };
    let said = said.join("\n");
    assert!(
        said.contains("wrote site/content/fa/contact/thanks.md"),
        "{said}"
    );
    assert!(said.contains("built 24 pages"), "{said}");
    assert!(said.contains("0 error(s), 0 warning(s)"), "{said}");
    check_served(port, &work_path.join("site"));
}

/// Pages, the stylesheet and the contact form, as a visitor gets them.
fn check_served(port: u16, site: &Path) {
    let (status, _, home) = request(port, "GET", "/fa/", "");
    assert_eq!(status, 200, "{home}");
    assert!(home.contains("<html lang=\"fa\" dir=\"rtl\""), "{home}");
    let css = home
        .split('"')
        .find(|s| s.starts_with("/static/style.") && s.ends_with(".css"))
        .expect("a stylesheet link");
    let (status, _, style) = request(port, "GET", css, "");
    assert_eq!(status, 200);
    assert!(!style.is_empty());
    let (status, _, faq) = request(port, "GET", "/de/faq/", "");
    assert_eq!(status, 200);
    assert!(faq.contains("<html lang=\"de\""), "{faq}");
    // German chrome from the built-in German catalog, not English.
    assert!(faq.contains("Zum Inhalt springen"), "{faq}");
    assert!(!faq.contains("Skip to content"), "{faq}");
    let (status, _, zh) = request(port, "GET", "/zh-TW/faq/", "");
    assert_eq!(status, 200);
    assert!(zh.contains("<html lang=\"zh-TW\""), "{zh}");
    assert!(zh.contains("跳至內容"), "{zh}");

    let form = "name=Sara&email=sara%40example.com&topic=billing&message=Hello+from+outside&lang=fa&website=";
    let (status, head, _) = request(port, "POST", "/api/contact", form);
    assert_eq!(status, 303, "{head}");
    let location = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("location: ")
                .or_else(|| l.strip_prefix("Location: "))
        })
        .expect("a Location header")
        .trim()
        .to_string();
    assert!(
        location.starts_with("/fa/contact/thanks/?ref="),
        "{location}"
    );
    let (status, _, thanks) = request(port, "GET", location.split('?').next().unwrap(), "");
    assert_eq!(status, 200, "{thanks}");
    let outbox: Vec<_> = std::fs::read_dir(site.join(".outbox"))
        .expect("the outbox")
        .map(|e| e.unwrap().path())
        .collect();
    let mail = outbox
        .iter()
        .find(|p| p.to_string_lossy().ends_with("support.eml"))
        .expect("the mail to support");
    let eml = std::fs::read_to_string(mail).unwrap();
    assert!(eml.contains("sara@example.com"), "{eml}");
}
