//! `helpsite serve` as an editor uses it: edit, see the reload; break a
//! page, see the error; fix it, see the recovery; post the contact form and
//! find the mail in the outbox.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;

/// The server process, stopped by its PID when the test ends however it ends.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &std::path::Path) -> Server {
    start_with(root, &[], None)
}

/// `serve` with extra arguments and, if given, its own temporary folder.
fn start_with(root: &std::path::Path, args: &[&str], tmpdir: Option<&std::path::Path>) -> Server {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_helpsite"));
    if let Some(t) = tmpdir {
        cmd.env("TMPDIR", t);
    }
    let mut child = cmd
        .args(["serve", "--port", "0", "--exit-after", "120", "--root"])
        .arg(root)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("listening on http://127.0.0.1:") {
                let _ = tx.send(rest.trim_end_matches('/').parse::<u16>().unwrap());
            }
        }
    });
    let port = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("serve did not start");
    Server { child, port }
}

fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &str,
    body: &str,
) -> (u16, String, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n{headers}\r\n{body}", body.len()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).unwrap_or("0").parse().unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

fn get(port: u16, path: &str) -> (u16, String) {
    let (status, _, body) = request(port, "GET", path, "", "");
    (status, body)
}

/// Reads server-sent events as they arrive.
struct Events(mpsc::Receiver<(String, String)>);

impl Events {
    fn open(port: u16) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(s, "GET /__helpsite/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n").unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut event = String::new();
            let mut data = Vec::new();
            for line in BufReader::new(s).lines().map_while(Result::ok) {
                if let Some(e) = line.strip_prefix("event:") {
                    event = e.trim().to_string();
                } else if let Some(d) = line.strip_prefix("data:") {
                    data.push(d.trim_start().to_string());
                } else if line.is_empty() && !event.is_empty() {
                    let _ = tx.send((std::mem::take(&mut event), data.join("\n")));
                    data.clear();
                }
            }
        });
        Events(rx)
    }

    fn wait_for(&self, kind: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.0.recv_timeout(left) {
                Ok((k, data)) if k == kind => return data,
                Ok(_) => continue,
                Err(_) => break,
            }
        }
        panic!("no {kind} event within 20 s");
    }
}

#[test]
fn edit_reloads_a_broken_page_shows_the_error_and_a_fix_recovers() {
    let site = copy_site(&fixture("minimal"));
    let server = start(site.path());
    let port = server.port;
    let (status, page) = get(port, "/en/guide/");
    assert_eq!(status, 200);
    assert!(page.contains("<h1>Guide</h1>"));
    assert!(
        page.contains("/__helpsite/livereload.js"),
        "serve pages carry the reload script"
    );
    assert_eq!(get(port, "/en/no-such-page/").0, 404);

    let events = Events::open(port);
    std::thread::sleep(Duration::from_millis(300));
    let page_file = site.path().join("content/en/guide.md");
    let original = std::fs::read_to_string(&page_file).unwrap();
    std::fs::write(
        &page_file,
        original.replace("title = \"Guide\"", "title = \"Guide, edited\""),
    )
    .unwrap();
    events.wait_for("reload");
    assert!(get(port, "/en/guide/").1.contains("<h1>Guide, edited</h1>"));

    std::fs::write(
        &page_file,
        original.replace("title = \"Guide\"", "titel = \"Guide\""),
    )
    .unwrap();
    let error = events.wait_for("broken");
    assert!(error.contains("content/en/guide.md:2"), "{error}");
    assert!(error.contains("did you mean \"title\""), "{error}");
    // The last good build is still served meanwhile.
    assert!(get(port, "/en/guide/").1.contains("<h1>Guide, edited</h1>"));
    // A tab opened now sees the error at once.
    let late = Events::open(port);
    assert!(late.wait_for("broken").contains("content/en/guide.md:2"));

    std::fs::write(&page_file, &original).unwrap();
    events.wait_for("reload");
    assert!(get(port, "/en/guide/").1.contains("<h1>Guide</h1>"));
}

#[test]
fn drafts_are_shown_with_a_badge() {
    let site = copy_site(&fixture("minimal"));
    std::fs::write(
        site.path().join("content/en/wip.md"),
        "+++\ntitle = \"WIP\"\ndraft = true\n+++\nSoon.\n",
    )
    .unwrap();
    let server = start(site.path());
    let (status, page) = get(server.port, "/en/wip/");
    assert_eq!(status, 200);
    assert!(page.contains("badge-draft"));
}

#[test]
fn the_contact_form_is_answered_locally_into_the_outbox() {
    let site = repo_site_copy();
    let server = start(site.path());
    let body = "name=Sara+Ahmadi&email=sara%40example.com&topic=billing&message=%D8%B3%D9%84%D8%A7%D9%85%D8%8C+%D9%BE%D8%B1%D8%AF%D8%A7%D8%AE%D8%AA+%D8%A7%D9%86%D8%AC%D8%A7%D9%85+%D8%B4%D8%AF&lang=fa";
    let (status, head, _) = request(
        server.port,
        "POST",
        "/api/contact",
        "Content-Type: application/x-www-form-urlencoded\r\n",
        body,
    );
    assert_eq!(status, 303, "{head}");
    let location = head
        .lines()
        .find_map(|l| l.strip_prefix("location: "))
        .unwrap_or_default()
        .to_string();
    assert!(
        location.starts_with("/fa/contact/thanks/?ref="),
        "{location}"
    );
    // The thank-you page it points at exists.
    assert_eq!(get(server.port, location.split('?').next().unwrap()).0, 200);
    let outbox = site.path().join(".outbox");
    let mails: Vec<_> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let support = mails
        .iter()
        .find(|p| p.to_string_lossy().ends_with("support.eml"))
        .expect("support mail");
    let eml = std::fs::read_to_string(support).unwrap();
    assert!(
        eml.contains("Reply-To:") && eml.contains("sara@example.com"),
        "{eml}"
    );
}

