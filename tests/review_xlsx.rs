//! Review workbooks (issue #20 with #19): the skeleton `itss review init --format xlsx`
//! writes, filled in cell by cell as an assessor would, read back by `--review` into the
//! value and the result its YAML twin gives; a review converted to a workbook and back;
//! the nonconformity and corrective-action registers; diagnostics at sheet!cell; a batch
//! with workbook reviews; and (when LibreOffice is installed, always in CI) a review
//! workbook saved by another office suite.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fs;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx};
use serde_json::{Value, json};

mod support;
use support::{a1, convert_with_libreoffice, run, soffice, value_of, walk};

const EXAMPLE: &str = "examples/om-level3";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The result of the example submission assessed on `review`, without what names the
/// review file itself (its path and digest).
fn reviewed_result(review: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let (code, stdout, e) = assess_on(review, &args);
    assert!(code == 0 || code == 3, "exit {code}: {e}");
    let mut v: Value = serde_json::from_str(&stdout).unwrap();
    let r = v["review"].as_object_mut().unwrap();
    r.remove("sha256");
    r.remove("source");
    v
}

/// `itss assess` of the example submission on `review`, with `extra` arguments.
fn assess_on(review: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "assess",
        "examples/om-level3/submission.yaml",
        "--review",
        s(review),
    ];
    args.extend_from_slice(extra);
    run(&args)
}

/// Each sheet's name and its columns by the hidden key row.
fn sheets(bytes: &[u8]) -> Vec<(String, BTreeMap<String, u32>, calamine::Range<Data>)> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let keys = (0..range.width() as u32)
                .filter_map(|c| match range.get_value((0, c)) {
                    Some(Data::String(k)) if !k.is_empty() => Some((k.clone(), c)),
                    _ => None,
                })
                .collect();
            (name, keys, range)
        })
        .collect()
}

/// A cell's text as shown.
fn cell(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
    range
        .get_value((row, col))
        .map(ToString::to_string)
        .unwrap_or_default()
}

