//! The GitHub Pages workflow that `cpdblog init` writes, run rather than only parsed: each of
//! its shell steps in order, as the runner would (bash, `$GITHUB_PATH`, a clean `$HOME`), from
//! a fresh `init` site. The release it installs is a local copy holding this build of cpdblog,
//! published in the layout and with the checksum file of the real releases; the only thing
//! changed in the workflow is where the releases are (`CPDBLOG_RELEASES`). The folder it would
//! upload is checked as GitHub would serve it.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::stderr;
use serde_yaml::Value;

/// The repository the test blog is published from, and so its Pages address.
const REPO: &str = "alex-example/cpd-reflections";

/// A machine like GitHub's runner: a home, a workspace holding the site, a release to install.
struct Runner {
    _dir: tempfile::TempDir,
    home: PathBuf,
    site: PathBuf,
    releases: PathBuf,
}

impl Runner {
    /// A fresh `cpdblog init --github REPO` site, with one more post, and a local release.
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (home, site, releases) = (dir.path().join("home"), dir.path().join("blog"), dir.path().join("releases"));
        std::fs::create_dir_all(&home).unwrap();
        let out = cpdblog(dir.path(), &["init", "--github", REPO, "blog"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let out = cpdblog(&site, &["new", "--thing", "6"]);
        assert!(out.status.success(), "{}", stderr(&out));
        publish_release(&releases);
        Self { _dir: dir, home, site, releases }
    }

    fn workflow(&self) -> Value {
        let text = std::fs::read_to_string(self.site.join(".github/workflows/pages.yml")).unwrap();
        serde_yaml::from_str(&text).unwrap()
    }

    /// Runs the `build` job; returns the folder `upload-pages-artifact` would upload, as it
    /// would upload it (hidden files left out), and what the steps printed.
    fn run_build(&self, pages_base_url: &str) -> (BTreeMap<String, Vec<u8>>, String) {
        let workflow = self.workflow();
        let mut env = self.job_env(&workflow);
        let github_path = self.home.join("github_path");
        std::fs::write(&github_path, "").unwrap();
        env.insert("GITHUB_PATH".into(), github_path.display().to_string());
        let mut outputs = BTreeMap::new();
        let mut printed = String::new();
        let mut artifact = None;
        for step in workflow["jobs"]["build"]["steps"].as_sequence().unwrap() {
            if let Some(action) = step["uses"].as_str() {
                match action.split('@').next().unwrap() {
                    // The runner's checkout is the site folder itself; `public/` is ignored by git.
                    "actions/checkout" => {
                        let _ = std::fs::remove_dir_all(self.site.join("public"));
                    }
                    "actions/configure-pages" => {
                        outputs.insert("steps.pages.outputs.base_url".to_string(), pages_base_url.to_string());
                    }
                    // The cache is the home folder, kept between runs.
                    "actions/cache" => {}
                    "actions/upload-pages-artifact" => {
                        artifact = Some(step["with"]["path"].as_str().unwrap().to_string())
                    }
                    other => panic!("the build job uses {other}, which this test does not know"),
                }
                continue;
            }
            let script = expand(step["run"].as_str().unwrap(), &env, &outputs);
            let mut step_env = env.clone();
            step_env.insert("PATH".into(), path_with(&github_path));
            if let Some(extra) = step["env"].as_mapping() {
                for (key, value) in extra {
                    step_env.insert(key.as_str().unwrap().into(), expand(value.as_str().unwrap(), &env, &outputs));
                }
            }
            let out = bash(&script, &self.site, &step_env);
            let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
            assert!(out.status.success(), "step {:?} failed:\n{text}", step["name"]);
            printed.push_str(&text);
        }
        let artifact = self.site.join(artifact.expect("the build job uploads a Pages artifact"));
        (uploaded(&artifact), printed)
    }

    /// The workflow's and the job's `env`, plus what the runner sets; the releases are the
    /// local ones.
    fn job_env(&self, workflow: &Value) -> BTreeMap<String, String> {
        let mut env = BTreeMap::new();
        for source in [&workflow["env"], &workflow["jobs"]["build"]["env"]] {
            for (key, value) in source.as_mapping().into_iter().flatten() {
                env.insert(key.as_str().unwrap().to_string(), value.as_str().unwrap().to_string());
            }
        }
        env.insert("CPDBLOG_RELEASES".into(), format!("file://{}", self.releases.display()));
        env.insert("HOME".into(), self.home.display().to_string());
        env.insert("GITHUB_WORKSPACE".into(), self.site.display().to_string());
        env.insert("GITHUB_REPOSITORY".into(), REPO.into());
        env.insert("RUNNER_TEMP".into(), self.home.join("tmp").display().to_string());
        env.insert("CI".into(), "true".into());
        env.insert("GITHUB_ACTIONS".into(), "true".into());
        env.insert("NO_COLOR".into(), "1".into());
        env
    }
}

fn cpdblog(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cpdblog")).args(args).current_dir(dir).env("NO_COLOR", "1").output().unwrap()
}

/// The release archive for this machine, as dist lays it out: `cpdblog-TARGET.tar.xz` holding
/// `cpdblog-TARGET/cpdblog`, beside `cpdblog-TARGET.tar.xz.sha256`, under `vVERSION/`. Made
/// once per test run (compressing the binary takes a while) and copied for each test.
fn publish_release(releases: &Path) {
    static MADE: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let made = MADE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        make_release(dir.path());
        dir
    });
    common::copy_dir(made.path(), releases);
}

