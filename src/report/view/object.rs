//! How the view reaches templates: every struct is a minijinja [`Object`] read in place
//! ([`view_object!`]), lists are sequences ([`List`]), strings are shared ([`Str`]), and
//! bilingual texts carry their text in the view's language ([`TextView`]). Every string taken
//! from the result is cleaned of control and bidi characters ([`clean`]).

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use minijinja::value::{Enumerator, Object, ObjectRepr, Value};

use crate::result::{Counts, Status};
use crate::text::{Lang, Text};

use super::super::escape;

/// A shared string of the view (cloning it costs a reference count).
pub type Str = Arc<str>;

/// A field value as templates see it.
pub trait ToValue {
    /// The template value; `None` leaves the field undefined.
    fn to_value(&self) -> Option<Value>;
}

impl ToValue for Arc<str> {
    fn to_value(&self) -> Option<Value> {
        Some(Value::from(Arc::clone(self)))
    }
}

impl ToValue for String {
    fn to_value(&self) -> Option<Value> {
        Some(Value::from(self.as_str()))
    }
}

impl ToValue for &'static str {
    fn to_value(&self) -> Option<Value> {
        Some(Value::from(*self))
    }
}

macro_rules! scalar_to_value {
    ($($ty:ty),*) => {
        $(impl ToValue for $ty {
            fn to_value(&self) -> Option<Value> {
                Some(Value::from(*self))
            }
        })*
    };
}

scalar_to_value!(bool, u32, usize, f64);

impl ToValue for Status {
    fn to_value(&self) -> Option<Value> {
        Some(Value::from(self.as_str()))
    }
}

impl<T: ToValue> ToValue for Option<T> {
    /// `none` when absent.
    fn to_value(&self) -> Option<Value> {
        match self {
            Some(v) => v.to_value(),
            None => Some(Value::from(())),
        }
    }
}

/// Implements [`Object`] for a view struct: its fields by name, in declaration order.
macro_rules! view_object {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl Object for $ty {
            fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
                self.get_value_by_str(key.as_str()?)
            }

            fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
                match key {
                    $(stringify!($field) => self.$field.to_value(),)*
                    _ => None,
                }
            }

            fn enumerate(self: &Arc<Self>) -> Enumerator {
                Enumerator::Str(&[$(stringify!($field)),*])
            }
        }

        impl ToValue for Arc<$ty> {
            fn to_value(&self) -> Option<Value> {
                Some(Value::from_dyn_object(Arc::clone(self)))
            }
        }
    };
}

pub(crate) use view_object;

/// A list of the view; a sequence in templates.
#[derive(Debug)]
pub struct List<T>(Vec<T>);

impl<T> List<T> {
    /// A shared list.
    pub fn new(items: Vec<T>) -> Arc<List<T>> {
        Arc::new(List(items))
    }
}

impl<T> Deref for List<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T: ToValue + fmt::Debug + Send + Sync + 'static> Object for List<T> {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.0.get(key.as_usize()?)?.to_value()
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.0.len())
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.0.len())
    }
}

impl<T: ToValue + fmt::Debug + Send + Sync + 'static> ToValue for Arc<List<T>> {
    fn to_value(&self) -> Option<Value> {
        Some(Value::from_dyn_object(Arc::clone(self)))
    }
}

/// A display string from the template set's locale, in the report's language, placeholders
/// filled; `None` when the locale lacks the key (the field is then undefined in templates,
/// as `t(…)` would have failed).
#[derive(Debug, Clone, Default)]
pub struct Label(pub Option<Str>);

impl Label {
    /// The text, when the locale has it.
    pub fn as_str(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl ToValue for Value {
    fn to_value(&self) -> Option<Value> {
        Some(self.clone())
    }
}

impl ToValue for Label {
    fn to_value(&self) -> Option<Value> {
        self.0.as_ref().map(|s| Value::from(Arc::clone(s)))
    }
}

/// Bilingual text (`{zh, en}`); the `tx` filter picks the report's language. Templates also
/// read `text`: the text in the language the view was built for (English falling back to
/// Chinese), as `tx` gives it — without a filter call; it is not listed among the keys, so
/// the object iterates like the `{zh, en}` of the result document.
#[derive(Debug, Clone)]
pub struct TextView {
    /// Chinese.
    pub zh: Str,
    /// English, when given.
    pub en: Option<Str>,
    /// The text in the view's language.
    pub text: Str,
}

impl TextView {
    /// The text in `lang`, falling back to Chinese.
    pub fn get(&self, lang: Lang) -> &Str {
        match (lang, &self.en) {
            (Lang::En, Some(en)) => en,
            _ => &self.zh,
        }
    }
}

impl Object for TextView {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        match key {
            "zh" => self.zh.to_value(),
            "en" => self.en.as_ref()?.to_value(),
            "text" => self.text.to_value(),
            _ => None,
        }
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        match self.en {
            Some(_) => Enumerator::Str(&["zh", "en"]),
            None => Enumerator::Str(&["zh"]),
        }
    }
}

impl ToValue for Arc<TextView> {
    fn to_value(&self) -> Option<Value> {
        Some(Value::from_dyn_object(Arc::clone(self)))
    }
}

view_object!(Counts {
    conform,
    partial,
    nonconform,
    unanswered,
    not_applicable,
    waived
});

/// A string taken from the result, with control and bidi characters made visible
/// ([`escape::clean`]): every string the view takes from the result goes through it.
pub(crate) fn clean(s: &str) -> Str {
    Arc::from(escape::clean(s).as_ref())
}

pub(crate) fn clean_opt(s: &Option<String>) -> Option<Str> {
    s.as_deref().map(clean)
}

/// [`clean`] for a text that is already shared: shared again when nothing needs cleaning.
pub(crate) fn clean_shared(s: &Arc<str>) -> Str {
    match escape::clean(s) {
        std::borrow::Cow::Borrowed(_) => Arc::clone(s),
        std::borrow::Cow::Owned(cleaned) => Arc::from(cleaned),
    }
}

impl TextView {
    /// A text of the result, cleaned, for a view in `lang`.
    pub(crate) fn of(t: &Text, lang: Lang) -> Arc<TextView> {
        TextView::new(clean_shared(&t.zh), t.en.as_ref().map(clean_shared), lang)
    }

    pub(crate) fn new(zh: Str, en: Option<Str>, lang: Lang) -> Arc<TextView> {
        let text = match (lang, &en) {
            (Lang::En, Some(en)) => Arc::clone(en),
            _ => Arc::clone(&zh),
        };
        Arc::new(TextView { zh, en, text })
    }
}