/// A value typed into a cell.
enum Typed {
    Text(&'static str),
    Number(f64),
}

fn column_of(r: &str) -> u32 {
    r.chars()
        .take_while(char::is_ascii_alphabetic)
        .fold(0, |n, c| n * 26 + (c as u32 - 'A' as u32 + 1))
        - 1
}

/// Types values into cells of sheet `sheet` (0-based) the way a spreadsheet program saves
/// them: an existing cell keeps its style and gets the value; a cell or row that was never
/// written is added in its place.
fn type_in(bytes: &[u8], sheet: usize, edits: &[(u32, u32, Typed)]) -> Vec<u8> {
    let name = format!("xl/worksheets/sheet{}.xml", sheet + 1);
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        let file_name = file.name().unwrap().into_owned();
        let mut content = Vec::new();
        file.read_to_end(&mut content).unwrap();
        if file_name == name {
            let mut xml = String::from_utf8(content).unwrap();
            for (row, col, value) in edits {
                put(&mut xml, *row, *col, value);
            }
            content = xml.into_bytes();
        }
        out.start_file(file_name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&content).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn put(xml: &mut String, row: u32, col: u32, value: &Typed) {
    let r = a1(row, col);
    let body = match value {
        Typed::Text(t) => format!(
            " t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
            t.replace('&', "&amp;").replace('<', "&lt;")
        ),
        Typed::Number(n) => format!("><v>{n}</v></c>"),
    };
    let row_open = format!("<row r=\"{}\"", row + 1);
    let Some(at) = xml.find(&row_open) else {
        // A new row, before the first row below it.
        let cell = format!("<row r=\"{}\"><c r=\"{r}\"{body}</row>", row + 1);
        let mut insert_at = xml.find("</sheetData>").unwrap();
        let mut search = xml.find("<sheetData>").unwrap();
        while let Some(found) = xml[search..].find("<row r=\"") {
            let start = search + found;
            let n: u32 = xml[start + 8..].split('"').next().unwrap().parse().unwrap();
            if n > row + 1 {
                insert_at = start;
                break;
            }
            search = start + 8;
        }
        xml.insert_str(insert_at, &cell);
        return;
    };
    let head_end = at + xml[at..].find('>').unwrap();
    if xml[..=head_end].ends_with("/>") {
        // `<row r="n" …/>`: give it a body.
        xml.replace_range(
            head_end - 1..=head_end,
            &format!("><c r=\"{r}\"{body}</row>"),
        );
        return;
    }
    let row_end = head_end + xml[head_end..].find("</row>").unwrap();
    let cell_open = format!("<c r=\"{r}\"");
    if let Some(found) = xml[head_end..row_end].find(&cell_open) {
        let start = head_end + found;
        let attrs_end = start + xml[start..].find('>').unwrap();
        let self_closing = xml[..=attrs_end].ends_with("/>");
        let end = if self_closing {
            attrs_end + 1
        } else {
            start + xml[start..].find("</c>").unwrap() + 4
        };
        let attrs_stop = if self_closing {
            attrs_end - 1
        } else {
            attrs_end
        };
        let attrs = xml[start + cell_open.len()..attrs_stop]
            .replace(" t=\"s\"", "")
            .replace(" t=\"n\"", "");
        xml.replace_range(start..end, &format!("<c r=\"{r}\"{attrs}{body}"));
        return;
    }
    // A new cell, before the first cell right of it.
    let mut insert_at = row_end;
    let mut search = head_end;
    while let Some(found) = xml[search..row_end].find("<c r=\"") {
        let start = search + found;
        let cell_ref = xml[start + 6..].split('"').next().unwrap();
        if column_of(cell_ref) > col {
            insert_at = start;
            break;
        }
        search = start + 6;
    }
    xml.insert_str(insert_at, &format!("<c r=\"{r}\"{body}"));
}

fn review_init(out: &Path, extra: &[&str]) {
    let mut args = vec![
        "review",
        "init",
        "examples/om-level3/submission.yaml",
        "--seed",
        "20261102",
        "--rate",
        "0.25",
        "--up-to-level",
        "3",
        "-o",
        s(out),
    ];
    args.extend_from_slice(extra);
    let (code, _, e) = run(&args);
    assert_eq!(code, 0, "{e}");
}

#[test]
fn the_example_review_round_trips_through_a_workbook_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = Path::new(EXAMPLE).join("review.yaml");
    let original = value_of(&yaml);
    let expected = reviewed_result(&yaml, &[]);
    for lang in ["zh", "en"] {
        let xlsx = dir.path().join(format!("review.{lang}.xlsx"));
        let again = dir.path().join(format!("again.{lang}.xlsx"));
        let back = dir.path().join(format!("back.{lang}.yaml"));
        for (from, to) in [(&yaml, &xlsx), (&yaml, &again)] {
            let (code, _, e) = run(&[
                "convert",
                s(from),
                "--to",
                "xlsx",
                "--lang",
                lang,
                "-o",
                s(to),
            ]);
            assert_eq!(code, 0, "{e}");
        }
        assert_eq!(
            fs::read(&xlsx).unwrap(),
            fs::read(&again).unwrap(),
            "deterministic"
        );
        let (code, _, e) = run(&["convert", s(&xlsx), "--to", "yaml", "-o", s(&back)]);
        assert_eq!(code, 0, "{e}");
        assert_eq!(value_of(&back), original, "{lang}: YAML → xlsx → YAML");
        assert_eq!(reviewed_result(&xlsx, &[]), expected, "{lang}: same result");
        // The registers hold the nonconformities and their actions, one a row.
        let book = sheets(&fs::read(&xlsx).unwrap());
        let (_, keys, ncs) = book
            .iter()
            .find(|(_, k, _)| k.contains_key("nc.id"))
            .unwrap();
        assert_eq!(
            ncs.get_value((2, keys["nc.id"])).unwrap().to_string(),
            "NC-01"
        );
        assert_eq!(
            ncs.get_value((2, keys["nc.severity"])).unwrap().to_string(),
            if lang == "zh" { "一般" } else { "Minor" }
        );
        let (_, keys, actions) = book
            .iter()
            .find(|(_, k, _)| k.contains_key("action.nc"))
            .unwrap();
        assert_eq!(
            actions
                .get_value((3, keys["action.nc"]))
                .unwrap()
                .to_string(),
            "NC-02"
        );
        assert_eq!(
            actions
                .get_value((3, keys["action.verified_by"]))
                .unwrap()
                .to_string(),
            "张三"
        );
    }
}

#[test]
fn review_init_writes_the_skeleton_as_a_workbook_that_reads_as_the_yaml_one() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = dir.path().join("review.yaml");
    let xlsx = dir.path().join("review.xlsx");
    let names = ["--body", "示例信息技术服务评估中心", "--lead", "张三"];
    review_init(&yaml, &names);
    review_init(&xlsx, &names);
    assert_eq!(value_of(&xlsx), value_of(&yaml));
    // In Chinese: the sheets, the declared ratings as labels, the evidence drawn.
    let book = sheets(&fs::read(&xlsx).unwrap());
    let names: Vec<&str> = book.iter().map(|(n, ..)| n.as_str()).collect();
    for sheet in [
        "填写说明",
        "评审信息",
        "评估组",
        "评审意见",
        "核查记录",
        "不符合项",
        "整改措施",
    ] {
        assert!(names.contains(&sheet), "{names:?}");
    }
    let (_, keys, verdicts) = book.iter().find(|(n, ..)| n == "评审意见").unwrap();
    let row = verdict_row(verdicts, keys, "OM.L4.MGT.PLAN");
    assert_eq!(
        verdicts
            .get_value((row, keys["verdict.declared"]))
            .unwrap()
            .to_string(),
        "符合"
    );
    assert_eq!(
        verdicts
            .get_value((row, keys["verdict.sample"]))
            .unwrap()
            .to_string(),
        "evidence/management-manual-v3.0.md"
    );
    assert_eq!(
        verdicts
            .get_value((row, keys["verdict.level"]))
            .unwrap()
            .to_string(),
        "四级 基本级"
    );
    // `--format` wins over the extension.
    let odd = dir.path().join("skeleton.dat");
    review_init(&odd, &["--format", "xlsx"]);
    assert!(fs::read(&odd).unwrap().starts_with(b"PK"));
}