fn make_release(releases: &Path) {
    let target = format!("{}-unknown-linux-gnu", std::env::consts::ARCH);
    let folder = releases.join(format!("v{}", env!("CARGO_PKG_VERSION")));
    let staging = tempfile::tempdir().unwrap();
    let inside = staging.path().join(format!("cpdblog-{target}"));
    std::fs::create_dir_all(&inside).unwrap();
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_cpdblog"), inside.join("cpdblog")).unwrap();
    let archive = format!("cpdblog-{target}.tar.xz");
    let tar = Command::new("tar")
        .args(["-cJf", folder.join(&archive).to_str().unwrap(), "-C", staging.path().to_str().unwrap()])
        .arg(format!("cpdblog-{target}"))
        .env("XZ_OPT", "-0 -T0")
        .output()
        .unwrap();
    assert!(tar.status.success(), "{}", stderr(&tar));
    let sum = Command::new("sha256sum").arg(&archive).current_dir(&folder).output().unwrap();
    assert!(sum.status.success(), "{}", stderr(&sum));
    // dist writes `HASH *NAME`.
    let hash = String::from_utf8_lossy(&sum.stdout).split_whitespace().next().unwrap().to_string();
    std::fs::write(folder.join(format!("{archive}.sha256")), format!("{hash} *{archive}\n")).unwrap();
}

/// `${{ … }}` expressions of a step, as the runner fills them in. One this test does not
/// know fails it, so the workflow cannot grow one untested.
fn expand(text: &str, env: &BTreeMap<String, String>, outputs: &BTreeMap<String, String>) -> String {
    let mut result = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        let end = rest[start..].find("}}").expect("an expression is closed") + start;
        let expression = rest[start + 3..end].trim();
        let value = match expression.strip_prefix("env.") {
            Some(name) => env.get(name).cloned(),
            None => outputs.get(expression).cloned(),
        };
        result.push_str(&rest[..start]);
        result.push_str(&value.unwrap_or_else(|| panic!("unknown expression `{expression}` in a run step")));
        rest = &rest[end + 2..];
    }
    result + rest
}

/// The runner's PATH: the system's, after what steps added to `$GITHUB_PATH`. No cargo: the
/// release must be what installs cpdblog.
fn path_with(github_path: &Path) -> String {
    let added = std::fs::read_to_string(github_path).unwrap();
    let mut entries: Vec<&str> = added.lines().rev().collect();
    entries.extend(["/usr/local/bin", "/usr/bin", "/bin"]);
    entries.join(":")
}

/// Runs a step's script as GitHub runs `run:` on Linux: `bash --noprofile --norc -eo pipefail`.
fn bash(script: &str, dir: &Path, env: &BTreeMap<String, String>) -> std::process::Output {
    Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
        .current_dir(dir)
        .env_clear()
        .envs(env)
        .output()
        .unwrap()
}

