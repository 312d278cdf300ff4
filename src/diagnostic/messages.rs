//! The words of diagnostics: one template per language for each [`Code`] (and a few named
//! variants where one code says several things), filled from named parameters. The English
//! message (what JSON lines and logs carry) and the Chinese one come from the same
//! parameters, so they cannot drift apart.
//!
//! # Adding a message
//!
//! 1. Add a row to [`TEMPLATES`]: the code, a variant name (`""` for the code's main
//!    message; every code must have one), the English and the Chinese template. `{name}`
//!    is replaced by the parameter `name`; both templates must use the same parameters
//!    (a unit test checks this, and that every code has its main template).
//! 2. Build the diagnostic with a [`Msg`]:
//!    `Diagnostic::error(Code::X, path, msg("variant").arg("id", id))`.
//!    Parameters are either the same in both languages ([`Msg::arg`]: ids, numbers, what the
//!    user wrote), or one text per language ([`Msg::text`]), a list ([`Msg::list`], joined
//!    with `, ` or `、`), or a field of a document by its JSON pointer ([`Msg::field`]:
//!    `` `/organization/name` `` in English, its Chinese label such as 组织名称 in Chinese).
//! 3. The Chinese text names fields by their labels (see [`field_label_zh`]), never by
//!    their keys, and quotes no English sentence: words that come from a library (a
//!    parser's or an operating system's) are translated by kind ([`io_reason_zh`],
//!    [`json_reason_zh`]) and only kept in the English message.
//!
//! The file is long by design: [`TEMPLATES`] is one table (over a hundred rows, both
//! languages side by side) that translators and reviewers read in one place.
//!
//! Codes that refine a schema problem by where it is (`scale-out-of-range`,
//! `invalid-date`, …) use the schema's variants: a variant missing under a code is looked
//! up under [`Code::Schema`].

use std::fmt::Display;

use super::Code;
use crate::text::Lang;