/// A copy of the shipped site (it has the contact, thank-you and error pages).
fn repo_site_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("content"), &tmp.path().join("content"));
    copy_dir(&repo().join("themes"), &tmp.path().join("themes"));
    std::fs::copy(repo().join("site.toml"), tmp.path().join("site.toml")).unwrap();
    tmp
}

#[test]
fn files_outside_the_site_inputs_do_not_rebuild_or_reload() {
    let site = copy_site(&fixture("minimal"));
    let server = start(site.path());
    let events = Events::open(server.port);
    std::thread::sleep(Duration::from_millis(300));
    // What the contact form writes into the root, and other clutter.
    std::fs::create_dir_all(site.path().join(".outbox")).unwrap();
    std::fs::write(site.path().join(".outbox/1-HS-TEST-support.eml"), "x").unwrap();
    std::fs::write(site.path().join("notes.txt"), "x").unwrap();
    let got = events.0.recv_timeout(Duration::from_secs(2));
    assert!(got.is_err(), "a non-input file caused {got:?}");
    // site.toml itself still does.
    edit(
        &site.path().join("site.toml"),
        "Minimal Help",
        "Minimal Help 2",
    );
    events.wait_for("reload");
}

/// Reads until the server closes the connection; how long that took.
fn closed_after(mut s: TcpStream, started: Instant) -> Duration {
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return started.elapsed(),
            Ok(_) => {}
        }
    }
}

#[test]
fn slow_and_silent_clients_are_dropped_while_others_are_served() {
    let site = copy_site(&fixture("minimal"));
    let server = start_with(
        site.path(),
        &["--timeout-ms", "1500", "--max-connections", "5"],
        None,
    );
    let port = server.port;
    let started = Instant::now();
    let connect = || TcpStream::connect(("127.0.0.1", port)).unwrap();
    // Silent; a request head never finished; a body that stops coming.
    let silent = connect();
    let mut partial_head = connect();
    write!(partial_head, "GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\n").unwrap();
    let mut partial_body = connect();
    write!(partial_body, "POST /api/contact HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\nname=a").unwrap();
    // A head sent one byte at a time: the deadline is for the whole head.
    let drip = connect();
    let mut writer = drip.try_clone().unwrap();
    std::thread::spawn(move || {
        for b in b"GET /en/ HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".iter() {
            if writer.write_all(&[*b]).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    });
    // The fifth and last slot: normal requests are served meanwhile.
    for _ in 0..5 {
        let t = Instant::now();
        assert_eq!(get(port, "/en/").0, 200);
        assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
    }
    let waits: Vec<Duration> = [silent, partial_head, partial_body, drip]
        .into_iter()
        .map(|s| std::thread::spawn(move || closed_after(s, started)))
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().unwrap())
        .collect();
    for w in &waits {
        assert!(
            *w >= Duration::from_millis(1000) && *w < Duration::from_secs(6),
            "{waits:?}"
        );
    }

    // With every slot held by a silent client, a request waits for one to
    // be dropped, then is served.
    let held: Vec<TcpStream> = (0..5).map(|_| connect()).collect();
    std::thread::sleep(Duration::from_millis(200));
    let t = Instant::now();
    assert_eq!(get(port, "/en/").0, 200);
    assert!(t.elapsed() < Duration::from_secs(6), "{:?}", t.elapsed());
    drop(held);
}

fn signal(child: &Child, sig: libc::c_int) {
    // SAFETY: sends a signal to our own child process.
    let r = unsafe { libc::kill(child.id() as libc::pid_t, sig) };
    assert_eq!(r, 0);
}

fn entries(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The pid of a process that has ended.
fn dead_pid() -> u32 {
    let mut c = Command::new("true").spawn().unwrap();
    let pid = c.id();
    c.wait().unwrap();
    pid
}

#[test]
fn sigterm_removes_the_work_folder_and_a_killed_servers_folder_is_removed_next_time() {
    stops_cleanly_on(libc::SIGTERM);
}

#[test]
fn ctrl_c_removes_the_work_folder() {
    stops_cleanly_on(libc::SIGINT);
}

fn stops_cleanly_on(sig: libc::c_int) {
    let site = copy_site(&fixture("minimal"));
    let tmp = tempfile::tempdir().unwrap();
    let stale = tmp
        .path()
        .join(format!("helpsite-serve-{}-abc123", dead_pid()));
    std::fs::create_dir_all(stale.join("site")).unwrap();
    let unrelated = tmp.path().join("helpsite-serve-notapid");
    std::fs::create_dir_all(&unrelated).unwrap();

    let mut server = start_with(site.path(), &[], Some(tmp.path()));
    assert_eq!(get(server.port, "/en/").0, 200);
    let own = format!("helpsite-serve-{}-", server.child.id());
    let listed = entries(tmp.path());
    assert!(!stale.exists(), "{listed:?}");
    assert!(unrelated.exists());
    assert!(listed.iter().any(|n| n.starts_with(&own)), "{listed:?}");

    signal(&server.child, sig);
    let deadline = Instant::now() + Duration::from_secs(20);
    while server.child.try_wait().unwrap().is_none() {
        assert!(
            Instant::now() < deadline,
            "serve did not stop on signal {sig}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        entries(tmp.path()),
        vec!["helpsite-serve-notapid".to_string()]
    );
}