/// The files `upload-pages-artifact` takes from `folder`: all but hidden ones.
fn uploaded(folder: &Path) -> BTreeMap<String, Vec<u8>> {
    common::tree(folder).into_iter().filter(|(path, _)| !path.split('/').any(|part| part.starts_with('.'))).collect()
}

/// Every `href="/…"` and `src="/…"` of the site's pages.
fn local_links(files: &BTreeMap<String, Vec<u8>>) -> Vec<(String, String)> {
    let mut links = Vec::new();
    for (path, bytes) in files.iter().filter(|(path, _)| path.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        for attribute in ["href=\"/", "src=\"/"] {
            for (at, _) in html.match_indices(attribute) {
                let start = at + attribute.len() - 1;
                let end = html[start..].find('"').unwrap() + start;
                links.push((path.clone(), html[start..end].to_string()));
            }
        }
    }
    links
}

/// Whether `link` (a path on the site, after the base path) names a file of `files`.
fn resolves(files: &BTreeMap<String, Vec<u8>>, link: &str) -> bool {
    let path = link.split(['#', '?']).next().unwrap().trim_start_matches('/');
    (path.is_empty() && files.contains_key("index.html"))
        || files.contains_key(path)
        || files.contains_key(&format!("{}/index.html", path.trim_end_matches('/')))
}

#[test]
fn the_pages_workflow_installs_the_release_and_uploads_the_whole_site_under_its_base_path() {
    let runner = Runner::new();
    let workflow = runner.workflow();
    assert_eq!(workflow["env"]["CPDBLOG_VERSION"].as_str(), Some(env!("CARGO_PKG_VERSION")));
    let releases = format!("{}/releases/download", env!("CARGO_PKG_REPOSITORY"));
    assert_eq!(workflow["env"]["CPDBLOG_RELEASES"].as_str(), Some(releases.as_str()), "the project's own releases");

    let (files, printed) = runner.run_build("https://alex-example.github.io/cpd-reflections");
    assert!(printed.contains(&format!("cpdblog-{}-unknown-linux-gnu.tar.xz: OK", std::env::consts::ARCH)), "{printed}");
    assert!(!printed.contains("::warning::"), "the prebuilt release was used: {printed}");
    assert!(runner.home.join(".cpdblog/bin/cpdblog").is_file(), "installed where the cache keeps it");
    // Every file a local build of the same site makes is uploaded, and nothing else.
    let local = runner.site.parent().unwrap().join("local");
    let url = "https://alex-example.github.io/cpd-reflections/";
    let out = cpdblog(&runner.site, &["build", "--base-url", url, "--output", local.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let expected: Vec<String> = uploaded(&local).into_keys().collect();
    assert_eq!(files.keys().cloned().collect::<Vec<_>>(), expected);
    for page in
        ["index.html", "posts/thing-6-online-networks/index.html", "things/6/index.html", "portfolio/index.html"]
    {
        assert!(files.contains_key(page), "{page} is uploaded");
    }
    let links = local_links(&files);
    assert!(links.len() > 50, "{links:?}");
    for (page, link) in &links {
        let inside = link.strip_prefix("/cpd-reflections/");
        assert!(inside.is_some(), "{page} links to {link}, outside the Pages base path");
        assert!(resolves(&files, inside.unwrap()), "{page} links to {link}, which is not uploaded");
    }
    let post = String::from_utf8_lossy(&files["posts/thing-6-online-networks/index.html"]).into_owned();
    assert!(
        post.contains("https://github.com/alex-example/cpd-reflections/issues/new?title=Comment%20on%20"),
        "the comment link opens an issue in the blog's repository"
    );
    let feed = String::from_utf8_lossy(&files["atom.xml"]).into_owned();
    assert!(feed.contains("https://alex-example.github.io/cpd-reflections/posts/thing-1-blogging/"), "{feed}");
}

#[test]
fn a_second_run_takes_cpdblog_from_the_cache_and_a_custom_domain_gets_its_cname() {
    let runner = Runner::new();
    runner.run_build("https://alex-example.github.io/cpd-reflections");
    let config = std::fs::read_to_string(runner.site.join("site.yaml")).unwrap();
    std::fs::write(
        runner.site.join("site.yaml"),
        config.replace("# cname: blog.example.org", "cname: blog.example.org"),
    )
    .unwrap();
    // Nothing to download from now on: a run that tried would fail.
    std::fs::remove_dir_all(&runner.releases).unwrap();

    // With a custom domain, configure-pages gives the domain as the base address.
    let (files, printed) = runner.run_build("https://blog.example.org");
    assert!(printed.contains(&format!("cpdblog {} is in the cache", env!("CARGO_PKG_VERSION"))), "{printed}");
    assert_eq!(files.get("CNAME").map(|c| String::from_utf8_lossy(c).into_owned()), Some("blog.example.org\n".into()));
    for (page, link) in local_links(&files) {
        assert!(!link.starts_with("/cpd-reflections/"), "{page} links to {link}");
        assert!(resolves(&files, &link), "{page} links to {link}, which is not uploaded");
    }
}

#[test]
fn a_release_whose_checksum_does_not_match_is_not_installed() {
    let runner = Runner::new();
    let folder = runner.releases.join(format!("v{}", env!("CARGO_PKG_VERSION")));
    let sums: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "sha256"))
        .collect();
    let text = std::fs::read_to_string(&sums[0]).unwrap();
    std::fs::write(&sums[0], format!("{}{}", "0".repeat(64), &text[64..])).unwrap();

    let workflow = runner.workflow();
    let install = workflow["jobs"]["build"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|step| step["name"].as_str() == Some("Install cpdblog"))
        .unwrap();
    let mut env = runner.job_env(&workflow);
    let github_path = runner.home.join("github_path");
    env.insert("GITHUB_PATH".into(), github_path.display().to_string());
    env.insert("PATH".into(), "/usr/bin:/bin".into());
    let out = bash(install["run"].as_str().unwrap(), &runner.site, &env);
    assert!(!out.status.success(), "a tampered release must stop the workflow");
    assert!(stderr(&out).contains("did NOT match"), "{}", stderr(&out));
    assert!(!runner.home.join(".cpdblog/bin/cpdblog").exists(), "nothing was installed");
}