/// A template row: code, variant, English, Chinese.
type Row = (Code, &'static str, &'static str, &'static str);

/// Every message template.
pub const TEMPLATES: &[Row] = &[
    // Reading files.
    (
        Code::Io,
        "",
        "cannot read the file: {reason}",
        "无法读取文件：{reason}",
    ),
    (
        Code::Io,
        "open",
        "cannot open the file: {reason}",
        "无法打开文件：{reason}",
    ),
    (
        Code::Io,
        "directory",
        "this is a directory, not a file",
        "这是目录，不是文件",
    ),
    (
        Code::Io,
        "directory-unreadable",
        "the directory cannot be read ({reason}); nothing in it was assessed",
        "无法读取该目录（{reason}），其中的文件均未评估",
    ),
    (
        Code::NotAFile,
        "",
        "not a regular file (a FIFO, socket or device); it is not read",
        "不是普通文件（管道、套接字或设备），不读取",
    ),
    (
        Code::NotAFile,
        "walked",
        "not a regular file (a FIFO, socket or device named like a submission); it was not opened",
        "不是普通文件（以提交文件命名的管道、套接字或设备），未打开",
    ),
    (
        Code::WalkLimit,
        "",
        "the directory is nested more than {depth} levels below the input; it was not searched",
        "目录嵌套超过输入目录以下 {depth} 层，未搜索",
    ),
    (
        Code::SymlinkOutside,
        "",
        "a symbolic link leading out of the input directory; it was skipped (give --follow-symlinks to follow such links)",
        "指向输入目录之外的符号链接，已跳过（如需跟随，请加 --follow-symlinks）",
    ),
    (
        Code::FileTooLarge,
        "",
        "the file has {size} bytes, more than the limit of {max} bytes (see --max-file-size)",
        "文件大小为 {size} 字节，超过上限 {max} 字节（见 --max-file-size）",
    ),
    (
        Code::NotUtf8,
        "",
        "the file is not UTF-8 text (invalid byte at offset {offset}); save it as UTF-8",
        "文件不是 UTF-8 编码的文本（第 {offset} 字节处无效）；请以 UTF-8 编码另存",
    ),
    // Parsing.
    (Code::YamlSyntax, "", "{reason}", "YAML 格式有误：{reason}"),
    (
        Code::YamlSyntax,
        "unknown-anchor",
        "alias to an unknown anchor",
        "YAML 格式有误：别名（*）引用了未定义的锚点（&）",
    ),
    (
        Code::YamlSyntax,
        "number-range",
        "the number {number} is out of range",
        "数字 {number} 超出可表示的范围",
    ),
    (
        Code::YamlSyntax,
        "unbalanced",
        "unbalanced collection end",
        "YAML 格式有误：括号不配对",
    ),
    (
        Code::YamlSyntax,
        "complex-key",
        "mapping keys must be scalars",
        "YAML 格式有误：映射的键必须是单个值，不能是列表或映射",
    ),
    (Code::JsonSyntax, "", "{reason}", "JSON 格式有误：{reason}"),
    (
        Code::DuplicateKey,
        "",
        "duplicate key `{key}`",
        "键「{key}」在同一映射中出现了两次",
    ),
    (
        Code::FullWidthCharacter,
        "",
        "full-width punctuation where YAML needs ASCII",
        "YAML 需要半角符号的位置使用了全角标点或全角空格",
    ),
    (
        Code::FullWidthCharacter,
        "indent-space",
        "an ideographic space (U+3000, full-width) in the indentation; indent with ASCII spaces",
        "缩进中有全角空格（U+3000）；请用半角空格缩进",
    ),
    (
        Code::FullWidthCharacter,
        "colon-after-key",
        "a full-width colon '：' (U+FF1A) after `{key}`; type an ASCII colon ':' followed by a space",
        "{key} 后面是全角冒号“：”（U+FF1A）；请改为半角冒号 ':'，再加一个空格",
    ),
    (
        Code::FullWidthCharacter,
        "space-after-colon",
        "an ideographic space (U+3000, full-width) after ':'; type an ASCII space",
        "冒号后是全角空格（U+3000）；请改为半角空格",
    ),
    (
        Code::FullWidthCharacter,
        "colon-in-flow",
        "a full-width colon '：' (U+FF1A) after a key; type an ASCII colon ':' followed by a space",
        "键后是全角冒号“：”（U+FF1A）；请改为半角冒号 ':'，再加一个空格",
    ),
    (
        Code::FullWidthCharacter,
        "comma-in-flow",
        "a full-width comma '，' (U+FF0C) between items; type an ASCII comma ','",
        "条目之间是全角逗号“，”（U+FF0C）；请改为半角逗号 ','",
    ),
    (
        Code::InputLimit,
        "",
        "the document is larger than {bytes} bytes",
        "文档超过 {bytes} 字节",
    ),
    (
        Code::InputLimit,
        "depth",
        "values nest deeper than {depth} levels",
        "值的嵌套超过 {depth} 层",
    ),
    (
        Code::InputLimit,
        "alias-nodes",
        "aliases expand the document beyond the node limit",
        "别名展开后文档的值超过数量上限",
    ),
    (
        Code::InputLimit,
        "alias-bytes",
        "the document's text (with aliases expanded) exceeds the size budget",
        "文档的文本（含别名展开）超过大小上限",
    ),
    (
        Code::InputLimit,
        "nodes",
        "the document has too many values",
        "文档中的值过多",
    ),
    (
        Code::UnsupportedYaml,
        "",
        "only one YAML document is allowed per file",
        "每个文件只能包含一个 YAML 文档",
    ),
    (
        Code::UnsupportedYaml,
        "tag",
        "unsupported tag `{tag}`",
        "不支持 YAML 标签 {tag}",
    ),
    (
        Code::UnsupportedYaml,
        "merge-key",
        "merge keys (`<<`) are not supported",
        "不支持合并键（<<）",
    ),
    // Schema.
    (
        Code::Schema,
        "",
        "{detail}{at}",
        "{field}不符合格式要求：{value}",
    ),
    (
        Code::Schema,
        "other",
        "{detail}{at}",
        "{field}不符合格式要求：{value}",
    ),
    (
        Code::Schema,
        "empty",
        "the file is empty (or holds only comments)",
        "文件为空（或只有注释）",
    ),
    (
        Code::Schema,
        "more",
        "… and {count} more problem(s) of this file not shown",
        "…… 本文件另有 {count} 个问题未列出",
    ),
    (
        Code::Schema,
        "decode",
        "{detail}",
        "文件内容无法按本格式读取",
    ),
    (
        Code::Schema,
        "type",
        "{detail}{at}",
        "{field}应为{expected}，而不是 {value}",
    ),
    (
        Code::Schema,
        "enum",
        "{value} is not allowed here; use one of: {allowed}{hint}",
        "{field}的值不能为 {value}；可用：{allowed}{hint}",
    ),
    (
        Code::Schema,
        "const",
        "{detail}{at}",
        "{field}只能是 {expected}，而不是 {value}",
    ),
    (
        Code::Schema,
        "pattern",
        "{detail}{at}",
        "{field}的值 {value} 不符合规定的写法{rule}",
    ),
    (
        Code::Schema,
        "minimum",
        "{detail}{at}",
        "{field}的值 {value} 小于下限 {limit}",
    ),
    (
        Code::Schema,
        "maximum",
        "{detail}{at}",
        "{field}的值 {value} 大于上限 {limit}",
    ),
    (
        Code::Schema,
        "exclusive-minimum",
        "{detail}{at}",
        "{field}的值 {value} 须大于 {limit}",
    ),
    (
        Code::Schema,
        "exclusive-maximum",
        "{detail}{at}",
        "{field}的值 {value} 须小于 {limit}",
    ),
    (
        Code::Schema,
        "multiple-of",
        "{detail}{at}",
        "{field}的值 {value} 须为 {limit} 的整数倍",
    ),
    (
        Code::Schema,
        "min-length",
        "{detail}{at}",
        "{field}至少须有 {limit} 个字符",
    ),
    (
        Code::Schema,
        "max-length",
        "{detail}{at}",
        "{field}最多 {limit} 个字符",
    ),
    (
        Code::Schema,
        "min-items",
        "{detail}{at}",
        "{field}至少须有 {limit} 项",
    ),
    (
        Code::Schema,
        "max-items",
        "{detail}{at}",
        "{field}最多 {limit} 项",
    ),
    (
        Code::Schema,
        "unique-items",
        "{detail}{at}",
        "{field}中有重复的项",
    ),
    (
        Code::Schema,
        "min-properties",
        "{detail}{at}",
        "{field}至少须有 {limit} 项",
    ),
    (
        Code::Schema,
        "max-properties",
        "{detail}{at}",
        "{field}最多 {limit} 项",
    ),
    (
        Code::Schema,
        "format",
        "{detail}{at}",
        "{field}的值 {value} 不是有效的{format}",
    ),
    (
        Code::Schema,
        "one-of",
        "{detail}{at}",
        "{field}的值 {value} 不符合任何一种允许的写法",
    ),
    (
        Code::Schema,
        "not-allowed",
        "{detail}{at}",
        "{field}处不允许出现这个值：{value}",
    ),
    (
        Code::InvalidDate,
        "",
        "{value} is not a date written YYYY-MM-DD (a real calendar day)",
        "{field}的值 {value} 不是有效日期：应写作 YYYY-MM-DD，且为真实存在的日期",
    ),
    (
        Code::UnknownField,
        "",
        "unknown field `{name}`",
        "未知字段「{name}」：{place}中没有这一项",
    ),
    (
        Code::MissingField,
        "",
        "missing required field `{name}` in {place}",
        "{place}缺少必填项：{name}",
    ),
    // Submissions.
    (
        Code::CreditCode,
        "",
        "credit code `{code}`: {reason}",
        "统一社会信用代码 {code} 有误：{reason}",
    ),
    (
        Code::CatalogMismatch,
        "",
        "the submission answers catalog `{named}`, but it is assessed against `{catalog}`",
        "本提交作答的是评估目录 {named}，但正按评估目录 {catalog} 评估",
    ),
    (
        Code::CatalogVersion,
        "",
        "catalog_version is `{version}`, but catalog `{catalog}` is version `{expected}`",
        "填写的评估目录版本为 {version}，而评估目录 {catalog} 的版本为 {expected}",
    ),
    (
        Code::UnknownCatalog,
        "",
        "no bundled catalog `{id}` (bundled: {known}); use --catalog PATH",
        "没有名为 {id} 的内置评估目录（内置：{known}）；其他目录请用 --catalog 路径 指定",
    ),
    (
        Code::UnknownTargetLevel,
        "",
        "target_level `{target}` is not a level of `{catalog}` (levels: {levels})",
        "自评目标等级 {target} 不是评估目录 {catalog} 的等级（可选：{levels}）",
    ),
    (
        Code::UnknownAnswer,
        "",
        "`{id}` is not a criterion of `{catalog}`; the answer is ignored{hint}",
        "{id} 不是评估目录 {catalog} 的条款，该回答不计入{hint}",
    ),
    (
        Code::UnknownAnswer,
        "more",
        "… and {count} more answers to unknown ids",
        "…… 另有 {count} 个回答所列条款不在评估目录中",
    ),
    (
        Code::MetricOutOfRange,
        "",
        "metric `{metric}` of `{id}` is {value}, outside its range [{min}, {max}]{ratio}",
        "{id} 的{metric}为 {value}，超出取值范围 [{min}, {max}]{ratio}",
    ),
    // Catalogs.
    (
        Code::DuplicateId,
        "",
        "`{id}` is defined twice",
        "{id} 重复定义",
    ),
    (
        Code::DuplicateId,
        "level",
        "level `{id}` is defined twice",
        "等级 {id} 重复定义",
    ),
    (
        Code::DuplicateId,
        "element",
        "element `{id}` is defined twice",
        "要素 {id} 重复定义",
    ),
    (
        Code::DuplicateId,
        "prerequisite",
        "prerequisite `{id}` is defined twice",
        "前提条件 {id} 重复定义",
    ),
    (
        Code::DuplicateId,
        "criterion",
        "criterion `{id}` is defined twice",
        "条款 {id} 重复定义",
    ),
    (
        Code::DuplicateId,
        "metric",
        "metric `{id}` is defined twice in `{criterion}`",
        "条款 {criterion} 中的指标 {id} 重复定义",
    ),
    (
        Code::UnknownLevel,
        "",
        "`{id}` names level `{level}`, which the catalog does not define",
        "{id} 引用的等级 {level} 未在评估目录中定义",
    ),
    (
        Code::UnknownLevel,
        "prerequisite",
        "prerequisite `{id}` names level `{level}`, which the catalog does not define",
        "前提条件 {id} 引用的等级 {level} 未在评估目录中定义",
    ),
    (
        Code::UnknownLevel,
        "certificate",
        "certificate_level `{level}` is not a level of this catalog",
        "证书等级 {level} 不是本评估目录的等级",
    ),
    (
        Code::UnknownLevel,
        "criterion",
        "criterion `{id}` names level `{level}`, which the catalog does not define",
        "条款 {id} 引用的等级 {level} 未在评估目录中定义",
    ),
    (
        Code::UnknownElement,
        "",
        "criterion `{id}` names element `{element}`, which the catalog does not define",
        "条款 {id} 引用的要素 {element} 未在评估目录中定义",
    ),
    (
        Code::LevelWithoutCriteria,
        "",
        "level `{level}` has no criteria",
        "等级 {level} 没有任何条款",
    ),
    (
        Code::WeightOutOfRange,
        "",
        "weight {weight} is not an integer >= 1",
        "权重 {weight} 不是不小于 1 的整数",
    ),
    (
        Code::ScaleOutOfRange,
        "",
        "scale.partial is {partial}; it must be 0 <= partial < 1 with at most 3 decimals",
        "部分符合的计分为 {partial}；须满足 0 ≤ 计分 < 1，且最多 3 位小数",
    ),
    (
        Code::ThresholdOutOfRange,
        "",
        "element_threshold must be in (0, 1] with at most 3 decimals",
        "要素阈值须在 (0, 1] 之内，且最多 3 位小数",
    ),
    (
        Code::PolicyMismatch,
        "",
        "partial_is_met only applies to method all-conform",
        "“部分符合视为满足”仅适用于“全部符合”判定方法",
    ),
    (
        Code::PolicyMismatch,
        "element-threshold",
        "element_threshold only applies to method threshold",
        "要素阈值仅适用于“阈值”判定方法",
    ),
    (
        Code::MetricRange,
        "",
        "metric `{metric}` of `{id}` has range [{min}, {max}]: the first bound must not exceed the second",
        "{id} 的指标 {metric} 的取值范围为 [{min}, {max}]：下限不能大于上限",
    ),
    (
        Code::MetricNotAdvisory,
        "",
        "metric `{metric}` of `{id}` decides a status in an official catalog; unless the standard's text states its target `{check}`, mark it `advisory: true`",
        "官方评估目录中 {id} 的指标 {metric} 会决定条款状态；除非标准原文规定了目标 {check}，请标为参考目标（advisory: true）",
    ),
    (
        Code::ExpressionSyntax,
        "",
        "applies_if does not compile: {error}",
        "适用条件 {expression} 的写法有误，无法解析",
    ),
    (
        Code::ExpressionSyntax,
        "check",
        "metric check does not compile: {error}",
        "指标检查式 {expression} 的写法有误，无法解析",
    ),
    (
        Code::ExpressionLimit,
        "",
        "{subject}, evaluated for a submission without facts, {error}",
        "{subject}在没有事实数据的提交上求值时{error}",
    ),
    (
        Code::ExpressionLimit,
        "value",
        "{subject}, evaluated with value {value} for a submission without facts, {error}",
        "{subject}以取值 {value} 在没有事实数据的提交上求值时{error}",
    ),
    (
        Code::UnknownPrerequisiteKind,
        "",
        "{detail}{at}",
        "前提条件类型 {value} 未定义：应为标志、已运行月数或证书之一",
    ),
    (
        Code::MissingTranslation,
        "",
        "the catalog title has no `en` text",
        "评估目录标题缺少英文文本",
    ),
    (
        Code::MissingTranslation,
        "criterion",
        "`{id}` {field} has no `en` text",
        "{id} 的{field}缺少英文文本",
    ),
    (
        Code::WaiverUnknownCriterion,
        "",
        "waiver for `{id}`, which is not a criterion of the catalog",
        "豁免所列条款 {id} 不在评估目录中",
    ),
    // Results and batches.
    (
        Code::ResultVersion,
        "",
        "this is not an itss result document (no `schema: {current}`); results are written by `itss assess --format json` and `itss batch`",
        "这不是 itss 结果文档（没有 schema: {current}）；结果文档由 itss assess --format json 或 itss batch 生成",
    ),
    (
        Code::ResultVersion,
        "older",
        "this is an `{version}` result document; this itss reads `{current}`. Assess the submission again with this version of itss (`itss assess SUBMISSION --format json`) to get a current result",
        "这是 {version} 版的结果文档，本版本 itss 读取 {current}。请用本版本重新评估该提交（itss assess 提交文件 --format json）以得到新的结果文档",
    ),
    (
        Code::ResultVersion,
        "submission",
        "this is a submission, not a result document: assess it with `itss assess FILE` (add `--format html` for a report)",
        "这是提交文件，不是结果文档：请用 itss assess 文件 评估（加 --format html 得到报告）",
    ),
    (
        Code::DuplicateSubmission,
        "",
        "submission id `{id}` is already used by {earlier}; this file's result is not written",
        "提交编号 {id} 已被 {earlier} 使用；本文件的结果不写出",
    ),
    // Reviews. The review loader (`src/review/`) writes its messages with `localized`; these
    // templates say the same, for a move to parameters.
    (
        Code::ReviewMismatch,
        "",
        "this review is for submission `{named}`, not `{id}` ({path})",
        "本评审针对的提交是“{named}”，而非“{id}”（{path}）",
    ),
    (
        Code::ReviewMismatch,
        "changed",
        "the submission file changed since the review: the review records SHA-256 {recorded}, {path} has {actual}",
        "评审之后提交文件已改动：评审记录的 SHA-256 为 {recorded}，{path} 的为 {actual}",
    ),
    (
        Code::ReviewMismatch,
        "agree",
        "{first} and {second} are reviews of different submissions (or of different versions of one): agreement compares two reviews of the same file",
        "{first} 与 {second} 评审的不是同一份提交（或同一提交的不同版本）：一致性只比较对同一文件的两份评审",
    ),
    (
        Code::ReviewUnknownCriterion,
        "",
        "catalog {catalog} has no criterion `{id}`",
        "评估准则“{catalog}”中没有条款 {id}",
    ),
    (
        Code::ReviewUnknownCriterion,
        "nonconformity",
        "nonconformity {nc} names criterion `{id}`, which catalog {catalog} does not have",
        "不符合项 {nc} 所指条款 {id} 不在评估准则“{catalog}”中",
    ),
    (
        Code::ReviewUnknownMetric,
        "",
        "criterion {id} has no metric `{metric}`",
        "条款 {id} 没有名为“{metric}”的指标",
    ),
    (
        Code::ReviewTeam,
        "",
        "the team has {leads} leads; a review names exactly one",
        "评估组有 {leads} 名组长；评审须有且仅有一名组长",
    ),
    // Workbook (.xlsx) submissions.
    (
        Code::XlsxArchive,
        "",
        "not a readable .xlsx workbook (its zip container is damaged: {detail}); save it again from Excel, WPS or LibreOffice",
        "不是可读取的 .xlsx 工作簿（zip 容器已损坏）；请用 Excel、WPS 或 LibreOffice 重新保存",
    ),
    (
        Code::XlsxArchive,
        "part",
        "not a readable .xlsx workbook (part {index} of its zip container: {detail})",
        "不是可读取的 .xlsx 工作簿（zip 容器第 {index} 个部件无法读取）",
    ),
    (
        Code::XlsxArchive,
        "parts",
        "the workbook has {count} parts, more than the limit of {max}",
        "工作簿包含 {count} 个部件，超过上限 {max}",
    ),
    (
        Code::XlsxArchive,
        "budget",
        "the workbook expands to more than {budget} bytes (the input limit, counted uncompressed; see --max-file-size); it is not read",
        "工作簿解压后超过 {budget} 字节（输入大小上限按解压后计算，见 --max-file-size），不予读取",
    ),
    (
        Code::XlsxArchive,
        "workbook",
        "not a readable .xlsx workbook ({detail}); save it again from Excel, WPS or LibreOffice",
        "不是可读取的 .xlsx 工作簿；请用 Excel、WPS 或 LibreOffice 重新保存",
    ),
    (
        Code::XlsxLayout,
        "",
        "this workbook is not an itss questionnaire (no sheet of organization fields); start from `itss template --format xlsx` or `itss convert`",
        "此工作簿不是 itss 问卷（没有填写单位信息的工作表）；请从 itss template --format xlsx 或 itss convert 生成的问卷开始填写",
    ),
    // A workbook cell the schema refused, said in a form's words.
    (
        Code::Schema,
        "cell-rating",
        "the rating `{typed}` is not understood: choose 符合 / Conform, 部分符合 / Partial, 不符合 / Nonconform or 不适用 / Not applicable from the drop-down",
        "评级「{typed}」无法识别：请从下拉列表中选择 符合、部分符合、不符合 或 不适用",
    ),
    (
        Code::Schema,
        "cell-verdict-rating",
        "the rating `{typed}` is not understood: choose 符合 / Conform, 部分符合 / Partial, 不符合 / Nonconform or 不适用 / Not applicable from the drop-down, or leave it blank to confirm the declared rating",
        "评级「{typed}」无法识别：请从下拉列表中选择 符合、部分符合、不符合 或 不适用；留空表示确认自评",
    ),
    (
        Code::Schema,
        "cell-severity",
        "the severity `{typed}` is not understood: choose 一般 / Minor or 严重 / Major",
        "严重程度「{typed}」无法识别：请选择 一般 或 严重",
    ),
    (
        Code::Schema,
        "cell-role",
        "the role `{typed}` is not understood: choose 组长 / Lead or 组员 / Member",
        "角色「{typed}」无法识别：请选择 组长 或 组员",
    ),
    (
        Code::Schema,
        "cell-date",
        "the date `{typed}` is not understood: use a date cell, or type it as 2026-03-01",
        "日期「{typed}」无法识别：请使用日期单元格，或写成 2026-03-01 这样的格式",
    ),
    (
        Code::Schema,
        "cell-metric",
        "the value `{typed}` of metric `{metric}` is not a number: type a number such as 0.92 or 92%",
        "指标 {metric} 的值「{typed}」不是数字：请填写数字，如 0.92 或 92%",
    ),
    (
        Code::Schema,
        "review-file",
        "this file is an assessment body's review, not a self-assessment submission: give it with --review (a batch takes a folder of reviews with --reviews)",
        "此文件是评估机构的评审记录，不是自评估提交；请用 --review 指定（批量评估用 --reviews 指定评审记录所在的文件夹）",
    ),
    (
        Code::XlsxLayout,
        "review",
        "this workbook is an assessment body's review record, not a self-assessment questionnaire; give it with --review",
        "此工作簿是评估机构的评审记录，不是自评估问卷；请用 --review 指定",
    ),
    (
        Code::XlsxLayout,
        "questionnaire",
        "this workbook is a self-assessment questionnaire, not a review record; start a review with `itss review init --format xlsx`",
        "此工作簿是自评估问卷，不是评审记录；请用 itss review init --format xlsx 生成评审记录",
    ),
    (
        Code::XlsxLayout,
        "not-review",
        "this workbook is not an itss review record (no sheet of review fields); start from `itss review init --format xlsx` or `itss convert`",
        "此工作簿不是 itss 评审记录（没有评审信息工作表）；请从 itss review init --format xlsx 或 itss convert 生成的评审记录开始填写",
    ),
    (
        Code::ReviewDuplicate,
        "",
        "nonconformity {id} is listed twice",
        "不符合项 {id} 重复列出",
    ),
    (
        Code::ReviewDuplicate,
        "action",
        "nonconformity {id} has a second corrective-action row; keep one",
        "不符合项 {id} 有第二行整改措施，请只保留一行",
    ),
    (
        Code::ReviewUnknownNonconformity,
        "",
        "this corrective action is for nonconformity {id}, which the nonconformity sheet does not list",
        "此整改措施针对的不符合项 {id} 不在“不符合项”表中",
    ),
    (
        Code::ReviewDuplicate,
        "submission",
        "{earlier} is also a review of submission `{id}`; keep one",
        "{earlier} 也是提交“{id}”的评审，请只保留一份",
    ),
    (
        Code::InvalidDate,
        "onsite",
        "the on-site visit ends ({to}) before it starts ({from})",
        "现场评审结束日期（{to}）早于开始日期（{from}）",
    ),
    (
        Code::MissingField,
        "closed-on",
        "nonconformity {id} has a verifier but no closing date (closed_on)",
        "不符合项 {id} 已填写验证人，但未填写关闭日期",
    ),
];

/// The template of `code` and `variant` in `lang`: the code's own, else the schema's
/// variant, else the code's main template.
pub fn template(code: Code, variant: &str, lang: Lang) -> &'static str {
    let find = |c: Code, v: &str| TEMPLATES.iter().find(|r| r.0 == c && r.1 == v);
    let row = find(code, variant)
        .or_else(|| find(Code::Schema, variant))
        .or_else(|| find(code, ""));
    match (row, lang) {
        (Some(r), Lang::Zh) => r.3,
        (Some(r), Lang::En) => r.2,
        (None, Lang::Zh) => "{detail}",
        (None, Lang::En) => "{detail}",
    }
}

