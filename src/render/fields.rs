//! The fields of `page` by name: a leaf that the template loader (which finds the names the
//! templates use) and the page context (which gives templates only those) share.

/// Calls `$callback!` with the names of `page`'s template fields, in the order they are
/// written (see [`crate::render::context::PageContext`]).
macro_rules! with_page_fields {
    ($callback:ident) => {
        $callback!(
            title,
            description,
            date,
            weight,
            content,
            summary,
            toc,
            path,
            permalink,
            word_count,
            reading_time,
            figures,
            quotes,
            updated,
            corrections,
            date_modified,
            edit_url,
            source_file,
            json_ld,
            og_image,
            extra,
            lang,
            translations,
            taxonomies,
        );
    };
}
pub(crate) use with_page_fields;

macro_rules! field_names {
    ($($name:ident),* $(,)?) => {
        /// The names of `page`'s fields, as templates read them.
        pub const PAGE_FIELDS: &[&str] = &[$(stringify!($name)),*];
    };
}

with_page_fields!(field_names);

/// Which fields of `page` (and of a section's header and listed pages) the templates may
/// read. Making a page's template value is, after its Markdown, most of its cost; a field no
/// template names (`toc` on a site without tables of contents) is left out of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageFields(u64);

impl PageFields {
    /// Every field: when templates may read a page whole, and wherever no templates decide.
    pub const ALL: PageFields = PageFields(u64::MAX);

    /// The fields whose names appear in `templates`, or all of them when one of them may read
    /// a page whole (see [`reads_objects_whole`]). A name found anywhere counts (`date` in
    /// `update`), so a doubt keeps the field.
    pub fn named_in<'t>(templates: impl Iterator<Item = &'t str> + Clone) -> PageFields {
        if templates.clone().any(reads_objects_whole) {
            return PageFields::ALL;
        }
        let mut bits = 0;
        for (bit, name) in PAGE_FIELDS.iter().enumerate() {
            if templates.clone().any(|text| text.contains(name)) {
                bits |= 1 << bit;
            }
        }
        PageFields(bits)
    }

    /// Whether the field at `bit` of [`PAGE_FIELDS`] is given to templates.
    pub fn has(self, bit: usize) -> bool {
        self.0 >> bit & 1 == 1
    }

    /// Whether templates get the field `name` (any name not in [`PAGE_FIELDS`] counts as
    /// given): a field they do not get need not be made.
    pub fn wants(self, name: &str) -> bool {
        PAGE_FIELDS
            .iter()
            .position(|field| *field == name)
            .is_none_or(|bit| self.has(bit))
    }

    /// How many fields are given to templates.
    pub fn count(self) -> usize {
        (0..PAGE_FIELDS.len()).filter(|&bit| self.has(bit)).count()
    }
}

impl Default for PageFields {
    fn default() -> Self {
        PageFields::ALL
    }
}

/// Whether `template` may read every field of a value rather than named ones: it prints
/// `page` or `section` whole, lists a map's keys or values (`keys`, `values`, `pairs`,
/// `json_encode` when registered), reads a key held in a variable (`get(key=name)`), or
/// loops over a map's keys and values (`for key, value in`). A page printed whole under
/// another name (`{% set p = page %}{{ p }}`) shows the fields some template names.
fn reads_objects_whole(template: &str) -> bool {
    let word = |text: &str| -> String {
        text.trim_start_matches(['-', ' ', '\t', '\n', '\r'])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let whole_filter = template.split('|').skip(1).any(|after| {
        matches!(
            word(after).as_str(),
            "keys" | "values" | "pairs" | "json_encode"
        )
    });
    let printed_whole = template.split("{{").skip(1).any(|after| {
        let name = word(after);
        let rest =
            after.trim_start_matches(['-', ' ', '\t', '\n', '\r'])[name.len()..].trim_start();
        matches!(name.as_str(), "page" | "section") && rest.starts_with(['}', '|', '-'])
    });
    let key_in_variable = template
        .split("get(key=")
        .skip(1)
        .any(|after| !after.trim_start().starts_with(['"', '\'']));
    let key_value_loop = template.split("{%").skip(1).any(|tag| {
        let tag = tag.split("%}").next().unwrap_or_default();
        let tag = tag.trim_start_matches('-').trim_start();
        tag.strip_prefix("for ")
            .and_then(|rest| rest.split_once(" in "))
            .is_some_and(|(names, _)| names.contains(','))
    });
    whole_filter || printed_whole || key_in_variable || key_value_loop
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(templates: &[&str]) -> Vec<&'static str> {
        let fields = PageFields::named_in(templates.iter().copied());
        PAGE_FIELDS
            .iter()
            .enumerate()
            .filter(|&(bit, _)| fields.has(bit))
            .map(|(_, name)| *name)
            .collect()
    }

    #[test]
    fn only_the_fields_some_template_names_are_given() {
        assert_eq!(
            fields(&["<h1>{{ page.title }}</h1>", "{{ page.content | safe }}"]),
            ["title", "content"]
        );
        // A name inside another counts: a doubt keeps the field.
        assert_eq!(
            fields(&["{{ page.date_modified }}"]),
            ["date", "date_modified"]
        );
    }

    #[test]
    fn a_template_that_may_read_a_page_whole_gets_every_field() {
        for whole in [
            "{{ page }}",
            "{{- section | safe }}",
            "{{ page | keys | join(sep=\", \") }}",
            "{% for v in p|values %}{% endfor %}",
            "{{ page | pairs }}",
            "{{ page | get(key=name) }}",
            "{% for key, value in page %}{{ key }}{% endfor %}",
            "{%- for k,v in section -%}{% endfor %}",
        ] {
            assert_eq!(fields(&["{{ page.title }}", whole]), PAGE_FIELDS, "{whole}");
        }
        assert_eq!(
            fields(&[
                "{% for p in section.pages %}{{ p.title }}{% endfor %}",
                "{{ page.extra | get(key=\"color\") }}{{ pages | length }}",
            ]),
            ["title", "extra"]
        );
    }
}