/// Row of `id` in the verdict sheet.
fn verdict_row(range: &calamine::Range<Data>, keys: &BTreeMap<String, u32>, id: &str) -> u32 {
    (2..range.height() as u32)
        .find(|&r| cell(range, r, keys["verdict"]) == id)
        .unwrap()
}

/// The example's skeleton workbook filled in cell by cell the way an assessor fills it:
/// labels, a date typed as text, a second team member, the registers.
fn filled(dir: &Path) -> PathBuf {
    let blank = dir.join("blank.xlsx");
    review_init(&blank, &[]);
    let mut bytes = fs::read(&blank).unwrap();
    let book = sheets(&bytes);
    let index = |name: &str| book.iter().position(|(n, ..)| n == name).unwrap();
    let keys = |name: &str| book[index(name)].1.clone();

    let general = index("评审信息");
    let range = &book[general].2;
    let g = keys("评审信息");
    let row_of = |pointer: &str| {
        (2..range.height() as u32)
            .find(|&r| cell(range, r, g["pointer"]) == pointer)
            .unwrap()
    };
    bytes = type_in(
        &bytes,
        general,
        &[
            (
                row_of("/body/name"),
                g["value"],
                Typed::Text(" 示例信息技术服务评估中心 "),
            ),
            (row_of("/onsite/from"), g["value"], Typed::Text("2026/11/2")),
            (
                row_of("/onsite/to"),
                g["value"],
                Typed::Text("2026年11月4日"),
            ),
            (row_of("/as_of"), g["value"], Typed::Text("2026-11-10")),
        ],
    );
    let t = keys("评估组");
    bytes = type_in(
        &bytes,
        index("评估组"),
        &[
            (2, t["member.name"], Typed::Text("张三")),
            (3, t["member.name"], Typed::Text("李四")),
            (3, t["member.role"], Typed::Text("组员")),
        ],
    );
    let v = keys("评审意见");
    let change = verdict_row(&book[index("评审意见")].2, &v, "OM.L3.PRC.CHANGE");
    let turnover = verdict_row(&book[index("评审意见")].2, &v, "OM.L3.KI.TURNOVER");
    let metric = (1..=4)
        .map(|k| format!("metric{k}"))
        .find(|k| v.contains_key(k))
        .unwrap();
    bytes = type_in(
        &bytes,
        index("评审意见"),
        &[
            (change, v["verdict.rating"], Typed::Text("部分 符合")),
            (
                change,
                v["verdict.note"],
                Typed::Text("3 单变更缺少审批签字"),
            ),
            (turnover, v[&metric], Typed::Text("14.8%")),
        ],
    );
    let c = keys("核查记录");
    bytes = type_in(
        &bytes,
        index("核查记录"),
        &[
            (2, c["checked.criterion"], Typed::Text("OM.L3.PRC.CHANGE")),
            (
                2,
                c["checked.path"],
                Typed::Text("evidence/change-release-stats-2026Q3.md"),
            ),
            (3, c["checked.criterion"], Typed::Text(" OM.L3.PRC.CHANGE")),
            (3, c["checked.seen"], Typed::Text("现场查看变更工单 12 单")),
        ],
    );
    let n = keys("不符合项");
    bytes = type_in(
        &bytes,
        index("不符合项"),
        &[
            (2, n["nc.id"], Typed::Text("NC-01")),
            (2, n["nc.criterion"], Typed::Text("OM.L3.PRC.CHANGE")),
            (2, n["nc.severity"], Typed::Text("一般")),
            (
                2,
                n["nc.statement"],
                Typed::Text("部分变更未经审批即实施。"),
            ),
            (3, n["nc.id"], Typed::Number(2.0)),
            (3, n["nc.criterion"], Typed::Text("OM.L3.KI.TURNOVER")),
            (3, n["nc.severity"], Typed::Text("严重")),
            (3, n["nc.statement"], Typed::Text("流动率统计口径有误。")),
        ],
    );
    let a = keys("整改措施");
    bytes = type_in(
        &bytes,
        index("整改措施"),
        &[
            (2, a["action.nc"], Typed::Text("NC-01")),
            (2, a["action.owner"], Typed::Text("王五")),
            (2, a["action.due"], Typed::Text("2026/12/15")),
            (2, a["action.description"], Typed::Text("补齐审批记录。")),
            (3, a["action.nc"], Typed::Number(2.0)),
            (3, a["action.owner"], Typed::Text("赵六")),
            (3, a["action.due"], Typed::Text("2026-11-30")),
            (3, a["action.closed_on"], Typed::Text("2026-11-08")),
            (3, a["action.verified_by"], Typed::Text("张三")),
        ],
    );
    let path = dir.join("filled.xlsx");
    fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn a_review_filled_in_its_workbook_assesses_like_its_yaml_twin() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = filled(dir.path());
    let value = value_of(&xlsx);
    assert_eq!(value["body"], json!({"name": "示例信息技术服务评估中心"}));
    assert_eq!(
        value["onsite"],
        json!({"from": "2026-11-02", "to": "2026-11-04"})
    );
    assert_eq!(
        value["team"],
        json!([{"name": "张三", "role": "lead"}, {"name": "李四", "role": "member"}])
    );
    let change = &value["verdicts"]["OM.L3.PRC.CHANGE"];
    assert_eq!(change["rating"], "partial");
    assert_eq!(change["note"], "3 单变更缺少审批签字");
    assert_eq!(
        change["checked"],
        json!([
            {"path": "evidence/change-release-stats-2026Q3.md"},
            {"seen": "现场查看变更工单 12 单"}
        ])
    );
    assert_eq!(
        value["verdicts"]["OM.L3.KI.TURNOVER"]["metrics"],
        json!({"key_post_turnover": 0.148})
    );
    assert_eq!(
        value["nonconformities"],
        json!([
            {
                "id": "NC-01", "criterion": "OM.L3.PRC.CHANGE", "severity": "minor",
                "statement": "部分变更未经审批即实施。",
                "action": {"owner": "王五", "due": "2026-12-15", "description": "补齐审批记录。"}
            },
            {
                "id": 2, "criterion": "OM.L3.KI.TURNOVER", "severity": "major",
                "statement": "流动率统计口径有误。",
                "action": {
                    "owner": "赵六", "due": "2026-11-30", "closed_on": "2026-11-08",
                    "verified_by": "张三"
                }
            }
        ])
    );
    // Its YAML twin gives the same result.
    let twin = dir.path().join("twin.yaml");
    fs::write(&twin, itss::internals::convert::to_yaml(&value)).unwrap();
    let result = reviewed_result(&xlsx, &[]);
    assert_eq!(result, reviewed_result(&twin, &[]));
    assert_eq!(result["review"]["status"], "provisional");
    assert_eq!(
        result["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "OM.L3.PRC.CHANGE")
            .unwrap()["rating"],
        "partial"
    );
    // The registers as `review status` reads them.
    let (code, out, e) = run(&["review", "status", s(&xlsx), "--as-of", "2026-12-20"]);
    assert_eq!(code, 0, "{e}");
    assert!(out.contains("王五"), "{out}");
    assert!(out.contains("NC-01"), "{out}");
}

#[test]
fn review_workbook_diagnostics_name_the_sheet_and_cell_in_the_chosen_language() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = filled(dir.path());
    let bytes = fs::read(&xlsx).unwrap();
    let book = sheets(&bytes);
    let index = |name: &str| book.iter().position(|(n, ..)| n == name).unwrap();
    let a = &book[index("整改措施")].1;
    let n = &book[index("不符合项")].1;
    // An action for a nonconformity the register lacks, a second action for NC-01, a
    // severity nobody uses.
    let mut bad = type_in(
        &bytes,
        index("整改措施"),
        &[
            (4, a["action.nc"], Typed::Text("NC-09")),
            (4, a["action.owner"], Typed::Text("孙七")),
            (5, a["action.nc"], Typed::Text("NC-01")),
            (5, a["action.owner"], Typed::Text("周八")),
        ],
    );
    let path = dir.path().join("bad.xlsx");
    fs::write(&path, &bad).unwrap();
    let (code, _, zh) = run(&["review", "status", s(&path)]);
    assert_eq!(code, 1, "{zh}");
    assert!(zh.contains("错误[review-unknown-nonconformity]"), "{zh}");
    assert!(zh.contains("bad.xlsx: 整改措施!A5"), "{zh}");
    assert!(zh.contains("不符合项 NC-09 不在“不符合项”表中"), "{zh}");
    assert!(zh.contains("bad.xlsx: 整改措施!A6"), "{zh}");
    assert!(zh.contains("第二行整改措施"), "{zh}");
    bad = type_in(
        &bytes,
        index("不符合项"),
        &[(2, n["nc.severity"], Typed::Text("很严重"))],
    );
    fs::write(&path, &bad).unwrap();
    let (code, _, zh) = assess_on(&path, &[]);
    assert_eq!(code, 1, "{zh}");
    assert!(zh.contains("bad.xlsx: 不符合项!C3"), "{zh}");
    assert!(zh.contains("严重程度「很严重」无法识别"), "{zh}");
    let (_, _, en) = assess_on(&path, &["--lang", "en"]);
    assert!(
        en.contains("the severity `很严重` is not understood"),
        "{en}"
    );
    // A nonconformity naming a criterion the catalog lacks is refused at its cell.
    bad = type_in(
        &bytes,
        index("不符合项"),
        &[(2, n["nc.criterion"], Typed::Text("OM.L9.NOPE"))],
    );
    fs::write(&path, &bad).unwrap();
    let (code, _, zh) = assess_on(&path, &[]);
    assert_eq!(code, 1, "{zh}");
    assert!(zh.contains("bad.xlsx: 不符合项!B3"), "{zh}");
    // A review where a submission is expected, as a file or a workbook: one line saying
    // what it is and where it goes.
    let (code, _, zh) = run(&["assess", "examples/om-level3/review.yaml"]);
    assert_eq!(code, 1);
    assert!(
        zh.contains("此文件是评估机构的评审记录，不是自评估提交"),
        "{zh}"
    );
    assert_eq!(zh.matches("错误[").count(), 1, "{zh}");
    // Each kind of workbook where the other is expected.
    let (code, _, zh) = run(&["assess", s(&xlsx)]);
    assert_eq!(code, 1);
    assert!(zh.contains("此工作簿是评估机构的评审记录"), "{zh}");
    let form = dir.path().join("form.xlsx");
    let (code, _, e) = run(&[
        "convert",
        "examples/om-level3/submission.yaml",
        "--to",
        "xlsx",
        "-o",
        s(&form),
    ]);
    assert_eq!(code, 0, "{e}");
    let (code, _, zh) = run(&["review", "status", s(&form)]);
    assert_eq!(code, 1);
    assert!(zh.contains("此工作簿是自评估问卷，不是评审记录"), "{zh}");
    // A review workbook is a zip like any other: a bomb is refused before it is inflated.
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file(
        "xl/worksheets/sheet1.xml",
        zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated),
    )
    .unwrap();
    for _ in 0..64 {
        zip.write_all(&vec![b' '; 1 << 20]).unwrap();
    }
    fs::write(&path, zip.finish().unwrap().into_inner()).unwrap();
    let (code, _, zh) = assess_on(&path, &[]);
    assert_eq!(code, 1, "{zh}");
    assert!(zh.contains("xlsx-archive"), "{zh}");
}