/// One parameter: the same text in both languages, or one per language.
#[derive(Debug, Clone, PartialEq)]
enum Arg {
    Same(String),
    Each { en: String, zh: String },
}

/// A message to be: the template variant and its parameters.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Msg {
    variant: &'static str,
    args: Vec<(&'static str, Arg)>,
}

/// A message of template variant `variant` (`""`: the code's main one).
pub fn msg(variant: &'static str) -> Msg {
    Msg {
        variant,
        args: Vec::new(),
    }
}

impl Msg {
    /// The same parameters under another template variant.
    pub fn variant(mut self, variant: &'static str) -> Msg {
        self.variant = variant;
        self
    }

    /// A parameter written the same in both languages: an id, a number, a value the user
    /// wrote, a path.
    pub fn arg(mut self, name: &'static str, value: impl Display) -> Msg {
        self.args.push((name, Arg::Same(value.to_string())));
        self
    }

    /// A parameter with one text per language.
    pub fn text(mut self, name: &'static str, en: impl Into<String>, zh: impl Into<String>) -> Msg {
        self.args.push((
            name,
            Arg::Each {
                en: en.into(),
                zh: zh.into(),
            },
        ));
        self
    }

    /// A list, joined with `, ` in English and `、` in Chinese.
    pub fn list<I, T>(self, name: &'static str, items: I) -> Msg
    where
        I: IntoIterator<Item = T>,
        T: Display,
    {
        let items: Vec<String> = items.into_iter().map(|i| i.to_string()).collect();
        self.text(name, items.join(", "), items.join("、"))
    }

    /// The field at a JSON pointer: `` `/a/b` `` in English, its Chinese label.
    pub fn field(self, name: &'static str, pointer: &str) -> Msg {
        self.text(
            name,
            format!("`{pointer}`"),
            spaced(field_label_zh(pointer)),
        )
    }

    /// A "did you mean" hint (nothing when there is no suggestion).
    pub fn hint(self, suggestion: Option<&str>) -> Msg {
        match suggestion {
            Some(h) => self.text(
                "hint",
                format!(" (did you mean `{h}`?)"),
                format!("（是否应为 {h}？）"),
            ),
            None => self.text("hint", "", ""),
        }
    }

    /// The message in `lang` under `code`.
    pub fn render(&self, code: Code, lang: Lang) -> String {
        fill(template(code, self.variant, lang), |name| {
            self.args
                .iter()
                .rev()
                .find(|(n, _)| *n == name)
                .map(|(_, arg)| match (arg, lang) {
                    (Arg::Same(s), _) => s.as_str(),
                    (Arg::Each { en, .. }, Lang::En) => en.as_str(),
                    (Arg::Each { zh, .. }, Lang::Zh) => zh.as_str(),
                })
        })
    }
}

/// Replaces each `{name}` of `template` by its value; an unknown name is left out
/// (written `…`), never a panic.
fn fill<'a>(template: &str, value: impl Fn(&str) -> Option<&'a str>) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close)
                if after[..close]
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_') =>
            {
                out.push_str(value(&after[..close]).unwrap_or("…"));
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The parameter names a template uses, in order.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close)
                if after[..close]
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_') =>
            {
                out.push(&after[..close]);
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

/// The Chinese label of a key, given the key it is under (`None` at the top).
fn key_label(parent: Option<&str>, key: &str) -> Option<&'static str> {
    Some(match (parent, key) {
        // A submission.
        (None, "id") => "申报编号",
        (None, "catalog") => "评估目录",
        (None, "catalog_version") => "评估目录版本",
        (None, "assessed_on") => "评估基准日",
        (None, "target_level") => "自评目标等级",
        (None, "organization") => "组织信息",
        (None, "answers") => "作答",
        (Some("organization"), "name") => "组织名称",
        (Some("organization"), "credit_code") => "统一社会信用代码",
        (Some("organization"), "legal_entity") => "独立法人资格",
        (Some("organization"), "business_since") => "开始从事该项业务的日期",
        (Some("organization"), "system_since") => "能力体系运行起始日期",
        (Some("organization"), "certificates") => "已持有证书",
        (Some("organization"), "facts") => "事实数据",
        (Some("certificates"), "catalog") => "评估目录",
        (Some("certificates"), "level") => "证书等级",
        (Some("certificates"), "issued_on") => "发证日期",
        (Some("certificates"), "expires_on") => "有效期至",
        (Some("certificates"), "number") => "证书编号",
        (Some("answers"), "rating") => "作答",
        (Some("answers"), "note") => "说明",
        (Some("answers"), "evidence") => "证据",
        (Some("answers" | "verdicts"), "metrics") => "指标",
        (Some("evidence" | "checked"), "path") => "文件路径",
        (Some("evidence" | "checked"), "sha256") => "校验值（SHA-256）",
        (Some("evidence" | "checked"), "dated") => "日期",
        (Some("evidence" | "checked"), "title") => "标题",
        // A catalog.
        (None, "version") => "版本",
        (None, "standard") => "依据标准",
        (None, "official") => "官方标记",
        (None, "title") => "标题",
        (None, "notice") => "声明",
        (None, "levels") => "等级",
        (None, "elements") => "要素",
        (None, "scale") => "计分尺度",
        (None, "policy") => "判定规则",
        (None, "prerequisites") => "前提条件",
        (None, "criteria") => "条款",
        (Some("scale"), "conform") => "符合的计分",
        (Some("scale"), "partial") => "部分符合的计分",
        (Some("scale"), "nonconform") => "不符合的计分",
        (Some("policy"), "method") => "判定方法",
        (Some("policy"), "element_threshold") => "要素阈值",
        (Some("policy"), "partial_is_met") => "部分符合视为满足",
        (Some("levels" | "elements"), "id") => "编号",
        (Some("levels" | "elements"), "name") => "名称",
        (Some("levels"), "gist") => "概要",
        (Some("prerequisites"), "id") => "编号",
        (Some("prerequisites"), "level") => "等级",
        (Some("prerequisites"), "kind") => "类型",
        (Some("prerequisites"), "field") => "字段",
        (Some("prerequisites"), "months") => "月数",
        (Some("prerequisites"), "certificate_level") => "证书等级",
        (Some("prerequisites"), "months_held") => "持证月数",
        (Some("prerequisites" | "criteria" | "metrics"), "title") => "标题",
        (Some("criteria"), "id") => "编号",
        (Some("criteria"), "level") => "等级",
        (Some("criteria"), "element") => "要素",
        (Some("criteria"), "requirement") => "要求",
        (Some("criteria"), "clause") => "标准条款",
        (Some("criteria"), "key") => "关键条款标记",
        (Some("criteria"), "weight") => "权重",
        (Some("criteria"), "key_indicators") => "关键指标",
        (Some("criteria"), "evidence") => "证据要求",
        (Some("criteria"), "na_allowed") => "允许不适用",
        (Some("criteria"), "applies_if") => "适用条件",
        (Some("criteria"), "metrics") => "指标",
        (Some("metrics"), "id") => "编号",
        (Some("metrics"), "check") => "检查式",
        (Some("metrics"), "advisory") => "参考目标标记",
        (Some("metrics"), "range") => "取值范围",
        (Some("metrics"), "formula") => "计算公式",
        // A review.
        (None, "review") => "评审记录格式",
        (None, "submission") => "所评审的提交",
        (None, "body") => "评估机构",
        (None, "team") => "评估组",
        (None, "onsite") => "现场评审",
        (None, "as_of") => "评审基准日",
        (None, "sampling") => "抽样",
        (None, "verdicts") => "评审意见",
        (None, "nonconformities") => "不符合项",
        (Some("submission"), "id") => "提交编号",
        (Some("submission"), "sha256") => "提交文件摘要",
        (Some("body"), "name") => "机构名称",
        (Some("body"), "code") => "机构编号",
        (Some("team"), "name") => "姓名",
        (Some("team"), "role") => "角色",
        (Some("onsite"), "from") => "开始日期",
        (Some("onsite"), "to") => "结束日期",
        (Some("sampling"), "seed") => "抽样种子",
        (Some("sampling"), "rate") => "抽样比例",
        (Some("sampling"), "up_to_level") => "覆盖至级别",
        (Some("verdicts"), "rating") => "评审评级",
        (Some("verdicts"), "note") => "评审说明",
        (Some("verdicts"), "checked") => "核查记录",
        (Some("verdicts"), "declared") => "自评",
        (Some("verdicts"), "sample") => "抽样证据",
        (Some("checked"), "seen") => "现场查看",
        (Some("nonconformities"), "id") => "编号",
        (Some("nonconformities"), "criterion") => "条款",
        (Some("nonconformities"), "severity") => "严重程度",
        (Some("nonconformities"), "statement") => "不符合事实",
        (Some("nonconformities"), "action") => "整改措施",
        (Some("action"), "owner") => "责任人",
        (Some("action"), "due") => "整改期限",
        (Some("action"), "description") => "措施说明",
        (Some("action"), "closed_on") => "关闭日期",
        (Some("action"), "verified_by") => "验证人",
        (Some("text"), "zh") => "中文",
        (Some("text"), "en") => "英文",
        // Waivers.
        (None, "waivers") => "豁免",
        (Some("waivers"), "criterion") => "条款",
        (Some("waivers"), "justification") => "理由",
        (Some("waivers"), "approved_by") => "批准人",
        (Some("waivers"), "expires_on") => "到期日",
        _ => return None,
    })
}

