//! Test-only code: items under `#[cfg(test)]` (or `#[test]`) that the import check ignores.

use syn::punctuated::Punctuated;
use syn::{Attribute, Meta, Token};

/// Whether these attributes make their item exist only in test builds: `#[test]`, `#[tokio::test]`,
/// `#[cfg(test)]`, `#[cfg(all(test, ...))]`, or `#[cfg(any(...))]` whose every arm is test-only.
pub fn is_test_only(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|attr| {
        let path = attr.path();
        if path.segments.last().is_some_and(|s| s.ident == "test") {
            return true;
        }
        path.is_ident("cfg") && attr.parse_args::<Meta>().is_ok_and(|meta| test_only(&meta))
    })
}

fn test_only(meta: &Meta) -> bool {
    match meta {
        Meta::Path(path) => path.is_ident("test"),
        Meta::List(list) => {
            let Ok(args) = list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated) else {
                return false;
            };
            if list.path.is_ident("all") {
                args.iter().any(test_only)
            } else if list.path.is_ident("any") {
                !args.is_empty() && args.iter().all(test_only)
            } else {
                false
            }
        }
        Meta::NameValue(_) => false,
    }
}