#[test]
fn a_batch_reads_workbook_reviews() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    let shuan = inputs.join("shuan");
    fs::create_dir_all(shuan.join("evidence")).unwrap();
    fs::copy(
        Path::new(EXAMPLE).join("submission.yaml"),
        shuan.join("submission.yaml"),
    )
    .unwrap();
    for e in fs::read_dir(Path::new(EXAMPLE).join("evidence")).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), shuan.join("evidence").join(e.file_name())).unwrap();
    }
    let reviews = dir.path().join("reviews");
    fs::create_dir(&reviews).unwrap();
    let (code, _, e) = run(&[
        "convert",
        &format!("{EXAMPLE}/review.yaml"),
        "--to",
        "xlsx",
        "-o",
        s(&reviews.join("shuan.xlsx")),
    ]);
    assert_eq!(code, 0, "{e}");
    let out = dir.path().join("out");
    let (code, _, e) = run(&[
        "batch",
        s(&inputs),
        "--out",
        s(&out),
        "--reviews",
        s(&reviews),
    ]);
    assert_eq!(code, 0, "{e}");
    let result: Value =
        serde_json::from_slice(&fs::read(out.join("results/shuan-yunwei-2026.json")).unwrap())
            .unwrap();
    assert_eq!(result["achieved_level"], "4");
    assert_eq!(result["review"]["status"], "provisional");
    assert_eq!(result["review"]["self_assessed"]["achieved_level"], "3");
}