/// A label that ends in Latin letters or digits (an id) with a space, so that the Chinese
/// words after it stand apart: `条款 A.1 中…`, not `条款 A.1中…`.
pub fn spaced(mut label: String) -> String {
    if label.ends_with(|c: char| c.is_ascii_alphanumeric()) {
        label.push(' ');
    }
    label
}

/// The Chinese label of the field at a JSON pointer: `组织信息 › 组织名称`, with list items
/// as `第 N 项` and the ids a document chooses (criterion, metric and fact names) as written.
/// A pointer with a key this module has no label for is shown whole, as a position.
pub fn field_label_zh(pointer: &str) -> String {
    if pointer.is_empty() {
        return "文件".to_owned();
    }
    let tokens: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let mut parts: Vec<String> = Vec::new();
    // The last key that names a kind of thing (not an index, not an id).
    let mut parent: Option<&str> = None;
    // What the next key is: a key of the format, or an id chosen by the document (and the
    // kind of thing the id names).
    let mut id_of: Option<&'static str> = None;
    let mut id_parent: &'static str = "answers";
    for token in &tokens {
        if let Some(kind) = id_of.take() {
            // `指标 › 指标 x` says `指标 x`.
            if parts
                .last()
                .is_some_and(|p| kind.starts_with(p.as_str()) || p.starts_with(kind))
            {
                parts.pop();
            }
            parts.push(format!("{kind} {token}"));
            if kind == "条款" {
                parent = Some(id_parent);
            }
            continue;
        }
        if let Ok(n) = token.parse::<u64>() {
            parts.push(format!("第 {} 项", n.saturating_add(1)));
            continue;
        }
        let Some(label) = key_label(parent, token) else {
            // A key without a label (one the document made up, or of a format this module
            // does not describe): the rest of the path as written.
            let at = tokens
                .iter()
                .position(|t| std::ptr::eq(t, token))
                .unwrap_or(0);
            let rest = tokens[at..].join("/");
            if parts.is_empty() {
                return format!("位置 /{rest}");
            }
            parts.push(format!("字段 {rest}"));
            break;
        };
        parts.push(label.to_owned());
        match (parent, token.as_str()) {
            (None, "answers") => {
                id_of = Some("条款");
                id_parent = "answers";
            }
            (None, "verdicts") => {
                id_of = Some("条款");
                id_parent = "verdicts";
            }
            (Some("answers" | "verdicts"), "metrics") => id_of = Some("指标"),
            (Some("organization"), "facts") => id_of = Some("事实"),
            _ => {}
        }
        parent = Some(match token.as_str() {
            "organization" => "organization",
            "certificates" => "certificates",
            "evidence" => "evidence",
            "levels" => "levels",
            "elements" => "elements",
            "scale" => "scale",
            "policy" => "policy",
            "prerequisites" => "prerequisites",
            "criteria" => "criteria",
            "metrics" => "metrics",
            "waivers" => "waivers",
            "submission" => "submission",
            "body" => "body",
            "team" => "team",
            "onsite" => "onsite",
            "sampling" => "sampling",
            "checked" => "checked",
            "nonconformities" => "nonconformities",
            "action" => "action",
            "statement" | "description" => "text",
            _ => "",
        });
    }
    // `条款 X › 作答` says where an answer is; the `作答` above the criterion adds nothing.
    if tokens.len() > 1 && tokens[0] == "answers" {
        parts.remove(0);
    }
    parts.join(" › ")
}

