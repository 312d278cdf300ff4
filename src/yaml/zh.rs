//! The YAML parser's errors in Chinese, by kind (the English text is the parser's own).

use serde_saphyr::granit_parser;

use super::MAX_DEPTH;

/// The Chinese words for a syntax error of the YAML parser, by its kind.
pub(super) fn syntax_zh(kind: &granit_parser::ErrorKind) -> String {
    use granit_parser::ErrorKind as K;
    match kind {
        K::UnexpectedEofFlowSequence => "列表（[ ]）未结束，文件就结束了".to_owned(),
        K::UnexpectedEofFlowMapping | K::UnexpectedEofImplicitFlowMapping => {
            "映射（{ }）未结束，文件就结束了".to_owned()
        }
        K::UnexpectedEofBlockSequence | K::UnexpectedEofBlockMapping | K::UnexpectedEof => {
            "文件意外结束".to_owned()
        }
        K::UnknownAnchor => "别名（*）引用了未定义的锚点（&）".to_owned(),
        K::ExpectedNodeContent => "此处缺少值".to_owned(),
        K::ExpectedBlockMappingKey | K::SimpleKeyExpected | K::InvalidSimpleKey => {
            "此处应为“键: 值”：可能缺少冒号，或缩进与上下文不一致".to_owned()
        }
        K::ExpectedFlowMappingSeparator => "映射（{ }）中此处应为逗号或右花括号".to_owned(),
        K::ExpectedFlowSequenceSeparator => "列表（[ ]）中此处应为逗号或右方括号".to_owned(),
        K::ExpectedBlockSequenceEntry
        | K::BlockSequenceEntryNotAllowed
        | K::BlockEntryInFlowCollection
        | K::InvalidBlockEntryWhitespace => "此处不能出现列表项（- ），或其缩进不对".to_owned(),
        K::InvalidIndentation | K::InvalidFlowScalarIndent | K::InvalidQuotedScalarIndent => {
            "缩进与上下文不一致".to_owned()
        }
        K::TabNotAllowed
        | K::TabInBlockIndentation
        | K::TabInIndentation
        | K::TabAtBlockScalarStart
        | K::TabInPlainScalar => "缩进中不能使用制表符，请改用空格".to_owned(),
        K::UnexpectedCharacter { character } => format!("此处不能出现字符 {character:?}"),
        K::CommentInterceptedScalar | K::CommentNotSeparated => "注释符号 # 前须有空格".to_owned(),
        K::ExpectedWhitespace | K::InvalidMappingValueWhitespace => "此处应有空格".to_owned(),
        K::MisplacedFlowCollectionEnd => "多余的右括号".to_owned(),
        K::MismatchedFlowCollectionEnd { open, close } => {
            format!("括号不配对：以 {open} 开始，却以 {close} 结束")
        }
        K::UnclosedFlowCollection { open } => format!("括号 {open} 没有闭合"),
        K::UnclosedQuotedScalar
        | K::InvalidTrailingSingleQuotedScalar
        | K::InvalidTrailingDoubleQuotedScalar
        | K::DocumentIndicatorInQuotedScalar => "引号没有正确闭合".to_owned(),
        K::UnknownQuotedScalarEscape
        | K::InvalidQuotedScalarHexEscape
        | K::InvalidLowSurrogateHexEscape
        | K::InvalidLowSurrogate
        | K::MissingLowSurrogate
        | K::UnpairedLowSurrogate
        | K::InvalidUnicodeEscape => "双引号字符串中的转义序列（\\）无效".to_owned(),
        K::MappingKeyNotAllowed
        | K::MappingValueNotAllowed
        | K::InvalidColonPlacement
        | K::FlowMappingValueAdjacentCollection => {
            "此处不能出现“键: 值”：冒号的位置或缩进不对（值中含冒号时请加引号）".to_owned()
        }
        K::PlainScalarStartsWithDashFlowIndicator | K::UnexpectedEndOfPlainScalar => {
            "值的写法无效：含特殊字符的值请加引号".to_owned()
        }
        K::InvalidDocumentEnd
        | K::MultipleDocumentsUnsupported
        | K::MissingDocumentEndBeforeDirective
        | K::ExpectedDocumentStart => "文档的开始或结束标记（--- 或 ...）位置不对".to_owned(),
        K::ZeroBlockScalarIndent | K::InvalidBlockScalarHeader | K::InvalidBlockScalarIndent => {
            "多行文本（| 或 >）的写法或缩进无效".to_owned()
        }
        K::BomInsideDocument => "文档中间出现了字节顺序标记（BOM）".to_owned(),
        K::RecursionLimitExceeded => format!("值的嵌套超过 {MAX_DEPTH} 层"),
        K::InputByteLimitExceeded { limit } => format!("文档超过 {limit} 字节"),
        K::DuplicateVersionDirective
        | K::UnsupportedYamlMajorVersion
        | K::DuplicateTagDirective
        | K::InvalidDirectiveTerminator
        | K::DirectiveDisallowed
        | K::MissingYamlVersionSeparator
        | K::MissingDirectiveName
        | K::InvalidDirectiveName
        | K::DirectiveByteLimitExceeded { .. }
        | K::TooManyReservedDirectiveParams { .. }
        | K::YamlVersionTooLong
        | K::MissingYamlVersion
        | K::InvalidTagDirectiveTerminator => "YAML 指令（以 % 开头的行）无效".to_owned(),
        K::UndeclaredTagHandle
        | K::ExpectedTagBang
        | K::ExpectedTagDirectiveBang
        | K::InvalidGlobalTagCharacter
        | K::InvalidTagTerminator
        | K::MissingTagUri
        | K::UnclosedVerbatimTag
        | K::InvalidTagEscape
        | K::InvalidTagUtf8LeadingByte
        | K::InvalidTagUtf8TrailingByte
        | K::InvalidTagUtf8 => "YAML 标签（以 ! 开头）无效".to_owned(),
        K::MissingAnchorOrAliasName => "锚点（&）或别名（*）缺少名称".to_owned(),
        _ => "此处无法按 YAML 解析".to_owned(),
    }
}