#[test]
fn a_review_workbook_saved_by_libreoffice_reads_the_same() {
    if !soffice() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ours = dir.path().join("ours");
    fs::create_dir(&ours).unwrap();
    let xlsx = ours.join("review.xlsx");
    let (code, _, e) = run(&[
        "convert",
        &format!("{EXAMPLE}/review.yaml"),
        "--to",
        "xlsx",
        "-o",
        s(&xlsx),
    ]);
    assert_eq!(code, 0, "{e}");
    let saved_dir = dir.path().join("saved");
    fs::create_dir(&saved_dir).unwrap();
    let saved = convert_with_libreoffice(&xlsx, "xlsx:Calc MS Excel 2007 XML", &saved_dir);
    assert_ne!(fs::read(&saved).unwrap(), fs::read(&xlsx).unwrap());
    assert_eq!(
        value_of(&saved),
        value_of(&Path::new(EXAMPLE).join("review.yaml"))
    );
    assert_eq!(
        reviewed_result(&saved, &[]),
        reviewed_result(&Path::new(EXAMPLE).join("review.yaml"), &[])
    );
}

#[test]
fn the_review_workbook_speaks_one_language() {
    let dir = tempfile::tempdir().unwrap();
    for lang in ["zh", "en"] {
        let xlsx = dir.path().join(format!("{lang}.xlsx"));
        review_init(&xlsx, &["--lang", lang]);
        let mut foreign = Vec::new();
        for (name, keys, range) in sheets(&fs::read(&xlsx).unwrap()) {
            // What the tool wrote: the instructions, the header row, the field labels and
            // help, the catalog's columns and the declared ratings (not ids, paths or
            // values the team types).
            let ours: Vec<u32> = [
                "label",
                "help",
                "verdict.level",
                "verdict.element",
                "verdict.title",
                "verdict.declared",
            ]
            .iter()
            .filter_map(|k| keys.get(*k).copied())
            .collect();
            for (r, c, d) in range.used_cells() {
                let (r, c) = (r as u32, c as u32);
                let written = keys.is_empty() || r == 1 || (r > 1 && ours.contains(&c));
                let Data::String(text) = d else { continue };
                if r == 0 || !written {
                    continue;
                }
                let bad = match lang {
                    "zh" => text.split(|ch: char| !ch.is_ascii_alphabetic()).any(|w| {
                        w.len() >= 3
                            && !w.chars().all(|ch| ch.is_ascii_uppercase())
                            && !["itss", "review", "init", "assess", "xlsx", "max", "om"]
                                .contains(&w)
                    }),
                    _ => {
                        text.chars()
                            .any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch))
                            && !text.contains("2026年3月1日")
                    }
                };
                if bad {
                    foreign.push(format!("{name}!{}: {text:?}", a1(r, c)));
                }
            }
        }
        assert!(foreign.is_empty(), "{lang}: {foreign:#?}");
    }
}