/// The Chinese words for an operating-system error, by its kind.
pub fn io_reason_zh(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "文件不存在".to_owned(),
        K::PermissionDenied => "没有访问权限".to_owned(),
        K::IsADirectory => "这是目录，不是文件".to_owned(),
        K::NotADirectory => "路径中有一段不是目录".to_owned(),
        K::InvalidFilename => "文件名无效或过长".to_owned(),
        K::InvalidData => "内容无效".to_owned(),
        K::TimedOut | K::WouldBlock => "读取超时或暂时不可用".to_owned(),
        K::Interrupted => "读取被中断".to_owned(),
        K::OutOfMemory => "内存不足".to_owned(),
        K::StorageFull => "磁盘空间不足".to_owned(),
        K::ReadOnlyFilesystem => "文件系统为只读".to_owned(),
        K::ResourceBusy => "文件正被占用".to_owned(),
        K::AlreadyExists => "文件已存在".to_owned(),
        _ => match e.raw_os_error() {
            Some(n) => format!("操作系统错误（代码 {n}）"),
            None => "输入输出错误".to_owned(),
        },
    }
}

/// The English words for an operating-system error, as the file readers say them.
pub fn io_reason_en(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    }
}

/// The Chinese words for a serde_json error: serde_json has no error kinds beyond four
/// classes, so its (stable) English phrases are recognized; anything else is said generally.
pub fn json_reason_zh(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let phrases: &[(&str, &str)] = &[
        (
            "EOF while parsing a list",
            "列表（[ ]）未结束，文件就结束了",
        ),
        (
            "EOF while parsing an object",
            "对象（{ }）未结束，文件就结束了",
        ),
        (
            "EOF while parsing a string",
            "字符串的引号未闭合，文件就结束了",
        ),
        ("EOF while parsing a value", "此处应有一个值，文件却结束了"),
        ("expected `:`", "此处应为冒号（:）"),
        ("expected `,` or `]`", "此处应为逗号或右方括号（, 或 ]）"),
        ("expected `,` or `}`", "此处应为逗号或右花括号（, 或 }）"),
        ("expected ident", "无法识别的词：只能是 true、false 或 null"),
        ("expected value", "此处应为一个值（字符串须加双引号）"),
        ("expected `\"`", "此处应为双引号"),
        ("invalid escape", "字符串中的转义序列无效"),
        ("invalid number", "数字写法无效"),
        ("number out of range", "数字超出可表示的范围"),
        ("invalid unicode code point", "无效的 Unicode 码位"),
        (
            "control character",
            "字符串中有控制字符（如换行或制表符），须写成转义序列",
        ),
        ("key must be a string", "对象的键必须是带双引号的字符串"),
        ("lone leading surrogate", "无效的 Unicode 代理对"),
        ("trailing comma", "多余的逗号"),
        ("trailing characters", "文档结束后还有多余的内容"),
        ("recursion limit exceeded", "嵌套层数过多"),
        ("unexpected end of hex escape", "十六进制转义序列不完整"),
    ];
    phrases
        .iter()
        .find(|(en, _)| text.starts_with(en))
        .map_or_else(
            || "此处无法按 JSON 解析".to_owned(),
            |(_, zh)| (*zh).to_owned(),
        )
}

