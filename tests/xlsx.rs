//! Spreadsheet submissions and summaries (issue #20): the questionnaire workbook filled in
//! and assessed like its YAML twin, YAML → xlsx → YAML round trips for every bundled
//! catalog in both languages, a workbook filled the way people fill forms, zip bombs,
//! determinism, and (when LibreOffice is installed, always in CI) files saved by another
//! office suite.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx};
use serde_json::{Value, json};

mod support;
use support::{a1, convert_with_libreoffice, run, soffice, value_of, walk};

fn catalogs() -> Vec<String> {
    let mut ids: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
    ids.sort();
    ids
}

/// The result document of `file`, without what names the file itself.
fn result_of(file: &Path) -> Value {
    let (code, stdout, stderr) = run(&[
        "assess",
        file.to_str().unwrap(),
        "--format",
        "json",
        "--no-evidence-files",
    ]);
    assert!(code == 0 || code == 3, "{file:?}: exit {code}\n{stderr}");
    let mut v: Value = serde_json::from_str(&stdout).unwrap();
    v.as_object_mut().unwrap().remove("submission");
    v
}

/// `itss template --catalog CATALOG --format xlsx EXTRA… -o PATH`, which must succeed.
fn template_xlsx(catalog: &str, path: &Path, extra: &[&str]) {
    let mut args = vec!["template", "--catalog", catalog, "--format", "xlsx"];
    args.extend_from_slice(extra);
    args.extend(["-o", path.to_str().unwrap()]);
    let (code, _, e) = run(&args);
    assert_eq!(code, 0, "{e}");
}