#[test]
fn hostile_cells_in_a_review_workbook_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = filled(dir.path());
    let bytes = fs::read(&xlsx).unwrap();
    let book = sheets(&bytes);
    let hostile = [
        Typed::Text(""),
        Typed::Text("   "),
        Typed::Text("\u{3000}"),
        Typed::Text("{\"rating\": {\"x\": [1, 2"),
        Typed::Text("{\"metrics\": 5, \"checked\": \"x\", \"action\": []}"),
        Typed::Text("[]"),
        Typed::Text("null"),
        Typed::Text("NC-01"),
        Typed::Text("/verdicts/~1x/rating"),
        Typed::Text("9999-99-99"),
        Typed::Text("符合\n不符合"),
        Typed::Number(1e308),
        Typed::Number(-0.0),
        Typed::Number(2.0),
    ];
    let mut runs = 0;
    for (index, (_, keys, _)) in book.iter().enumerate() {
        for (c, &col) in keys.values().enumerate() {
            // Three of the values per column, in a data row or a row below the data.
            for j in 0..3 {
                let k = (c * 3 + j + index) % hostile.len();
                let typed = match &hostile[k] {
                    Typed::Text(t) => Typed::Text(t),
                    Typed::Number(n) => Typed::Number(*n),
                };
                let row = 2 + (j as u32 % 2) * 2;
                let damaged = type_in(&bytes, index, &[(row, col, typed)]);
                let path = dir.path().join("hostile.xlsx");
                fs::write(&path, &damaged).unwrap();
                // Either a review or diagnostics; never a panic.
                let read = itss::internals::workbook::read_review(&path, &damaged, 1 << 24);
                if read.is_ok() {
                    let _ = itss::internals::review::Review::load(&path, 1 << 24);
                }
                runs += 1;
            }
        }
    }
    assert!(runs > 100, "{runs}");
}