/// The Chinese name of a JSON Schema type.
pub fn type_zh(name: &str) -> &'static str {
    match name {
        "object" => "映射（键: 值）",
        "array" => "列表",
        "string" => "文本",
        "integer" => "整数",
        "number" => "数字",
        "boolean" => "布尔值（true 或 false）",
        "null" => "空值",
        _ => "其他类型",
    }
}

/// The Chinese name of a JSON Schema format.
pub fn format_zh(name: &str) -> &'static str {
    match name {
        "date" => "日期",
        "date-time" => "日期时间",
        "email" => "电子邮件地址",
        "uri" | "url" => "网址",
        _ => "格式",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_both_main_templates() {
        for &code in Code::ALL {
            let row = TEMPLATES.iter().find(|r| r.0 == code && r.1.is_empty());
            let Some(&(_, _, en, zh)) = row else {
                panic!("{code} has no main template");
            };
            assert!(!en.trim().is_empty() && !zh.trim().is_empty(), "{code}");
        }
    }

    #[test]
    fn templates_are_unique_and_use_the_same_parameters() {
        // A library's English words and the English pointer are English-only parameters;
        // labels and values shown to explain are Chinese-only ones.
        const EN_ONLY: &[&str] = &["detail", "at", "error"];
        const ZH_ONLY: &[&str] = &[
            "field",
            "value",
            "expected",
            "limit",
            "rule",
            "format",
            "place",
            "expression",
        ];
        let mut seen = std::collections::BTreeSet::new();
        for &(code, variant, en, zh) in TEMPLATES {
            assert!(seen.insert((code, variant)), "{code}/{variant} twice");
            assert!(
                !en.trim().is_empty() && !zh.trim().is_empty(),
                "{code}/{variant}"
            );
            let (a, b) = (placeholders(en), placeholders(zh));
            for p in &a {
                assert!(
                    b.contains(p) || EN_ONLY.contains(p),
                    "{code}/{variant}: {{{p}}} only in English"
                );
            }
            for p in &b {
                assert!(
                    a.contains(p) || ZH_ONLY.contains(p),
                    "{code}/{variant}: {{{p}}} only in Chinese"
                );
            }
            assert!(!zh.contains('`'), "{code}/{variant}: backticks in zh");
        }
    }

    /// Every variant the sources name (`msg("x")`, `.variant("x")`) has a template: a
    /// misspelt one would fall back to the code's main message.
    #[test]
    fn every_variant_used_has_a_template() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("messages.rs")
                {
                    out.push(path);
                }
            }
        }
        let mut files = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let mut used = 0;
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            for opener in ["msg(\"", ".variant(\""] {
                for (i, _) in text.match_indices(opener) {
                    let rest = &text[i + opener.len()..];
                    let Some(end) = rest.find('"') else { continue };
                    let variant = &rest[..end];
                    if variant.contains('\\') {
                        continue;
                    }
                    used += 1;
                    assert!(
                        TEMPLATES.iter().any(|r| r.1 == variant),
                        "{}: no template has variant {variant:?}",
                        file.display()
                    );
                }
            }
        }
        assert!(used > 50, "{used}");
    }

    #[test]
    fn fills_parameters_per_language() {
        let m = msg("level").arg("id", "L3");
        assert_eq!(
            m.render(Code::DuplicateId, Lang::En),
            "level `L3` is defined twice"
        );
        assert_eq!(m.render(Code::DuplicateId, Lang::Zh), "等级 L3 重复定义");
        let m = msg("").list("levels", ["a", "b"]);
        assert!(
            m.render(Code::UnknownTargetLevel, Lang::Zh)
                .contains("a、b")
        );
        assert!(
            m.render(Code::UnknownTargetLevel, Lang::En)
                .contains("a, b")
        );
        // A missing parameter and a brace that is no placeholder.
        assert_eq!(fill("{x} {Y} {", |_| None), "… {Y} {");
    }

    #[test]
    fn labels_fields_in_chinese() {
        assert_eq!(field_label_zh("/organization/name"), "组织信息 › 组织名称");
        assert_eq!(field_label_zh("/answers/A.1/rating"), "条款 A.1 › 作答");
        assert_eq!(
            field_label_zh("/answers/A.1/evidence/0/dated"),
            "条款 A.1 › 证据 › 第 1 项 › 日期"
        );
        assert_eq!(
            field_label_zh("/answers/A~1B/metrics/avail"),
            "条款 A/B › 指标 avail"
        );
        assert_eq!(
            field_label_zh("/organization/certificates/0/level"),
            "组织信息 › 已持有证书 › 第 1 项 › 证书等级"
        );
        assert_eq!(
            field_label_zh("/criteria/2/weight"),
            "条款 › 第 3 项 › 权重"
        );
        assert_eq!(field_label_zh(""), "文件");
        assert_eq!(field_label_zh("/zzz/q"), "位置 /zzz/q");
        assert_eq!(field_label_zh("/organization/x/y"), "组织信息 › 字段 x/y");
    }
}