/// One synthetic submission of a catalog (the seeded generator), as a file in `dir`.
fn sample(catalog: &str, dir: &Path) -> PathBuf {
    let out = dir.join("sample");
    let (code, _, stderr) = run(&[
        "sample",
        "--catalog",
        catalog,
        "--count",
        "3",
        "--invalid-per-mille",
        "0",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let mut files: Vec<PathBuf> = walk(&out)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files.remove(0)
}

#[test]
fn yaml_to_xlsx_to_yaml_keeps_everything_and_assesses_the_same_for_every_catalog() {
    let dir = tempfile::tempdir().unwrap();
    for catalog in catalogs() {
        let yaml = sample(&catalog, &dir.path().join(&catalog));
        let original = value_of(&yaml);
        let expected = result_of(&yaml);
        for lang in ["zh", "en"] {
            let xlsx = yaml.with_extension(format!("{lang}.xlsx"));
            let back = yaml.with_extension(format!("{lang}.back.yaml"));
            for (from, to, form) in [(&yaml, &xlsx, "xlsx"), (&xlsx, &back, "yaml")] {
                let (code, _, stderr) = run(&[
                    "convert",
                    from.to_str().unwrap(),
                    "--to",
                    form,
                    "--lang",
                    lang,
                    "-o",
                    to.to_str().unwrap(),
                ]);
                assert_eq!(code, 0, "{catalog} {lang}: {stderr}");
            }
            assert_eq!(value_of(&back), original, "{catalog} {lang}: round trip");
            assert_eq!(
                result_of(&xlsx),
                expected,
                "{catalog} {lang}: result from xlsx"
            );
        }
    }
}

#[test]
fn round_trip_keeps_what_no_column_holds() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = dir.path().join("odd.yaml");
    std::fs::write(
        &yaml,
        r#"id: odd-1
catalog: itss-om
catalog_version: "2015"
assessed_on: 2026-10-01
target_level: 3
organization:
  name: "  某某公司  "
  credit_code: "91110000802100433B"
  legal_entity: true
  business_since: 2019-03-01
  system_since: 1899-12-31
  headcount: 120
  code_like: "0755"
  certificates:
    - {catalog: itss-om, level: "4", issued_on: 2024-06-01, expires_on: 2027-05-31, number: "ITSS-OM-4-0001"}
    - {catalog: itss-om, level: 3}
  facts:
    sla_requires_spares: true
    nested: {deep: {value: 1.5, list: [1, "two"]}}
answers:
  OM.L4.PPL.TRAIN:
    rating: conform
    note: "多行\n说明"
    evidence:
      - {path: evidence/a.pdf, dated: 2026-03-01, title: 培训计划}
      - {path: evidence/b.pdf, sha256: "0000000000000000000000000000000000000000000000000000000000000000"}
      - {path: " spaced.pdf ", dated: "2026/3/1"}
      - {path: old.pdf, dated: 1850-01-01}
    metrics: {training_coverage: 0.93, not_in_catalog: 7, training_effectiveness: null}
  OM.L4.MGT.POLICY: {rating: partial, note: "   "}
  NOT.A.CRITERION: {rating: na, note: 其他}
"#,
    )
    .unwrap();
    let original = value_of(&yaml);
    for lang in ["zh", "en"] {
        let xlsx = dir.path().join(format!("odd-{lang}.xlsx"));
        let back = dir.path().join(format!("odd-{lang}.json"));
        let (code, _, e) = run(&[
            "convert",
            yaml.to_str().unwrap(),
            "--to",
            "xlsx",
            "--lang",
            lang,
            "-o",
            xlsx.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{e}");
        let (code, _, e) = run(&[
            "convert",
            xlsx.to_str().unwrap(),
            "--to",
            "json",
            "-o",
            back.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{e}");
        let back: Value = serde_json::from_slice(&std::fs::read(&back).unwrap()).unwrap();
        assert_eq!(back, original, "{lang}");
    }
}

/// The (sheet, A1 cell) of every fill column of a questionnaire, found by its key row.
struct Layout {
    /// criterion id → (sheet index, row) and the columns of its sheet.
    rows: BTreeMap<String, (usize, u32)>,
    columns: Vec<BTreeMap<String, u32>>,
    metric_ids: BTreeMap<String, Vec<String>>,
    general: (usize, BTreeMap<String, u32>),
}

fn layout(bytes: &[u8]) -> Layout {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut layout = Layout {
        rows: BTreeMap::new(),
        columns: Vec::new(),
        metric_ids: BTreeMap::new(),
        general: (0, BTreeMap::new()),
    };
    for (i, name) in book.sheet_names().into_iter().enumerate() {
        let range = book.worksheet_range(&name).unwrap();
        let start = range.start().unwrap_or((0, 0));
        let cell = |r: u32, c: u32| -> String {
            range
                .get_value((r, c))
                .map(|d| match d {
                    Data::String(s) => s.clone(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .unwrap_or_default()
        };
        assert_eq!(start.0, 0);
        let keys: BTreeMap<String, u32> = (0..range.width() as u32)
            .map(|c| (cell(0, c), c))
            .filter(|(k, _)| !k.is_empty())
            .collect();
        layout.columns.push(keys.clone());
        if keys.contains_key("pointer") {
            let mut rows = BTreeMap::new();
            for r in 2..range.height() as u32 {
                rows.insert(cell(r, keys["pointer"]), r);
            }
            layout.general = (i, rows);
        }
        if keys.contains_key("rating") && keys.contains_key("metric_ids") {
            for r in 2..range.height() as u32 {
                let id = cell(r, keys["id"]);
                if !id.is_empty() {
                    layout.rows.insert(id.clone(), (i, r));
                    let ids = cell(r, keys["metric_ids"]);
                    layout.metric_ids.insert(
                        id,
                        ids.split(',')
                            .filter(|s| !s.is_empty())
                            .map(str::to_owned)
                            .collect(),
                    );
                }
            }
        }
    }
    layout
}

/// A cell value to type into a workbook.
enum Typed {
    Text(String),
    Number(f64),
}

/// Fills blank cells of a workbook the way a spreadsheet program saves what was typed:
/// the sheet's `<c r="X" s="n"/>` becomes a cell with a value (an inline string or a
/// number), everything else — styles, validation, protection — as it was.
fn fill(bytes: &[u8], edits: &[(usize, u32, u32, Typed)]) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        let name = file.name().unwrap().into_owned();
        let mut content = Vec::new();
        file.read_to_end(&mut content).unwrap();
        for (sheet, row, col, value) in edits {
            if name != format!("xl/worksheets/sheet{}.xml", sheet + 1) {
                continue;
            }
            let mut text = String::from_utf8(content).unwrap();
            let r = a1(*row, *col);
            let open = format!("<c r=\"{r}\"");
            let at = text
                .find(&open)
                .unwrap_or_else(|| panic!("no cell {r} in {name}"));
            let end = at + text[at..].find("/>").unwrap();
            let attrs = text[at + open.len()..end].to_owned();
            let cell = match value {
                Typed::Text(s) => format!(
                    "<c r=\"{r}\"{attrs} t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
                    s.replace('&', "&amp;").replace('<', "&lt;")
                ),
                Typed::Number(n) => format!("<c r=\"{r}\"{attrs}><v>{n}</v></c>"),
            };
            text.replace_range(at..end + 2, &cell);
            content = text.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&content).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn a_filled_template_assesses_like_the_same_answers_in_yaml_for_every_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let labels = |lang: &str, code: &str| -> String {
        let zh = [
            ("conform", "符合"),
            ("partial", "部分符合"),
            ("nonconform", "不符合"),
        ];
        let en = [
            ("conform", "Conform"),
            ("partial", "Partial"),
            ("nonconform", "Nonconform"),
        ];
        let table = if lang == "zh" { zh } else { en };
        table.iter().find(|(c, _)| *c == code).unwrap().1.to_owned()
    };
    for catalog in catalogs() {
        for lang in ["zh", "en"] {
            let template = dir.path().join(format!("{catalog}-{lang}.xlsx"));
            template_xlsx(
                &catalog,
                &template,
                &["--lang", lang, "--as-of", "2026-10-01"],
            );
            let bytes = std::fs::read(&template).unwrap();
            let l = layout(&bytes);
            let mut edits = Vec::new();
            let (g, general) = &l.general;
            let value_col = l.columns[*g]["value"];
            edits.push((
                *g,
                general["/organization/name"],
                value_col,
                Typed::Text("测试单位有限公司".into()),
            ));
            let mut answers = serde_json::Map::new();
            for (k, (id, (sheet, row))) in l.rows.iter().enumerate() {
                let rating = ["conform", "partial", "nonconform", "conform"][k % 4];
                if k % 5 == 4 {
                    continue; // unanswered
                }
                let cols = &l.columns[*sheet];
                edits.push((
                    *sheet,
                    *row,
                    cols["rating"],
                    Typed::Text(labels(lang, rating)),
                ));
                edits.push((*sheet, *row, cols["note"], Typed::Text(format!("说明 {k}"))));
                let mut metrics = serde_json::Map::new();
                for (slot, metric) in l.metric_ids[id].iter().enumerate() {
                    let v = [0.95, 0.5, 1.0][(k + slot) % 3];
                    edits.push((
                        *sheet,
                        *row,
                        cols[&format!("metric{}", slot + 1)],
                        Typed::Number(v),
                    ));
                    let v = if v == 1.0 { json!(1) } else { json!(v) };
                    metrics.insert(metric.clone(), v);
                }
                let mut answer = json!({"rating": rating, "note": format!("说明 {k}")});
                if !metrics.is_empty() {
                    answer["metrics"] = Value::Object(metrics);
                }
                answers.insert(id.clone(), answer);
            }
            let filled = dir.path().join(format!("{catalog}-{lang}-filled.xlsx"));
            std::fs::write(&filled, fill(&bytes, &edits)).unwrap();
            let version = value_of(&filled)["catalog_version"].clone();
            let twin = json!({
                "catalog": catalog,
                "catalog_version": version,
                "assessed_on": "2026-10-01",
                "organization": {"name": "测试单位有限公司"},
                "answers": answers,
            });
            let twin_path = dir.path().join(format!("{catalog}-{lang}-twin.json"));
            std::fs::write(&twin_path, twin.to_string()).unwrap();
            assert_eq!(value_of(&filled), twin, "{catalog} {lang}: the value read");
            assert_eq!(
                result_of(&filled),
                result_of(&twin_path),
                "{catalog} {lang}"
            );
        }
    }
}

/// A workbook as people really fill one in: Chinese labels, a rating typed in lower case
/// and another with full-width letters and spaces, 92% in a ratio column (a percentage
/// cell, and one typed as text), the criterion cell of two evidence rows merged, a date
/// cell and a date typed as text, a trailing blank row.
fn realistic(dir: &Path) -> PathBuf {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let general = book.add_worksheet();
    general.set_name("基本信息").unwrap();
    for (c, k) in ["label", "value", "help", "pointer", "type"]
        .iter()
        .enumerate()
    {
        general.write_string(0, c as u16, *k).unwrap();
    }
    general.write_string(1, 0, "项目").unwrap();
    let date = Format::new().set_num_format("yyyy/m/d");
    let rows: [(&str, &str, &str); 5] = [
        ("评估目录", "/catalog", "code"),
        ("单位全称", "/organization/name", "text"),
        ("评估基准日", "/assessed_on", "date"),
        ("独立法人资格", "/organization/legal_entity", "bool"),
        ("目标级别", "/target_level", "code"),
    ];
    for (i, (label, pointer, kind)) in rows.iter().enumerate() {
        let r = 2 + i as u32;
        general.write_string(r, 0, *label).unwrap();
        general.write_string(r, 3, *pointer).unwrap();
        general.write_string(r, 4, *kind).unwrap();
    }
    general.write_string(2, 1, "itss-om").unwrap();
    general
        .write_string(3, 1, " 某某信息技术有限公司 ")
        .unwrap();
    general
        .write_datetime_with_format(4, 1, ExcelDateTime::from_ymd(2026, 10, 1).unwrap(), &date)
        .unwrap();
    general.write_string(5, 1, "是").unwrap();
    general.write_number(6, 1, 4.0).unwrap();

    let sheet = book.add_worksheet();
    sheet.set_name("人员").unwrap();
    for (c, k) in [
        "id",
        "title",
        "rating",
        "metric1",
        "metric2",
        "note",
        "metric_ids",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, c as u16, *k).unwrap();
    }
    sheet.write_string(1, 0, "条款编号").unwrap();
    let percent = Format::new().set_num_format("0%");
    sheet.write_string(2, 0, "OM.L4.PPL.TRAIN").unwrap();
    sheet.write_string(2, 2, "conform").unwrap();
    sheet
        .write_number_with_format(2, 3, 0.92, &percent)
        .unwrap();
    sheet.write_string(2, 4, "９２％").unwrap();
    sheet.write_string(2, 5, "年度培训计划已执行").unwrap();
    sheet
        .write_string(2, 6, "training_coverage,training_effectiveness")
        .unwrap();
    sheet.write_string(3, 0, " OM.L4.PPL.ROLES ").unwrap();
    sheet.write_string(3, 2, "　ＰＡＲＴＩＡＬ ").unwrap();
    // Two rows that share one note, merged as people do.
    sheet.write_string(4, 0, "OM.L4.PPL.SKILL").unwrap();
    sheet.write_string(4, 2, "不符合").unwrap();
    sheet
        .merge_range(4, 5, 5, 5, "两条要求尚未落实", &Format::new())
        .unwrap();
    sheet.write_string(5, 0, "OM.L4.PPL.KEYPOST").unwrap();
    sheet.write_string(5, 2, "符合").unwrap();
    // A trailing row of spaces.
    sheet.write_string(6, 0, " ").unwrap();
    sheet.write_string(6, 2, "  ").unwrap();

    let ev = book.add_worksheet();
    ev.set_name("证据").unwrap();
    for (c, k) in ["criterion", "path", "title", "dated", "sha256"]
        .iter()
        .enumerate()
    {
        ev.write_string(0, c as u16, *k).unwrap();
    }
    ev.write_string(1, 0, "条款编号").unwrap();
    ev.merge_range(2, 0, 3, 0, "OM.L4.PPL.TRAIN", &Format::new())
        .unwrap();
    ev.write_string(2, 1, "evidence/training-plan.pdf").unwrap();
    ev.write_datetime_with_format(2, 3, ExcelDateTime::from_ymd(2026, 3, 1).unwrap(), &date)
        .unwrap();
    ev.write_string(3, 1, "evidence/training-records.pdf")
        .unwrap();
    ev.write_string(3, 3, "2026年3月15日").unwrap();
    ev.write_string(4, 0, "").unwrap();
    let path = dir.join("realistic.xlsx");
    book.save(&path).unwrap();
    path
}

#[test]
fn a_workbook_filled_the_way_people_fill_forms_reads_as_its_yaml_twin() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = realistic(dir.path());
    let expected = json!({
        "catalog": "itss-om",
        "assessed_on": "2026-10-01",
        "target_level": 4,
        "organization": {"name": "某某信息技术有限公司", "legal_entity": true},
        "answers": {
            "OM.L4.PPL.TRAIN": {
                "rating": "conform",
                "note": "年度培训计划已执行",
                "metrics": {"training_coverage": 0.92, "training_effectiveness": 0.92},
                "evidence": [
                    {"path": "evidence/training-plan.pdf", "dated": "2026-03-01"},
                    {"path": "evidence/training-records.pdf", "dated": "2026-03-15"}
                ]
            },
            "OM.L4.PPL.ROLES": {"rating": "partial"},
            "OM.L4.PPL.SKILL": {"rating": "nonconform", "note": "两条要求尚未落实"},
            "OM.L4.PPL.KEYPOST": {"rating": "conform", "note": "两条要求尚未落实"}
        }
    });
    assert_eq!(value_of(&xlsx), expected);
    let twin = dir.path().join("twin.yaml");
    std::fs::write(&twin, itss::internals::convert::to_yaml(&expected)).unwrap();
    assert_eq!(result_of(&xlsx), result_of(&twin));
}

#[test]
fn levels_and_facts_are_chosen_by_their_names() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("om.xlsx");
    template_xlsx("itss-om", &template, &["--as-of", "2026-10-01"]);
    let bytes = std::fs::read(&template).unwrap();
    let l = layout(&bytes);
    let (g, general) = &l.general;
    let columns = &l.columns[*g];
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    let name = book.sheet_names()[*g].clone();
    let range = book.worksheet_range(&name).unwrap();
    let text = |r: u32, c: u32| {
        range
            .get_value((r, c))
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    // The fact is named by what it means, not by its id.
    let fact = general["/organization/facts/sla_requires_spares"];
    assert_eq!(
        text(fact, columns["label"]),
        "服务目录或服务级别协议承诺提供备件服务"
    );
    assert!(text(fact, columns["help"]).contains("备件库要求适用"));
    // The target level offers the levels by name.
    let target = general["/target_level"];
    assert_eq!(text(target, columns["type"]), "choice");
    let choices: Value = serde_json::from_str(&text(target, columns["choices"])).unwrap();
    assert_eq!(choices["三级 拓展级"], json!("3"));
    assert_eq!(choices["四级 基本级"], json!("4"));

    let filled = dir.path().join("filled.xlsx");
    let edits = [
        (
            *g,
            target,
            columns["value"],
            Typed::Text("三级\u{3000}拓展级".into()),
        ),
        (*g, fact, columns["value"], Typed::Text("是".into())),
    ];
    std::fs::write(&filled, fill(&bytes, &edits)).unwrap();
    let value = value_of(&filled);
    assert_eq!(value["target_level"], json!("3"));
    assert_eq!(
        value["organization"]["facts"]["sla_requires_spares"],
        json!(true)
    );
    // Converted back, the level shows by name again and reads as the same id.
    let again = dir.path().join("again.xlsx");
    let back = dir.path().join("back.yaml");
    std::fs::write(&back, itss::internals::convert::to_yaml(&value)).unwrap();
    let (code, _, e) = run(&[
        "convert",
        back.to_str().unwrap(),
        "--to",
        "xlsx",
        "-o",
        again.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{e}");
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(std::fs::read(&again).unwrap())).unwrap();
    let range = book.worksheet_range(&name).unwrap();
    let l2 = layout(&std::fs::read(&again).unwrap());
    let row = l2.general.1["/target_level"];
    assert_eq!(
        range
            .get_value((row, l2.columns[l2.general.0]["value"]))
            .map(|d| d.to_string()),
        Some("三级 拓展级".to_owned())
    );
    assert_eq!(value_of(&again)["target_level"], json!("3"));
}

#[test]
fn diagnostics_name_the_sheet_and_cell_in_the_chosen_language() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = dir.path().join("s.yaml");
    std::fs::write(
        &yaml,
        "catalog: itss-om\nassessed_on: 2026-10-01\norganization: {name: 某某}\nanswers:\n  OM.L2.PPL.TRAIN: {rating: conform, metrics: {training_coverage: 92}}\n",
    )
    .unwrap();
    let xlsx = dir.path().join("s.xlsx");
    let (code, _, e) = run(&[
        "convert",
        yaml.to_str().unwrap(),
        "--to",
        "xlsx",
        "-o",
        xlsx.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{e}");
    let (code, _, stderr) = run(&["assess", xlsx.to_str().unwrap(), "--no-evidence-files"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("s.xlsx: 人员!"), "{stderr}");
    assert!(stderr.contains("「92」"), "{stderr}");
    assert!(stderr.contains("比率请写成小数"), "{stderr}");
    let (_, _, stderr) = run(&[
        "assess",
        xlsx.to_str().unwrap(),
        "--no-evidence-files",
        "--lang",
        "en",
    ]);
    assert!(stderr.contains("s.xlsx: 人员!L"), "{stderr}");
    assert!(stderr.contains("write 0.92, not 92"), "{stderr}");
    assert!(stderr.contains("cell content"), "{stderr}");
    // A rating and a date nobody can read are explained in the form's words.
    use rust_xlsxwriter::Workbook;
    let mut book = Workbook::new();
    let general = book.add_worksheet();
    general.set_name("基本信息").unwrap();
    for (c, k) in ["label", "value", "help", "pointer", "type"]
        .iter()
        .enumerate()
    {
        general.write_string(0, c as u16, *k).unwrap();
    }
    for (r, (pointer, value)) in [
        ("/catalog", "itss-om"),
        ("/assessed_on", "2026-10-01"),
        ("/organization/name", "某某"),
    ]
    .iter()
    .enumerate()
    {
        general.write_string(2 + r as u32, 3, *pointer).unwrap();
        general.write_string(2 + r as u32, 1, *value).unwrap();
    }
    let sheet = book.add_worksheet();
    sheet.set_name("人员").unwrap();
    for (c, k) in ["id", "rating"].iter().enumerate() {
        sheet.write_string(0, c as u16, *k).unwrap();
    }
    sheet.write_string(2, 0, "OM.L4.PPL.TRAIN").unwrap();
    sheet.write_string(2, 1, "好").unwrap();
    let ev = book.add_worksheet();
    ev.set_name("证据").unwrap();
    for (c, k) in ["criterion", "path", "title", "dated"].iter().enumerate() {
        ev.write_string(0, c as u16, *k).unwrap();
    }
    ev.write_string(2, 0, "OM.L4.PPL.TRAIN").unwrap();
    ev.write_string(2, 1, "a.pdf").unwrap();
    ev.write_string(2, 3, "下周").unwrap();
    let bad_xlsx = dir.path().join("bad.xlsx");
    book.save(&bad_xlsx).unwrap();
    let (code, _, stderr) = run(&["assess", bad_xlsx.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("评级「好」无法识别"), "{stderr}");
    assert!(stderr.contains("人员!B3"), "{stderr}");
    assert!(stderr.contains("日期「下周」无法识别"), "{stderr}");
    assert!(stderr.contains("bad.xlsx: 证据!D3"), "{stderr}");
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_inflated() {
    let dir = tempfile::tempdir().unwrap();
    // 64 MiB of zeros deflate to about 64 KiB: far under the file limit, far over the budget.
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file(
        "xl/worksheets/sheet1.xml",
        zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated),
    )
    .unwrap();
    let block = vec![b' '; 1 << 20];
    for _ in 0..64 {
        zip.write_all(&block).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    assert!(bytes.len() < 1 << 20, "{}", bytes.len());
    let bomb = dir.path().join("bomb.xlsx");
    std::fs::write(&bomb, &bytes).unwrap();
    let (code, _, stderr) = run(&["assess", bomb.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("xlsx-archive"), "{stderr}");
    assert!(stderr.contains("解压后超过"), "{stderr}");
    // A batch records it and goes on.
    let out = dir.path().join("out");
    let (code, _, stderr) = run(&[
        "batch",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    let errors = std::fs::read_to_string(out.join("errors.jsonl")).unwrap();
    assert!(errors.contains("xlsx-archive"), "{errors}");
    // Not a zip at all.
    std::fs::write(&bomb, b"not a zip").unwrap();
    let (code, _, stderr) = run(&["assess", bomb.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("not a readable .xlsx"), "{stderr}");
}

#[test]
fn workbooks_are_byte_identical_from_run_to_run() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.xlsx");
    let b = dir.path().join("b.xlsx");
    for p in [&a, &b] {
        template_xlsx("itss-om", p, &["--as-of", "2026-10-01"]);
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut summaries = Vec::new();
    for n in 0..2 {
        let out = dir.path().join(format!("out{n}"));
        let (code, _, e) = run(&[
            "batch",
            examples.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--generated-at",
            "2026-10-01T00:00:00Z",
            "-j",
            if n == 0 { "1" } else { "2" },
        ]);
        assert!(code == 0 || code == 1, "{e}");
        summaries.push(std::fs::read(out.join("summary.xlsx")).unwrap());
    }
    assert_eq!(summaries[0], summaries[1]);
}

#[test]
fn libreoffice_saves_our_workbooks_and_reads_our_summary() {
    if !soffice() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // A filled workbook (converted from an example), saved again by LibreOffice.
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/om-level3/submission.yaml");
    let ours = dir.path().join("ours").join("filled.xlsx");
    std::fs::create_dir_all(ours.parent().unwrap()).unwrap();
    let (code, _, e) = run(&[
        "convert",
        example.to_str().unwrap(),
        "--to",
        "xlsx",
        "-o",
        ours.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{e}");
    let saved_dir = dir.path().join("saved");
    std::fs::create_dir_all(&saved_dir).unwrap();
    let saved = convert_with_libreoffice(&ours, "xlsx", &saved_dir);
    assert_ne!(
        std::fs::read(&saved).unwrap(),
        std::fs::read(&ours).unwrap()
    );
    assert_eq!(value_of(&saved), value_of(&example));
    assert_eq!(result_of(&saved), result_of(&example));
    // The blank template too.
    let template = dir.path().join("ours").join("template.xlsx");
    template_xlsx("itss-om", &template, &["--as-of", "2026-10-01"]);
    let saved = convert_with_libreoffice(&template, "xlsx", &saved_dir);
    assert_eq!(value_of(&saved), value_of(&template));

    // summary.xlsx as LibreOffice reads it: ids, level names and scores of summary.json.
    let out = dir.path().join("out");
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let (code, _, e) = run(&[
        "batch",
        examples.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert!(code == 0 || code == 1, "{e}");
    // UTF-8, values not as shown (full precision).
    let csv = convert_with_libreoffice(
        &out.join("summary.xlsx"),
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false",
        &dir.path().join("csv"),
    );
    let text = std::fs::read_to_string(csv).unwrap();
    let ours = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let summary: Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let levels = &summary["catalogs"][0]["levels"];
    let name_of = |id: &str| -> String {
        levels
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["id"] == id)
            .map(|l| format!("{} {}", id, l["name"]["en"].as_str().unwrap()))
            .unwrap()
    };
    let lines: Vec<&str> = text.lines().collect();
    let ours: Vec<&str> = ours
        .lines()
        .filter(|l| l.split(',').nth(2) != Some("invalid"))
        .collect();
    assert_eq!(lines.len(), ours.len(), "{text}");
    for (theirs, mine) in lines.iter().zip(&ours).skip(1) {
        let t: Vec<&str> = theirs.split(',').collect();
        let m: Vec<&str> = mine.split(',').collect();
        assert_eq!(t[0], m[0], "id");
        if !m[7].is_empty() {
            assert_eq!(t[5], name_of(m[7]), "level name");
        }
        // A percentage cell exports as `60.43%`.
        let index: f64 = t[9].trim_end_matches('%').parse::<f64>().unwrap() / 100.0;
        let expected: f64 = m[11].parse().unwrap();
        assert!((index - expected).abs() < 1e-9, "{index} {expected}");
    }
}

#[test]
fn the_chinese_template_shows_no_english() {
    let dir = tempfile::tempdir().unwrap();
    for catalog in catalogs() {
        let path = dir.path().join(format!("{catalog}.xlsx"));
        template_xlsx(&catalog, &path, &["--as-of", "2026-10-01"]);
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(std::fs::read(&path).unwrap())).unwrap();
        let mut english = std::collections::BTreeSet::new();
        for name in book.sheet_names() {
            let range = book.worksheet_range(&name).unwrap();
            // Row 0 holds the hidden machine keys; the hidden columns have no header.
            let hidden: Vec<u32> = (0..range.width() as u32)
                .filter(|&c| {
                    matches!(range.get_value((1, c)), Some(Data::String(s)) if s.is_empty())
                        || range.get_value((1, c)).is_none_or(|d| *d == Data::Empty)
                })
                .collect();
            for (r, c, d) in range.used_cells() {
                if r == 0 || (r > 0 && hidden.contains(&(c as u32)) && name != "填写说明") {
                    continue;
                }
                let Data::String(s) = d else { continue };
                for word in s.split(|ch: char| !ch.is_ascii_alphabetic()) {
                    // Ids (OM.L4.PPL.TRAIN, itss-om), standard names and the command.
                    let allowed = word.len() < 3
                        || word.chars().all(|ch| ch.is_ascii_uppercase())
                        || [
                            "itss", "om", "cd", "ii", "assess", "xlsx", "yyyy", "mm", "dd",
                        ]
                        .contains(&word)
                        || s.contains(&format!("facts.{word}"));
                    if !allowed {
                        english.insert(format!(
                            "{name}!{}: {word} in {s:?}",
                            a1(r as u32, c as u32)
                        ));
                    }
                }
            }
        }
        assert!(english.is_empty(), "{catalog}: {english:#?}");
    }
}

#[test]
fn a_workbook_over_the_input_budget_is_refused_and_a_far_cell_costs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("t.xlsx");
    template_xlsx("itss-om", &template, &[]);
    // About 60 KB on disk, about 300 KB inflated: the budget counts the inflated size.
    let size = std::fs::metadata(&template).unwrap().len();
    let (code, _, stderr) = run(&[
        "assess",
        template.to_str().unwrap(),
        "--max-file-size",
        &(size * 2).to_string(),
        "--lang",
        "en",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("[xlsx-archive]"), "{stderr}");
    assert!(stderr.contains("counted uncompressed"), "{stderr}");

    // A sheet whose cells span a million rows and the last column is read sparsely.
    use rust_xlsxwriter::Workbook;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, k) in ["label", "value", "help", "pointer", "type"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *k).unwrap();
    }
    sheet.write_string(2, 3, "/catalog").unwrap();
    sheet.write_string(2, 1, "itss-om").unwrap();
    sheet.write_string(1_048_575, 16_383, "far").unwrap();
    sheet.write_string(1_048_575, 200, "far").unwrap();
    let far = dir.path().join("far.xlsx");
    book.save(&far).unwrap();
    let started = std::time::Instant::now();
    let (code, _, stderr) = run(&["assess", far.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("missing-field"), "{stderr}");
    assert!(started.elapsed().as_secs() < 20);
}

#[test]
fn the_english_template_shows_no_chinese() {
    let dir = tempfile::tempdir().unwrap();
    for catalog in catalogs() {
        let path = dir.path().join(format!("{catalog}-en.xlsx"));
        template_xlsx(&catalog, &path, &["--lang", "en"]);
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(std::fs::read(&path).unwrap())).unwrap();
        let mut chinese = Vec::new();
        for name in book.sheet_names() {
            assert!(!name.chars().any(is_cjk), "sheet {name}");
            let range = book.worksheet_range(&name).unwrap();
            // Catalog text (a translation may quote Chinese names) is the catalog tests' job.
            let catalog_text: Vec<u32> = (0..range.width() as u32)
                .filter(|&c| {
                    matches!(range.get_value((0, c)), Some(Data::String(k))
                        if ["hints", "indicators", "requirement", "title"].contains(&k.as_str())
                            && name != "Evidence")
                })
                .collect();
            for (r, c, d) in range.used_cells() {
                let Data::String(s) = d else { continue };
                if r > 1 && catalog_text.contains(&(c as u32)) {
                    continue;
                }
                // The catalog's `standard`: the document's own (Chinese) title.
                if name == "Instructions" && r == 2 {
                    continue;
                }
                // The instructions show a date typed the Chinese way, on purpose.
                let s = s.replace("2026年3月1日", "");
                if s.chars().any(is_cjk) {
                    chinese.push(format!("{name}!{}: {s}", a1(r as u32, c as u32)));
                }
            }
        }
        assert!(chinese.is_empty(), "{catalog}: {chinese:#?}");
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{4E00}'..='\u{9FFF}' | '\u{FF00}'..='\u{FFEF}')
}

/// Damaged workbooks (parts truncated, bytes of the XML changed, parts dropped) end as
/// diagnostics or as a value, never a panic.
#[test]
fn damaged_workbooks_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/om-level3/submission.yaml");
    let xlsx = dir.path().join("s.xlsx");
    let (code, _, e) = run(&[
        "convert",
        example.to_str().unwrap(),
        "--to",
        "xlsx",
        "-o",
        xlsx.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{e}");
    let bytes = std::fs::read(&xlsx).unwrap();
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes.clone())).unwrap();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let mut content = Vec::new();
            f.read_to_end(&mut content).unwrap();
            parts.push((f.name().unwrap().into_owned(), content));
        }
    }
    let mut seed: u64 = 0x1234_5678;
    let mut next = move |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((seed >> 33) as usize) % n.max(1)
    };
    for round in 0..150 {
        let mut damaged = parts.clone();
        let victim = next(damaged.len());
        match round % 4 {
            0 => {
                let keep = next(damaged[victim].1.len());
                damaged[victim].1.truncate(keep);
            }
            1 => {
                for _ in 0..8 {
                    let len = damaged[victim].1.len();
                    if len > 0 {
                        let at = next(len);
                        damaged[victim].1[at] = b"<>\"'&/=x9 \xff"[next(11)];
                    }
                }
            }
            2 => {
                damaged.remove(victim);
            }
            _ => {
                let len = damaged[victim].1.len();
                let at = next(len);
                damaged[victim].1.splice(
                    at..at,
                    b"<c r=\"ZZZ0\" t=\"s\"><v>99999</v></c>".iter().copied(),
                );
            }
        }
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, content) in &damaged {
            out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
                .unwrap();
            out.write_all(content).unwrap();
        }
        let bytes = out.finish().unwrap().into_inner();
        match itss::internals::workbook::read_submission(Path::new("d.xlsx"), &bytes, 16 << 20) {
            Ok((_, cells)) => {
                let mut d = vec![
                    itss::diagnostic::Diagnostic::error(
                        itss::diagnostic::Code::Schema,
                        Path::new("d.xlsx"),
                        "x",
                    )
                    .at_pointer("/answers/OM.L4.PPL.TRAIN/rating"),
                ];
                cells.place(&mut d);
            }
            Err(d) => assert!(d.is_error()),
        }
    }
}