#[test]
fn review_skeletons_of_every_catalog_read_back_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    for catalog in ["itss-om", "itss-cd", "itss-ii"] {
        let out = dir.path().join(catalog);
        let (code, _, e) = run(&[
            "sample",
            "--catalog",
            catalog,
            "--count",
            "1",
            "--invalid-per-mille",
            "0",
            "--out",
            s(&out),
        ]);
        assert_eq!(code, 0, "{e}");
        let submission = walk(&out)
            .into_iter()
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .min()
            .unwrap_or_else(|| panic!("{catalog}: no sample in {out:?}"));
        for lang in ["zh", "en"] {
            let mut values = Vec::new();
            for form in ["yaml", "xlsx"] {
                let skeleton = dir.path().join(format!("{catalog}-{lang}.{form}"));
                let (code, _, e) = run(&[
                    "review",
                    "init",
                    s(&submission),
                    "--seed",
                    "7",
                    "--rate",
                    "0.5",
                    "--body",
                    "某评估机构",
                    "--lead",
                    "张三",
                    "--lang",
                    lang,
                    "-o",
                    s(&skeleton),
                ]);
                assert_eq!(code, 0, "{catalog} {lang} {form}: {e}");
                values.push(value_of(&skeleton));
            }
            assert_eq!(values[0], values[1], "{catalog} {lang}");
            assert!(
                values[0]["verdicts"]
                    .as_object()
                    .is_some_and(|v| !v.is_empty())
            );
        }
    }
}

