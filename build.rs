//! Embeds `rules/*.yaml` and `report-templates/**` into the binary.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn embed(name: &str, dir: &str, keep: fn(&Path) -> bool) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    println!("cargo:rerun-if-changed={dir}");
    let mut list = Vec::new();
    files(&root, &mut list);
    let mut code = format!(
        "/// Embedded `{dir}/` files: (relative path, text).\npub static {name}: &[(&str, &str)] = &[\n"
    );
    for path in list.iter().filter(|p| keep(p)) {
        println!("cargo:rerun-if-changed={}", path.display());
        let rel = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        let _ = writeln!(
            code,
            "    ({rel:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    code.push_str("];\n");
    code
}

fn main() {
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    let rules = embed("BUNDLED_RULES", "rules", |p| {
        p.extension().is_some_and(|e| e == "yaml" || e == "yml")
    });
    let templates = embed("BUNDLED_TEMPLATES", "report-templates", |p| {
        p.extension()
            .is_some_and(|e| e == "j2" || e == "yaml" || e == "html" || e == "md" || e == "css")
    });
    let _ = fs::write(out.join("bundled_rules.rs"), rules);
    let _ = fs::write(out.join("bundled_templates.rs"), templates);
}
