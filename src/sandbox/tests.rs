use std::path::Path;

use super::*;

fn project() -> (tempfile::TempDir, Sandbox) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("project")).unwrap();
    let sandbox = Sandbox::new(&dir.path().join("project")).unwrap();
    (dir, sandbox)
}

fn inside(dir: &tempfile::TempDir, name: &str) -> std::path::PathBuf {
    dir.path().join("project").join(name)
}

#[test]
fn a_file_inside_is_read_and_its_byte_order_mark_dropped() {
    let (dir, sandbox) = project();
    std::fs::write(inside(&dir, "a.toml"), "\u{feff}date = 2026-01-01\n").unwrap();
    let text = sandbox.read_text(&inside(&dir, "a.toml"), Kind::Finding).unwrap();
    assert_eq!(text, "date = 2026-01-01\n");
}

#[test]
fn a_file_outside_the_project_is_refused_by_path_or_symlink() {
    let (dir, sandbox) = project();
    std::fs::write(dir.path().join("secret"), "password").unwrap();
    let err = sandbox.read(&dir.path().join("secret"), Kind::Finding).unwrap_err();
    assert!(matches!(err, ReadError::Outside { .. }), "{err}");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path().join("secret"), inside(&dir, "link.toml")).unwrap();
        let err = sandbox.read(&inside(&dir, "link.toml"), Kind::Finding).unwrap_err();
        assert!(matches!(err, ReadError::Outside { .. }), "{err}");
        assert!(!err.to_string().contains("password"));
        let through_dots = inside(&dir, "../secret");
        assert!(matches!(
            sandbox.read(&through_dots, Kind::Finding).unwrap_err(),
            ReadError::Outside { .. }
        ));
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_inside_the_project_is_followed() {
    let (dir, sandbox) = project();
    std::fs::write(inside(&dir, "real.toml"), "x").unwrap();
    std::os::unix::fs::symlink(inside(&dir, "real.toml"), inside(&dir, "alias.toml")).unwrap();
    assert_eq!(sandbox.read(&inside(&dir, "alias.toml"), Kind::Finding).unwrap(), b"x");
}

#[cfg(unix)]
#[test]
fn a_named_pipe_a_device_and_a_folder_are_refused_without_reading() {
    let (dir, sandbox) = project();
    let fifo = inside(&dir, "pipe.toml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    // Nothing ever writes to the pipe: reading it would block forever.
    let err = sandbox.read(&fifo, Kind::Finding).unwrap_err();
    assert!(err.to_string().contains("is a named pipe, not a file"), "{err}");
    let err = sandbox.read(Path::new("/dev/zero"), Kind::Finding).unwrap_err();
    assert!(matches!(err, ReadError::NotAFile { what: "a device", .. }), "{err}");
    let err = sandbox.read(&inside(&dir, ""), Kind::Finding).unwrap_err();
    assert!(matches!(err, ReadError::NotAFile { what: "a folder", .. }), "{err}");
}

#[test]
fn a_file_over_its_kinds_limit_is_refused_with_both_sizes() {
    let (dir, sandbox) = project();
    let big = vec![b'a'; Kind::Config.limit() as usize + 1];
    std::fs::write(inside(&dir, "letterpress.toml"), &big).unwrap();
    let err = sandbox.read(&inside(&dir, "letterpress.toml"), Kind::Config).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{} is 64 KB, more than the 64 KB letterpress reads for letterpress.toml",
            inside(&dir, "letterpress.toml").display()
        )
    );
    assert!(sandbox.read(&inside(&dir, "letterpress.toml"), Kind::Finding).is_ok());
}

#[test]
fn text_that_is_not_utf8_names_its_line() {
    let (dir, sandbox) = project();
    std::fs::write(inside(&dir, "w.toml"), b"a = 1\nname = \"Caf\xe9\"\n").unwrap();
    let err = sandbox.read_text(&inside(&dir, "w.toml"), Kind::Finding).unwrap_err();
    assert!(matches!(err, ReadError::NotText { line: 2, .. }), "{err}");
    assert!(err.to_string().ends_with("save it as UTF-8"));
}

#[cfg(unix)]
#[test]
fn swapping_a_file_for_a_symlink_out_never_leaks_the_outside_file() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let (dir, sandbox) = project();
    std::fs::write(dir.path().join("secret"), "outside").unwrap();
    let target = inside(&dir, "letter.toml");
    let (stop, swaps) = (AtomicBool::new(false), AtomicUsize::new(0));
    let (mut reads, mut leaks) = (0, 0);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let (spare_real, spare_link) = (inside(&dir, "real2"), inside(&dir, "link2"));
            while !stop.load(Ordering::Relaxed) {
                std::fs::write(&spare_real, "inside").unwrap();
                std::fs::rename(&spare_real, &target).unwrap();
                std::os::unix::fs::symlink(dir.path().join("secret"), &spare_link).unwrap();
                std::fs::rename(&spare_link, &target).unwrap();
                swaps.fetch_add(1, Ordering::Relaxed);
            }
        });
        // At least 2,000 swaps and 2,000 reads, whichever takes longer.
        while reads < 2_000 || swaps.load(Ordering::Relaxed) < 2_000 {
            if sandbox.read(&target, Kind::Finding).is_ok_and(|bytes| bytes != b"inside") {
                leaks += 1;
            }
            reads += 1;
        }
        stop.store(true, Ordering::Relaxed);
    });
    assert_eq!(leaks, 0, "the outside file came in {leaks} times in {reads} reads");
}