#[test]
fn what_no_column_holds_survives_the_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    // Values a column cannot hold as they are: kept in hidden cells, read back unchanged
    // (the schema then judges them, as it would in YAML).
    let original = json!({
        "review": "itss-review/1",
        "submission": {"id": 20261, "sha256": "ab".repeat(32)},
        "body": {"name": "某评估机构", "code": 7},
        "team": [{"name": "张三", "role": "lead"}, {"name": "李四", "role": "member"}],
        "sampling": {"seed": 3, "rate": 0.125},
        "verdicts": {
            "OM.L4.MGT.PLAN": {},
            "OM.L4.MGT.DO": {"rating": "maybe", "note": "  ", "metrics": {}},
            "OM.L3.KI.TURNOVER": {
                "metrics": {"key_post_turnover": null, "unknown_metric": 1.5},
                "checked": [
                    {"path": "evidence/a b.pdf", "sha256": "cd".repeat(32), "dated": "2026-02-30", "title": "台账"},
                    {"seen": "现场查看"},
                    {"path": " padded "}
                ],
                "declared": null,
                "sample": ["evidence/x.md", "evidence/y.md"]
            },
            "OM.L9.NOT.IN.CATALOG": {"rating": "conform"}
        },
        "nonconformities": [
            {
                "id": 1, "criterion": "OM.L4.MGT.DO", "severity": "major",
                "statement": {"zh": "只有中文"},
                "action": {"owner": "王五", "due": "2026-12-01", "description": {"zh": "措施", "en": "Action"}}
            },
            {"id": "NC-02", "criterion": "OM.L4.MGT.PLAN", "severity": "minor", "statement": "文字", "action": {}},
            {"id": "NC-03", "criterion": "OM.L4.MGT.PLAN", "severity": "severe", "statement": "x", "extra_key": true}
        ]
    });
    let yaml = dir.path().join("odd.yaml");
    fs::write(&yaml, itss::internals::convert::to_yaml(&original)).unwrap();
    assert_eq!(value_of(&yaml), original);
    for lang in ["zh", "en"] {
        let xlsx = dir.path().join(format!("odd.{lang}.xlsx"));
        let (code, _, e) = run(&[
            "convert",
            s(&yaml),
            "--to",
            "xlsx",
            "--lang",
            lang,
            "-o",
            s(&xlsx),
        ]);
        assert_eq!(code, 0, "{e}");
        assert_eq!(value_of(&xlsx), original, "{lang}");
    }
}
