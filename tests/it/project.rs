//! An inspectorate's own project, outside this repository: `init`, render
//! from a subfolder, override a built-in template, add a font.

use crate::common;

use common::*;
use predicates::str::contains;

#[test]
fn a_project_of_its_own_from_init_to_overrides_and_fonts() {
    let outside = tempfile::tempdir().unwrap();
    let root = outside.path().join("office");
    letterpress().current_dir(outside.path()).args(["init", "office"]).assert().success();
    for file in ["letterpress.toml", "letters/example.toml", "templates/README.md", "words.txt"] {
        assert!(root.join(file).is_file(), "{file} missing");
    }
    // The example letter passes the prose checks as it comes.
    letterpress()
        .current_dir(&root)
        .args(["check", "--deny-warnings", "letters/example.toml"])
        .assert()
        .success();
    letterpress()
        .current_dir(outside.path())
        .args(["init", "office"])
        .assert()
        .code(1)
        .stderr(contains("not overwriting"));

    // Render from a subfolder: the project is found upwards; built-in
    // templates are used, as the project has none of its own.
    let letters = root.join("letters");
    letterpress().current_dir(&letters).args(["render", "example.toml"]).assert().success();
    let pdf = root.join("out/example.pdf");
    assert!(pdf_text(&pdf).contains("Yours sincerely"));

    // Override the wording: eject the built-in template, by the name finding
    // files use, and change a sentence; the closing is a setting.
    letterpress()
        .current_dir(&letters)
        .args(["templates", "--eject", "monitoring"])
        .assert()
        .success();
    let wording = root.join("templates/monitoring.md.tera");
    let text = std::fs::read_to_string(&wording).unwrap();
    std::fs::write(&wording, text.replace("I would like to thank you", "We thank you")).unwrap();
    let config = root.join("letterpress.toml");
    let settings = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{settings}\n[closing]\nen = \"With kind regards\"\n"))
        .unwrap();
    letterpress().current_dir(&letters).args(["render", "example.toml"]).assert().success();
    let words = pdf_text(&pdf);
    assert!(words.contains("With kind regards") && !words.contains("Yours sincerely"));
    assert!(words.contains("We thank you") && !words.contains("I would like to thank"));
    letterpress()
        .current_dir(&root)
        .arg("templates")
        .assert()
        .success()
        .stdout(contains("monitoring\tproject, overrides built-in\tPost inspection monitoring"))
        .stdout(contains("monitoring.cy\tbuilt-in\t"))
        .stdout(contains("brief\tbuilt-in\tOne-page summary"))
        .stdout(contains("layout\tbuilt-in"));

    // A font the layout names but nobody provides is an error naming it.
    letterpress().current_dir(&root).args(["templates", "--eject", "layout"]).assert().success();
    let layout = root.join("templates/layout.typ");
    let original = std::fs::read_to_string(&layout).unwrap();
    std::fs::write(&layout, original.replace("\"Liberation Sans\"", "\"Liberation Serif\""))
        .unwrap();
    letterpress()
        .current_dir(&root)
        .args(["render", "letters/example.toml"])
        .assert()
        .code(1)
        .stderr(contains("unknown font family: liberation serif"))
        .stderr(contains("fonts/"));

    // Adding the font file to the project's fonts/ makes it available.
    std::fs::create_dir_all(root.join("fonts")).unwrap();
    std::fs::copy(
        repo().join("tests/fixtures/fonts/LiberationSerif-Regular.ttf"),
        root.join("fonts/LiberationSerif-Regular.ttf"),
    )
    .unwrap();
    letterpress().current_dir(&root).args(["render", "letters/example.toml"]).assert().success();
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(
        bytes.windows(b"LiberationSerif".len()).any(|w| w == b"LiberationSerif"),
        "the project font is not in the PDF"
    );
}

#[test]
fn outside_any_project_suggests_init() {
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("x.toml"), "").unwrap();
    letterpress()
        .current_dir(empty.path())
        .args(["render", "x.toml"])
        .assert()
        .code(1)
        .stderr(contains("letterpress init"));
}

#[test]
fn project_option_overrides_discovery() {
    let elsewhere = tempfile::tempdir().unwrap();
    let pdf = elsewhere.path().join("demo.pdf");
    letterpress()
        .current_dir(elsewhere.path())
        .arg("--project")
        .arg(fixtures())
        .arg("render")
        .arg(demo_finding())
        .arg("-o")
        .arg(&pdf)
        .assert()
        .success();
    assert!(pdf.is_file());
}

#[test]
fn completions_and_version() {
    letterpress().args(["completions", "bash"]).assert().success().stdout(contains("letterpress"));
    letterpress().arg("--version").assert().success().stdout(contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn a_file_that_cannot_be_written_exits_3_and_one_that_exists_exits_1() {
    let project = project_copy();
    // A file where a folder should be: no write can succeed, even as root.
    std::fs::write(project.path().join("blocked"), "").unwrap();
    letterpress()
        .current_dir(project.path())
        .args(["new", "blocked/north.toml"])
        .assert()
        .code(3)
        .stderr(contains("cannot write blocked"));
    letterpress()
        .current_dir(project.path())
        .args(["new", "letters/cafcass-greater-london.toml"])
        .assert()
        .code(1)
        .stderr(contains("already exists; not overwriting it"));

    std::fs::remove_dir_all(project.path().join("templates")).unwrap();
    std::fs::write(project.path().join("templates"), "").unwrap();
    letterpress()
        .current_dir(project.path())
        .args(["templates", "--eject", "layout.typ"])
        .assert()
        .code(3)
        .stderr(contains("cannot write"));
}

#[test]
fn schema_writes_every_kind_and_replaces_only_its_own() {
    let outside = tempfile::tempdir().unwrap();
    let root = outside.path().join("office");
    letterpress().current_dir(outside.path()).args(["init", "office"]).assert().success();
    let schema = |name: &str| root.join(format!("schemas/{name}.schema.json"));
    for name in ["monitoring", "brief"] {
        let text = std::fs::read_to_string(schema(name)).unwrap();
        assert!(text.contains("\"additionalProperties\": false"), "{text}");
    }
    assert!(!schema("monitoring.cy").exists(), "a Welsh letter is of its template's kind");
    letterpress()
        .current_dir(&root)
        .arg("schema")
        .assert()
        .success()
        .stderr(contains("up to date"));
    // A template of the project's own, which needs no areas, gets its schema.
    std::fs::write(
        root.join("templates/note.md.tera"),
        "+++\nabout = \"a note\"\nneeds = [\"overall\"]\n+++\nA note.\n",
    )
    .unwrap();
    letterpress()
        .current_dir(&root)
        .arg("schema")
        .assert()
        .success()
        .stderr(contains("wrote schemas/note.schema.json"));
    let note: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema("note")).unwrap()).unwrap();
    let required: Vec<&str> =
        note["required"].as_array().unwrap().iter().filter_map(|k| k.as_str()).collect();
    assert!(required.contains(&"overall") && !required.contains(&"visit"), "{required:?}");
    // A file it did not write is never replaced.
    std::fs::write(schema("note"), "{}\n").unwrap();
    letterpress()
        .current_dir(&root)
        .arg("schema")
        .assert()
        .code(1)
        .stderr(contains("was not written by `letterpress schema`"));
    assert_eq!(std::fs::read_to_string(schema("note")).unwrap(), "{}\n");
}
