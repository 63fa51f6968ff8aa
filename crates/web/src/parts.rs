//! Reading a multipart form whole: its text fields and its files.

use std::collections::HashMap;

use axum::extract::Multipart;

/// The text fields and files of a multipart form.
#[derive(Default)]
pub(crate) struct Parts {
    /// The text fields by name.
    text: HashMap<String, String>,
    /// The files by field name: the file's name and its bytes.
    pub(crate) files: HashMap<String, (Option<String>, Vec<u8>)>,
}

impl Parts {
    /// Reads the whole form (the route's body limit caps it).
    pub(crate) async fn read(mut multipart: Multipart) -> Self {
        let mut parts = Parts::default();
        while let Ok(Some(field)) = multipart.next_field().await {
            let name = field.name().unwrap_or_default().to_owned();
            match field.file_name().map(str::to_owned) {
                Some(file_name) => {
                    if let Ok(bytes) = field.bytes().await {
                        parts.files.insert(name, (Some(file_name), bytes.to_vec()));
                    }
                }
                None => {
                    parts
                        .text
                        .insert(name, field.text().await.unwrap_or_default());
                }
            }
        }
        parts
    }

    /// The text field `name`, empty when absent.
    pub(crate) fn get(&self, name: &str) -> &str {
        self.text.get(name).map_or("", String::as_str)
    }

    /// The bytes of the file field `name`, if one was chosen.
    pub(crate) fn file(&self, name: &str) -> Option<&[u8]> {
        self.files
            .get(name)
            .map(|(_, bytes)| bytes.as_slice())
            .filter(|b| !b.is_empty())
    }
}