#[test]
fn the_daily_run_keeps_the_workflow_switched_on() {
    let runner = Runner::new();
    let workflow = runner.workflow();
    assert_eq!(workflow["on"]["schedule"][0]["cron"].as_str(), Some("17 5 * * *"));
    let job = &workflow["jobs"]["keepalive"];
    assert_eq!(job["if"].as_str(), Some("github.event_name == 'schedule'"));
    assert_eq!(job["permissions"]["actions"].as_str(), Some("write"));
    assert_eq!(job["continue-on-error"].as_bool(), Some(true), "it never stops a publication");

    // `gh` records how it was called.
    let bin = runner.home.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let calls = runner.home.join("gh-calls");
    let gh = format!("#!/bin/sh\necho \"$GH_TOKEN $*\" >> '{}'\n", calls.display());
    std::fs::write(bin.join("gh"), gh).unwrap();
    Command::new("chmod").arg("+x").arg(bin.join("gh")).status().unwrap();
    let step = &job["steps"][0];
    let mut env = BTreeMap::new();
    env.insert("PATH".to_string(), format!("{}:/usr/bin:/bin", bin.display()));
    env.insert("GITHUB_REPOSITORY".into(), REPO.into());
    env.insert("GITHUB_WORKFLOW_REF".into(), format!("{REPO}/.github/workflows/pages.yml@refs/heads/main"));
    let outputs = BTreeMap::from([("github.token".to_string(), "TOKEN".to_string())]);
    env.insert("GH_TOKEN".into(), expand(step["env"]["GH_TOKEN"].as_str().unwrap(), &env, &outputs));
    let out = bash(step["run"].as_str().unwrap(), &runner.site, &env);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&calls).unwrap(),
        format!("TOKEN api --method PUT repos/{REPO}/actions/workflows/pages.yml/enable\n")
    );
}
